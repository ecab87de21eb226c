package enroll

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nidan-auth/nidan/internal/filelock/filelocktest"
)

// Another process holding the file store's lock for longer than a save
// takes: the change fails with ErrStoreInUse and a message naming the lock
// file and what to do, the store file is unchanged, and the same change
// works once the lock is free.
func TestFileStoreWhileAnotherProcessHoldsTheLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "enroll.json")
	st, err := OpenFileStore(path)
	if err != nil {
		t.Fatal(err)
	}
	st.lockWait = 300 * time.Millisecond
	s := NewService(st, Options{Password: testPassword, Now: func() time.Time { return start }})
	if err := s.AddUser("bob", []byte("pw")); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	release := filelocktest.Hold(t, path+".lock")
	err = s.AddUser("alice", []byte("pw"))
	if !errors.Is(err, ErrStoreInUse) {
		t.Fatalf("AddUser while another process holds the lock: %v, want ErrStoreInUse", err)
	}
	want := "the enroll store is in use by another process: lock " + path + ".lock: locked by another process for 300ms; stop the other server or command, or try again later"
	if got := err.Error(); !strings.Contains(got, want) {
		t.Errorf("error:\n %s\nwant it to contain\n %s", got, want)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, before) {
		t.Error("the refused change rewrote the store file")
	}
	release()
	if err := s.AddUser("alice", []byte("pw")); err != nil {
		t.Fatalf("AddUser after the lock was freed: %v", err)
	}
}

package vault

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nidan-auth/nidan/internal/filelock/filelocktest"
)

// Another process holding the vault's lock for longer than LockWait makes
// a save fail with ErrInUse and a message saying what to do; nothing is
// saved and the in-memory vault is as before. Once the other process lets
// go, the same save works.
func TestSaveWhileAnotherProcessHoldsTheLock(t *testing.T) {
	opts := testOpts(t)
	opts.LockWait = 300 * time.Millisecond
	path := t.TempDir() + string(os.PathSeparator) + "vault.nidan"
	v, err := Create(path, []byte("correct horse"), opts)
	if err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	release := filelocktest.Hold(t, path+".lock")
	start := time.Now()
	_, err = v.Add(testAccount(t, "GitHub", "alice", "JBSWY3DPEHPK3PXP"))
	if !errors.Is(err, ErrInUse) {
		t.Fatalf("Add while another process holds the lock: %v, want ErrInUse", err)
	}
	if time.Since(start) < opts.LockWait {
		t.Errorf("gave up after %v, before LockWait %v", time.Since(start), opts.LockWait)
	}
	want := "the vault is in use by another Nidan: lock " + path + ".lock: locked by another process for 300ms; close the other Nidan window or command, or try again later"
	if err.Error() != want {
		t.Errorf("error:\n %s\nwant\n %s", err, want)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, before) {
		t.Error("the refused save changed the vault file")
	}
	if n := len(v.Accounts()); n != 0 {
		t.Errorf("the refused save left %d accounts in memory", n)
	}

	release()
	if _, err := v.Add(testAccount(t, "GitHub", "alice", "JBSWY3DPEHPK3PXP")); err != nil {
		t.Fatalf("Add after the other process let go: %v", err)
	}
	w, err := Open(path, []byte("correct horse"), opts)
	if err != nil {
		t.Fatal(err)
	}
	if got := w.Accounts(); len(got) != 1 || !strings.EqualFold(got[0].Issuer, "GitHub") {
		t.Errorf("after the retry the vault holds %v", got)
	}
}

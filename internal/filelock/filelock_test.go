package filelock_test

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/nidan-auth/nidan/internal/filelock"
	"github.com/nidan-auth/nidan/internal/filelock/filelocktest"
)

// The lock is between processes, so the tests hold it in another process
// (this test binary run again, through filelocktest) and check that this
// one is kept out until that one lets go.
func TestMain(m *testing.M) {
	filelocktest.HoldIfChild()
	os.Exit(m.Run())
}

func needLocks(t *testing.T) {
	if runtime.GOOS == "plan9" || runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("no inter-process lock on " + runtime.GOOS)
	}
}

func TestLockBetweenProcesses(t *testing.T) {
	needLocks(t)
	path := filepath.Join(t.TempDir(), "x.lock")
	release := filelocktest.Hold(t, path)
	if _, err := filelock.TryLock(path); !errors.Is(err, filelock.ErrLocked) {
		t.Fatalf("TryLock while the other process holds it: %v, want filelock.ErrLocked", err)
	}
	got := make(chan error, 1)
	go func() {
		l, err := filelock.Lock(path)
		if err == nil {
			err = l.Unlock()
		}
		got <- err
	}()
	select {
	case err := <-got:
		t.Fatalf("Lock returned while the other process holds it: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	release()
	select {
	case err := <-got:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Lock still waiting after the other process let go")
	}
	l, err := filelock.TryLock(path)
	if err != nil {
		t.Fatalf("TryLock after release: %v", err)
	}
	if fi, err := os.Stat(path); err != nil {
		t.Error(err)
	} else if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 { // Windows: the profile's ACL, no mode bits
		t.Errorf("lock file mode %v, want 0600", fi.Mode())
	}
	if err := l.Unlock(); err != nil {
		t.Fatal(err)
	}
	if err := l.Unlock(); err != nil {
		t.Errorf("second Unlock: %v", err)
	}
}

func TestLockWaitGivesUpWithAClearError(t *testing.T) {
	needLocks(t)
	path := filepath.Join(t.TempDir(), "x.lock")
	release := filelocktest.Hold(t, path)
	start := time.Now()
	l, err := filelock.LockWait(path, 300*time.Millisecond)
	waited := time.Since(start)
	if !errors.Is(err, filelock.ErrLocked) {
		l.Unlock()
		t.Fatalf("LockWait while another process holds the lock: %v, want filelock.ErrLocked", err)
	}
	if want := "lock " + path + ": locked by another process for 300ms"; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	if waited < 300*time.Millisecond {
		t.Errorf("gave up after %v, before the 300ms wait", waited)
	}

	// A holder that lets go within the wait is waited for.
	go func() { time.Sleep(200 * time.Millisecond); release() }()
	l, err = filelock.LockWait(path, 20*time.Second)
	if err != nil {
		t.Fatalf("LockWait with the holder letting go after 200ms: %v", err)
	}
	l.Unlock()
}

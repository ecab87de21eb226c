package filelock

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// The lock is between processes, so the test holds it in a child process
// (this test binary re-run) and checks the parent is kept out until the
// child lets go.
const childEnv = "NIDAN_FILELOCK_CHILD"

func TestMain(m *testing.M) {
	if p := os.Getenv(childEnv); p != "" {
		l, err := Lock(p)
		if err != nil {
			os.Exit(3)
		}
		os.Stdout.WriteString("held\n")
		buf := make([]byte, 1)
		os.Stdin.Read(buf) // hold until the parent closes our stdin
		l.Unlock()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestLockBetweenProcesses(t *testing.T) {
	if runtime.GOOS == "plan9" || runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("no inter-process lock on " + runtime.GOOS)
	}
	path := filepath.Join(t.TempDir(), "x.lock")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+path)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 5)
	if _, err := out.Read(buf); err != nil || string(buf) != "held\n" {
		t.Fatalf("child did not take the lock: %q %v", buf, err)
	}
	if _, err := TryLock(path); !errors.Is(err, ErrLocked) {
		t.Fatalf("TryLock while the child holds it: %v, want ErrLocked", err)
	}
	got := make(chan error, 1)
	go func() {
		l, err := Lock(path)
		if err == nil {
			err = l.Unlock()
		}
		got <- err
	}()
	select {
	case err := <-got:
		t.Fatalf("Lock returned while the child holds it: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	stdin.Close()
	select {
	case err := <-got:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Lock still waiting after the child let go")
	}
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	l, err := TryLock(path)
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

// holdInChild starts the child holding the lock on path and returns once
// it holds it; release lets go and waits for the child.
func holdInChild(t *testing.T, path string) (release func()) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+path)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 5)
	if _, err := io.ReadFull(out, buf); err != nil || string(buf) != "held\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("child did not take the lock: %q %v", buf, err)
	}
	return func() {
		stdin.Close()
		if err := cmd.Wait(); err != nil {
			t.Error(err)
		}
	}
}

func TestLockWaitGivesUpWithAClearError(t *testing.T) {
	if runtime.GOOS == "plan9" || runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("no inter-process lock on " + runtime.GOOS)
	}
	path := filepath.Join(t.TempDir(), "x.lock")
	release := holdInChild(t, path)
	start := time.Now()
	l, err := LockWait(path, 300*time.Millisecond)
	waited := time.Since(start)
	if !errors.Is(err, ErrLocked) {
		l.Unlock()
		release()
		t.Fatalf("LockWait while another process holds the lock: %v, want ErrLocked", err)
	}
	if want := "lock " + path + ": locked by another process for 300ms"; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	if waited < 300*time.Millisecond {
		t.Errorf("gave up after %v, before the 300ms wait", waited)
	}

	// A holder that lets go within the wait is waited for.
	go func() { time.Sleep(200 * time.Millisecond); release() }()
	l, err = LockWait(path, 20*time.Second)
	if err != nil {
		t.Fatalf("LockWait with the holder letting go after 200ms: %v", err)
	}
	l.Unlock()
}

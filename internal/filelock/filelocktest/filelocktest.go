// Package filelocktest holds a file lock in another process, for tests of
// what a save does while someone else has the lock: the vault, the enroll
// store and the CLI over them. The other process is the test binary run
// again, so it works wherever the tests run (Linux, Windows under Wine).
//
// A test package calls HoldIfChild first thing in its TestMain, then Hold
// in a test.
package filelocktest

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/nidan-auth/nidan/internal/filelock"
)

// childEnv names the lock file the child process is to hold.
const childEnv = "NIDAN_FILELOCKTEST_HOLD"

// HoldIfChild, in a test binary run by Hold, takes the lock, says "held"
// on standard output and keeps it until standard input closes, then exits.
// In any other run it returns at once.
func HoldIfChild() {
	path := os.Getenv(childEnv)
	if path == "" {
		return
	}
	l, err := filelock.Lock(path)
	if err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(3)
	}
	os.Stdout.WriteString("held\n")
	io.Copy(io.Discard, os.Stdin) // until the parent closes it
	l.Unlock()
	os.Exit(0)
}

// Hold makes another process take the lock on path and returns once it
// holds it. release (also run at the test's end) lets go and waits for
// the process to end.
func Hold(t testing.TB, path string) (release func()) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+path)
	cmd.Stderr = os.Stderr
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
	held := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(out).ReadString('\n')
		held <- line
	}()
	select {
	case line := <-held:
		if line != "held\n" {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("the lock holder did not take %s (it said %q): does TestMain call filelocktest.HoldIfChild?", path, line)
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the lock holder did not take %s in 30 s", path)
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			stdin.Close()
			if err := cmd.Wait(); err != nil {
				t.Errorf("the lock holder: %v", err)
			}
		})
	}
	t.Cleanup(release)
	return release
}

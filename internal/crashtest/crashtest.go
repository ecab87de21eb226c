// Package crashtest runs a test binary's child mode and kills it at a random
// moment, for tests that prove files survive a crash mid-write. It is used
// only by tests; it lives outside _test.go files so that several packages'
// crash tests share one harness.
package crashtest

import (
	"bufio"
	"math/rand/v2"
	"os"
	"os/exec"
	"testing"
	"time"
)

// KillChild starts the running test binary again with env added and no test
// selected (its TestMain or init enters child mode from env), waits for the
// child to print "ready", lets it work for a random time below maxDelay,
// kills it (SIGKILL on Unix, TerminateProcess on Windows) and returns every
// line the child printed after "ready". The child's stderr is the test's.
func KillChild(t testing.TB, env []string, maxDelay time.Duration) []string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1024)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	if l, ok := <-lines; !ok || l != "ready" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("crash child did not start: %q", l)
	}
	time.Sleep(time.Duration(rand.Int64N(int64(maxDelay))))
	cmd.Process.Kill()
	cmd.Wait()
	var after []string
	for l := range lines {
		after = append(after, l)
	}
	return after
}

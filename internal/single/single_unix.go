//go:build unix

package single

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// On Unix a lock file decides who is first (flock is released by the
// kernel when a process dies, so a crash leaves nothing stale to clear) and
// the first copy listens on a socket beside it.
func acquire(dir string, onShow func()) (*Instance, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("single: %w", err)
	}
	lock, err := os.OpenFile(filepath.Join(dir, "instance.lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("single: %w", err)
	}
	sock := socketPath(dir)
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		lock.Close()
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("single: lock %s: %w", dir, err)
		}
		return nil, notify(sock)
	}
	os.Remove(sock) // left by a copy that crashed; we hold the lock
	ln, err := net.Listen("unix", sock)
	if err != nil {
		lock.Close()
		return nil, fmt.Errorf("single: %w", err)
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return // closed
			}
			c.SetDeadline(time.Now().Add(answerTimeout))
			serve(c, onShow)
			c.Close()
		}
	}()
	return &Instance{closeFn: func() error {
		err := ln.Close() // removes the socket file
		lock.Close()
		return err
	}}, nil
}

// notify asks the running copy to show itself. It may still be starting
// (it holds the lock but is not listening yet), so keep trying a moment.
func notify(sock string) error {
	var last error
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		c, err := net.DialTimeout("unix", sock, answerTimeout)
		if err != nil {
			last = err
			continue
		}
		c.SetDeadline(time.Now().Add(answerTimeout))
		err = ask(c)
		c.Close()
		if err == nil {
			return ErrRunning
		}
		last = err
	}
	return fmt.Errorf("%w: %v", ErrNotAnswering, last)
}

// socketPath is the socket in dir, or, when that path is longer than a
// socket address holds (108 bytes on Linux, 104 on macOS), one named after
// dir's hash in the runtime or temp folder.
func socketPath(dir string) string {
	p := filepath.Join(dir, "instance.sock")
	if len(p) < 100 {
		return p
	}
	base := os.Getenv("XDG_RUNTIME_DIR")
	if base == "" {
		base = os.TempDir()
	}
	h := sha256.Sum256([]byte(dir))
	return filepath.Join(base, "nidan-"+hex.EncodeToString(h[:8])+".sock")
}

//go:build unix

package filelock

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// Lock takes an exclusive advisory lock (flock) on path, creating it 0600
// if needed, and waits while another process holds it. The kernel drops
// the lock if the process dies, so a crash never leaves it held.
func Lock(path string) (*File, error) { return lock(path, syscall.LOCK_EX) }

// TryLock is Lock without waiting: if another process holds the lock it
// returns ErrLocked at once.
func TryLock(path string) (*File, error) { return lock(path, syscall.LOCK_EX|syscall.LOCK_NB) }

func lock(path string, how int) (*File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	for {
		err = syscall.Flock(int(f.Fd()), how)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("lock %s: %w", path, ErrLocked)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return &File{f: f}, nil
}

// Unlock releases the lock. Closing the descriptor is what releases a
// flock; the explicit LOCK_UN documents it and covers a duplicated fd.
func (l *File) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	_ = syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	err := l.f.Close()
	l.f = nil
	return err
}

package filelock

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/windows"
)

// Lock takes an exclusive lock (LockFileEx) on path, creating it if
// needed, and waits while another process holds it. Windows releases the
// lock when the process ends, so a crash never leaves it held.
func Lock(path string) (*File, error) { return lock(path, windows.LOCKFILE_EXCLUSIVE_LOCK) }

// TryLock is Lock without waiting: if another process holds the lock it
// returns ErrLocked at once.
func TryLock(path string) (*File, error) {
	return lock(path, windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY)
}

// The whole possible range is locked. Windows locks are mandatory for the
// bytes they cover, which does not matter here: the lock file holds none
// and nothing reads it.
const lockLow, lockHigh = ^uint32(0), ^uint32(0)

func lock(path string, flags uint32) (*File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	ol := new(windows.Overlapped)
	if err := windows.LockFileEx(windows.Handle(f.Fd()), flags, 0, lockLow, lockHigh, ol); err != nil {
		f.Close()
		if errors.Is(err, windows.ERROR_LOCK_VIOLATION) || errors.Is(err, windows.ERROR_IO_PENDING) {
			return nil, fmt.Errorf("lock %s: %w", path, ErrLocked)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return &File{f: f}, nil
}

// Unlock releases the lock and closes the file. Closing alone would
// release it too, but only once Windows gets to it; UnlockFileEx is at
// once, so a waiting process goes ahead immediately.
func (l *File) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	ol := new(windows.Overlapped)
	_ = windows.UnlockFileEx(windows.Handle(l.f.Fd()), 0, lockLow, lockHigh, ol)
	err := l.f.Close()
	l.f = nil
	return err
}

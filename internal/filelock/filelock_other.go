//go:build !unix && !windows

package filelock

import "os"

// Lock on systems without flock only makes sure path exists: saves stay
// atomic (internal/atomicfile), but two processes saving at the same moment
// may lose one change. Unix (flock) and Windows (LockFileEx) have real
// locks.
func Lock(path string) (*File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	return &File{f: f}, nil
}

// TryLock is Lock: without a lock there is never another holder to report.
func TryLock(path string) (*File, error) { return Lock(path) }

// Unlock closes the file.
func (l *File) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}

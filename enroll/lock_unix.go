//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package enroll

import (
	"os"
	"syscall"
)

// lockFile takes an exclusive advisory lock (flock), so that two processes
// sharing a store never interleave a read-modify-write.
func lockFile(f *os.File) error   { return syscall.Flock(int(f.Fd()), syscall.LOCK_EX) }
func unlockFile(f *os.File) error { return syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

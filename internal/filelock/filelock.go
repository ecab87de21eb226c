// Package filelock is an exclusive, advisory, whole-file lock between
// processes: the GUI and the CLI saving one vault, two servers sharing one
// enroll store. It is advisory: only code that takes the same lock is kept
// out. The lock file itself holds nothing; it sits beside the file it
// guards (by convention path+".lock") and is never removed, so that two
// processes never lock two different inodes of the same name.
package filelock

import (
	"errors"
	"fmt"
	"os"
	"time"
)

// ErrLocked means another process holds the lock (TryLock only).
var ErrLocked = errors.New("locked by another process")

// File is a held lock. Unlock releases it; so does the end of the process.
type File struct {
	f *os.File
}

// DefaultWait is how long LockWait callers wait by default. A save holds
// its lock for milliseconds, so a lock still held after this long belongs
// to a process that is stuck (or to a tool holding it on purpose), and the
// user is better served by a clear message than by a command that hangs.
const DefaultWait = 10 * time.Second

// LockWait is Lock that gives up after wait (DefaultWait if wait <= 0):
// then it returns an error wrapping ErrLocked that names the lock file and
// how long it waited. Two processes saving at once still take turns.
func LockWait(path string, wait time.Duration) (*File, error) {
	if wait <= 0 {
		wait = DefaultWait
	}
	deadline := time.Now().Add(wait)
	pause := 10 * time.Millisecond
	for {
		l, err := TryLock(path)
		if !errors.Is(err, ErrLocked) {
			return l, err
		}
		left := time.Until(deadline)
		if left <= 0 {
			return nil, fmt.Errorf("lock %s: %w for %s", path, ErrLocked, wait.Round(time.Millisecond))
		}
		// Poll, at most every 100 ms: neither flock nor LockFileEx can wait
		// with a time-out.
		time.Sleep(min(pause, left))
		pause = min(2*pause, 100*time.Millisecond)
	}
}

// Package filelock is an exclusive, advisory, whole-file lock between
// processes: the GUI and the CLI saving one vault, two servers sharing one
// enroll store. It is advisory: only code that takes the same lock is kept
// out. The lock file itself holds nothing; it sits beside the file it
// guards (by convention path+".lock") and is never removed, so that two
// processes never lock two different inodes of the same name.
package filelock

import (
	"errors"
	"os"
)

// ErrLocked means another process holds the lock (TryLock only).
var ErrLocked = errors.New("locked by another process")

// File is a held lock. Unlock releases it; so does the end of the process.
type File struct {
	f *os.File
}

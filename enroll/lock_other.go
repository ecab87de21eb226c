//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package enroll

import "os"

// Without flock, only the FileStore's mutex serialises access: one process
// at a time should use a store on these systems.
func lockFile(*os.File) error   { return nil }
func unlockFile(*os.File) error { return nil }

// syncDir is a no-op where directories cannot be opened and synced
// (Windows makes the rename durable itself).
func syncDir(string) error { return nil }

package atomicfile

import (
	"errors"
	"os"
	"time"

	"golang.org/x/sys/windows"
)

// replaceRetryFor bounds how long replace waits out another process that
// has the target open: MoveFileEx cannot replace an open file (the name
// stays taken until its last handle closes, whatever the sharing mode), so
// a save fails with "Access denied" while another nidan reads the vault,
// or a virus scanner, search indexer or sync client reads the new file.
// Readers hold it for moments (ReadFile reads and closes); an error that
// lasts longer is reported.
const replaceRetryFor = 3 * time.Second

// replace moves tmp over path with MoveFileEx. MOVEFILE_WRITE_THROUGH
// makes it return only once the move is flushed to disk, which is what
// syncing the folder does on Unix; Windows cannot open a folder for that
// (FlushFileBuffers on a folder handle is "Access denied").
func replace(tmp, path string) error {
	flags := uint32(windows.MOVEFILE_REPLACE_EXISTING | windows.MOVEFILE_WRITE_THROUGH)
	return waitOutOthers(func() error { return move(tmp, path, flags) })
}

// waitOutOthers runs try until it succeeds, fails with an error that is not
// transient, or replaceRetryFor has passed, pausing a little longer each
// time.
func waitOutOthers(try func() error) error {
	deadline := time.Now().Add(replaceRetryFor)
	pause := 5 * time.Millisecond
	for {
		err := try()
		if err == nil || !transient(err) || time.Now().After(deadline) {
			return err
		}
		time.Sleep(pause)
		pause = min(2*pause, 200*time.Millisecond)
	}
}

// transient reports the errors another process's open handle causes.
func transient(err error) bool {
	return errors.Is(err, windows.ERROR_ACCESS_DENIED) || errors.Is(err, windows.ERROR_SHARING_VIOLATION)
}

// placeNew is a move that fails if path exists (ERROR_ALREADY_EXISTS,
// which errors.Is reports as fs.ErrExist).
func placeNew(tmp, path string) error {
	return move(tmp, path, windows.MOVEFILE_WRITE_THROUGH)
}

func move(from, to string, flags uint32) error {
	f, err := windows.UTF16PtrFromString(from)
	if err != nil {
		return &os.LinkError{Op: "move", Old: from, New: to, Err: err}
	}
	t, err := windows.UTF16PtrFromString(to)
	if err != nil {
		return &os.LinkError{Op: "move", Old: from, New: to, Err: err}
	}
	if err := windows.MoveFileEx(f, t, flags); err != nil {
		return &os.LinkError{Op: "move", Old: from, New: to, Err: err}
	}
	return nil
}

// openShared opens path for reading, sharing read, write and delete
// access: a replace in progress holds the file with delete access, which a
// plain os.Open (no FILE_SHARE_DELETE) conflicts with ("Sharing
// violation"). What still conflicts for a moment is waited out, as in
// replace.
func openShared(path string) (*os.File, error) {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	var h windows.Handle
	err = waitOutOthers(func() (err error) {
		h, err = windows.CreateFile(p, windows.GENERIC_READ,
			windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE,
			nil, windows.OPEN_EXISTING, windows.FILE_ATTRIBUTE_NORMAL, 0)
		return err
	})
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(h), path), nil
}

// SyncDir has nothing to do on Windows: every rename here is written
// through (see replace), and a folder cannot be flushed.
func SyncDir(string) error { return nil }

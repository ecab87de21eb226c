package atomicfile

import (
	"errors"
	"os"
	"time"

	"golang.org/x/sys/windows"
)

// replaceRetryFor bounds how long replace waits out another program that
// has the target open without sharing delete access: a virus scanner, a
// search indexer or a sync client reading the new file (ReadFile, used by
// Nidan itself, shares it). They let go within moments; an error that
// lasts longer is reported.
const replaceRetryFor = 3 * time.Second

// replace moves tmp over path with MoveFileEx. MOVEFILE_WRITE_THROUGH
// makes it return only once the move is flushed to disk, which is what
// syncing the folder does on Unix; Windows cannot open a folder for that
// (FlushFileBuffers on a folder handle is "Access denied").
func replace(tmp, path string) error {
	flags := uint32(windows.MOVEFILE_REPLACE_EXISTING | windows.MOVEFILE_WRITE_THROUGH)
	deadline := time.Now().Add(replaceRetryFor)
	pause := 5 * time.Millisecond
	for {
		err := move(tmp, path, flags)
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

// openShared opens path for reading and shares read, write and delete
// access, so that a replace of path can go ahead while it is open.
func openShared(path string) (*os.File, error) {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	h, err := windows.CreateFile(p, windows.GENERIC_READ,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE,
		nil, windows.OPEN_EXISTING, windows.FILE_ATTRIBUTE_NORMAL, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(h), path), nil
}

// SyncDir has nothing to do on Windows: every rename here is written
// through (see replace), and a folder cannot be flushed.
func SyncDir(string) error { return nil }

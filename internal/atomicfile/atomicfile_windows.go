package atomicfile

import (
	"os"

	"golang.org/x/sys/windows"
)

// replace moves tmp over path with MoveFileEx. MOVEFILE_WRITE_THROUGH
// makes it return only once the move is flushed to disk, which is what
// syncing the folder does on Unix; Windows cannot open a folder for that
// (FlushFileBuffers on a folder handle is "Access denied").
func replace(tmp, path string) error {
	return move(tmp, path, windows.MOVEFILE_REPLACE_EXISTING|windows.MOVEFILE_WRITE_THROUGH)
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

// SyncDir has nothing to do on Windows: every rename here is written
// through (see replace), and a folder cannot be flushed.
func SyncDir(string) error { return nil }

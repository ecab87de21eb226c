// Package atomicfile replaces a file so that after a crash at any moment it
// holds either its old or its new bytes, never a mix or nothing: the data go
// to a temporary file in the same folder, which is synced, renamed over the
// target, and then the folder is synced so the rename itself is durable.
//
// On Windows a folder cannot be synced; the rename is a MoveFileEx with
// MOVEFILE_WRITE_THROUGH instead, which returns once the move is on disk
// (atomicfile_windows.go).
//
// The temporary file is named "<name>.tmp-<random>" and created 0600, so a
// secret is never readable by others even for a moment; RemoveTemps deletes
// the ones a crash left behind.
package atomicfile

import (
	"io"
	"os"
	"path/filepath"
)

// Write replaces path with data, creating it with perm (a file that
// already exists gets perm too).
func Write(path string, data []byte, perm os.FileMode) error {
	return WriteFunc(path, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteFunc replaces path with what fn writes. If fn fails, path is left
// as it was and the temporary file is removed.
func WriteFunc(path string, perm os.FileMode, fn func(w io.Writer) error) error {
	return write(path, perm, fn, false)
}

// WriteNew is Write for a file that must not exist yet: it never replaces
// anything (a hard link takes the place of the rename) and fails with an
// error wrapping fs.ErrExist if path is already there.
func WriteNew(path string, data []byte, perm os.FileMode) error {
	return write(path, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	}, true)
}

func write(path string, perm os.FileMode, fn func(w io.Writer) error, exclusive bool) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, filepath.Base(path)+".tmp-*") // 0600
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err := fn(f); err != nil {
		return err
	}
	if err := f.Chmod(perm); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if exclusive {
		if err := placeNew(tmp, path); err != nil {
			return err
		}
	} else if err := replace(tmp, path); err != nil {
		return err
	}
	return SyncDir(dir)
}

// RemoveTemps deletes the temporary files an interrupted Write of path
// left behind. Call it only while no other Write of path can be running
// (under the caller's file lock).
func RemoveTemps(path string) {
	m, _ := filepath.Glob(globEscape(path) + ".tmp-*")
	for _, p := range m {
		os.Remove(p)
	}
}

func globEscape(p string) string {
	var b []byte
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '*', '?', '[', '\\':
			b = append(b, '\\')
		}
		b = append(b, p[i])
	}
	return string(b)
}

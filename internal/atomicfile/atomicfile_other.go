//go:build !windows

package atomicfile

import (
	"errors"
	"fmt"
	"os"
)

// replace renames tmp over path; SyncDir then makes the rename durable.
func replace(tmp, path string) error { return os.Rename(tmp, path) }

// placeNew gives tmp the name path unless path exists: a hard link fails
// with EEXIST where a rename would replace.
func placeNew(tmp, path string) error {
	if err := os.Link(tmp, path); err != nil {
		return err
	}
	os.Remove(tmp)
	return nil
}

// openShared is os.Open: on Unix a rename may replace an open file, and
// the reader keeps the bytes it opened.
func openShared(path string) (*os.File, error) { return os.Open(path) }

// SyncDir makes the creations, renames and removals in dir durable.
// Systems that cannot sync a folder (it reports os.ErrInvalid) need not.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return fmt.Errorf("sync folder: %w", err)
	}
	return nil
}

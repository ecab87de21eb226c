package vault

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/nidan-auth/nidan/internal/folderwatch"
)

// This file lets an open vault follow the saves of other processes as they
// happen, not only at its own next save: the CLI advancing an HOTP counter
// while the GUI shows that account's code must take the used code off the
// screen.

// WatchOptions tune Watch. The zero value is what the app uses.
type WatchOptions struct {
	// Settle is how long the folder stays quiet after an event on the
	// vault file before it is read (a save is several renames); 0 = 100 ms.
	Settle time.Duration
	// Poll is how often the file is looked at anyway, for file systems
	// that send no events (network shares); 0 = 10 s.
	Poll time.Duration
}

// Watch follows the vault file until ctx ends or the vault is locked. Each
// time another process saved it, Watch takes the change in (Refresh) and
// then calls onChange with nil; a save this vault cannot take in (the
// password changed elsewhere, the file replaced by another vault) is
// reported once as the error Refresh gave. The vault's own saves call
// nothing. A save made before the watch was in place (after the vault was
// opened, before Watch started) is taken in as the watch starts. The error
// returned is from setting the watch up.
func (v *Vault) Watch(ctx context.Context, opts WatchOptions, onChange func(error)) error {
	settle, poll := opts.Settle, opts.Poll
	if settle <= 0 {
		settle = 100 * time.Millisecond
	}
	if poll <= 0 {
		poll = 10 * time.Second
	}
	// The folder, not the file: a save renames a new file into place, and
	// a watch on the old file would follow it to .prev.
	dir, base := filepath.Dir(v.path), filepath.Base(v.path)
	var seen os.FileInfo // the file when last read, so a poll skips an unchanged one
	var reported error
	look := func(force bool) bool {
		// A poll of an unchanged file reads nothing, so it would not
		// learn of a Lock from Refresh.
		if v.isLocked() {
			return false
		}
		fi, err := os.Stat(v.path)
		if err == nil && !force && seen != nil && fi.Size() == seen.Size() && fi.ModTime().Equal(seen.ModTime()) {
			return true
		}
		seen = fi
		changed, err := v.Refresh()
		switch {
		case errors.Is(err, ErrLocked):
			return false
		case err != nil:
			if reported == nil || err.Error() != reported.Error() {
				reported = err
				onChange(err)
			}
		case changed:
			reported = nil
			onChange(nil)
		}
		return true
	}
	err := folderwatch.Watch(ctx, dir, settle, poll,
		func(name string) bool { return name == base },
		func(polled bool) bool { return look(!polled) },
		func() bool { return look(false) })
	if err != nil {
		return fmt.Errorf("watch vault: %w", err)
	}
	return nil
}

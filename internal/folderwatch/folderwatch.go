// Package folderwatch calls back when files in a folder have changed and
// the folder has gone quiet, and at a fixed interval anyway for file
// systems that send no change events (network shares). The vault and the
// sync folder both follow other processes' saves with it: a save writes a
// temporary file and renames it into place, sometimes in several steps, so
// one callback after the folder settles is what they want, not one per
// event.
package folderwatch

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Watch follows dir until ctx ends (nil) or look returns false (nil); the
// error is from setting the watch up. After an event on a file whose base
// name match accepts, once dir has had no such event for settle, look runs
// with polled false; every poll it runs with polled true. look runs on
// Watch's goroutine, one call at a time. started, if set, runs once the
// watch is in place, before any look: what a caller reads from then on
// cannot miss a change. Like look, it ends the watch by returning false.
func Watch(ctx context.Context, dir string, settle, poll time.Duration, match func(base string) bool, look func(polled bool) bool, started func() bool) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	defer w.Close()
	if err := w.Add(dir); err != nil {
		return fmt.Errorf("folder %s: %w", dir, err)
	}
	if started != nil && !started() {
		return nil
	}
	quiet := time.NewTimer(settle)
	quiet.Stop()
	defer quiet.Stop()
	tick := time.NewTicker(poll)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			if match(filepath.Base(ev.Name)) {
				quiet.Reset(settle)
			}
		case <-w.Errors:
			// An overflowed event queue loses events, not files: look now.
			quiet.Reset(settle)
		case <-quiet.C:
			if !look(false) {
				return nil
			}
		case <-tick.C:
			if !look(true) {
				return nil
			}
		}
	}
}

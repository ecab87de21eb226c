package syncfolder

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
)

// WatchOptions tune Watch. The zero value is what the app uses.
type WatchOptions struct {
	// Settle is how long the folder must be quiet before onChange runs:
	// sync clients write a temporary file and rename it, sometimes in
	// several steps. Zero means 300 ms, which keeps a merge within 2 s
	// of the change.
	Settle time.Duration
	// Poll is how often onChange runs anyway, for network file systems
	// that send no change events. Zero means 30 s.
	Poll time.Duration
}

// Watch calls onChange after a device file or conflict copy in dir
// appears, changes or goes, once the folder has settled, and every Poll
// interval. It returns when ctx is done (nil) or the watch cannot start.
// onChange runs on Watch's goroutine, one call at a time.
func Watch(ctx context.Context, dir string, opts WatchOptions, onChange func()) error {
	settle, poll := opts.Settle, opts.Poll
	if settle <= 0 {
		settle = 300 * time.Millisecond
	}
	if poll <= 0 {
		poll = 30 * time.Second
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch sync folder: %w", err)
	}
	defer w.Close()
	if err := w.Add(dir); err != nil {
		return fmt.Errorf("watch sync folder %s: %w", dir, err)
	}
	quiet := time.NewTimer(settle)
	quiet.Stop()
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
			if _, ours := ParseName(filepath.Base(ev.Name)); ours {
				quiet.Reset(settle)
			}
		case <-w.Errors:
			// An overflowed event queue loses events, not files: look now.
			quiet.Reset(settle)
		case <-quiet.C:
			onChange()
		case <-tick.C:
			onChange()
		}
	}
}

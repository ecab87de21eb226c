package syncfolder

import (
	"context"
	"fmt"
	"time"

	"github.com/nidan-auth/nidan/internal/folderwatch"
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
	// Started, if set, runs on Watch's goroutine once the watch is in
	// place, before any onChange: a first sync started from it misses no
	// change that comes after it.
	Started func()
}

// Watch calls onChange after a device file or conflict copy in dir
// appears, changes or goes, once the folder has settled, and every Poll
// interval. It returns when ctx is done (nil) or the watch cannot start.
// onChange runs on Watch's goroutine, one call at a time; polled says the
// call is the Poll interval's, not a change's.
func Watch(ctx context.Context, dir string, opts WatchOptions, onChange func(polled bool)) error {
	settle, poll := opts.Settle, opts.Poll
	if settle <= 0 {
		settle = 300 * time.Millisecond
	}
	if poll <= 0 {
		poll = 30 * time.Second
	}
	err := folderwatch.Watch(ctx, dir, settle, poll,
		func(name string) bool { _, ours := ParseName(name); return ours },
		func(polled bool) bool { onChange(polled); return true },
		func() bool {
			if opts.Started != nil {
				opts.Started()
			}
			return true
		})
	if err != nil {
		return fmt.Errorf("watch sync folder: %w", err)
	}
	return nil
}

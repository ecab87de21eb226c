package syncfolder

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestWatchSeesDeviceFiles: a device file written the way sync clients do
// (temporary name, then rename) wakes the watcher; unrelated files do not.
func TestWatchSeesDeviceFiles(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	calls := make(chan struct{}, 10)
	done := make(chan error, 1)
	started := make(chan struct{})
	go func() {
		done <- Watch(ctx, dir, WatchOptions{Settle: 50 * time.Millisecond, Poll: time.Hour, Started: func() { close(started) }},
			func(bool) { calls <- struct{}{} })
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	select { // else the writes below could come before the watch and be missed
	case <-started:
	case err := <-done:
		done <- err // for the deferred check
		t.Fatalf("Watch ended before it started: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	select {
	case <-calls:
		t.Fatal("an unrelated file woke the watcher")
	case <-time.After(300 * time.Millisecond):
	}
	tmp := filepath.Join(dir, ".syncthing.nidan-a1b2c3d4e5f60718.nidan.tmp")
	if err := os.WriteFile(tmp, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, FileName("a1b2c3d4e5f60718"))); err != nil {
		t.Fatal(err)
	}
	select {
	case <-calls:
	case <-time.After(5 * time.Second):
		t.Fatal("a new device file did not wake the watcher")
	}
}

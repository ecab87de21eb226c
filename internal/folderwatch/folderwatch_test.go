package folderwatch

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// A change to a matching file calls look once the folder settles, a
// change to another file does not, and look returning false ends Watch.
func TestWatchSettlesOnMatchingFiles(t *testing.T) {
	dir := t.TempDir()
	calls := make(chan bool, 10)
	stop := make(chan struct{})
	done := make(chan error, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	go func() {
		done <- Watch(ctx, dir, 50*time.Millisecond, time.Hour,
			func(name string) bool { return name == "v.nidan" },
			func(polled bool) bool {
				calls <- polled
				select {
				case <-stop:
					return false
				default:
					return true
				}
			}, nil)
	}()
	// The watch is set up asynchronously: write until the first call.
	deadline := time.After(10 * time.Second)
	for got := false; !got; {
		if err := os.WriteFile(filepath.Join(dir, "v.nidan"), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		select {
		case polled := <-calls:
			if polled {
				t.Fatal("look ran as a poll, want after a settled change")
			}
			got = true
		case <-time.After(200 * time.Millisecond):
		case <-deadline:
			t.Fatal("no call after writing the matching file")
		}
	}
	for len(calls) > 0 { // the writes before the first call may have settled twice
		<-calls
	}
	if err := os.WriteFile(filepath.Join(dir, "other"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	select {
	case <-calls:
		t.Fatal("a change to a file match refuses called look")
	case <-time.After(300 * time.Millisecond):
	}
	close(stop)
	if err := os.WriteFile(filepath.Join(dir, "v.nidan"), []byte("y"), 0o600); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Watch did not end when look returned false")
	}
}

func TestWatchPolls(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	n, started := 0, false
	err := Watch(ctx, t.TempDir(), time.Hour, 20*time.Millisecond,
		func(string) bool { return true },
		func(polled bool) bool {
			if !polled {
				t.Error("look after a change, want a poll")
			}
			if !started {
				t.Error("look before started")
			}
			n++
			return n < 3
		}, func() bool { started = true; return true })
	if err != nil || n != 3 {
		t.Fatalf("Watch = %v after %d polls, want nil after 3", err, n)
	}
}

// TestWatchStarted: a change made as soon as started has run is seen,
// with no wait for the watch to be set up.
func TestWatchStarted(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ready := make(chan struct{})
	looked := make(chan bool, 1)
	done := make(chan error, 1)
	go func() {
		done <- Watch(ctx, dir, 20*time.Millisecond, time.Hour,
			func(name string) bool { return name == "v.nidan" },
			func(polled bool) bool { looked <- polled; return false },
			func() bool { close(ready); return true })
	}()
	// Windows cannot remove a folder that is still watched.
	t.Cleanup(func() { cancel(); <-done })
	<-ready
	if err := os.WriteFile(filepath.Join(dir, "v.nidan"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	select {
	case polled := <-looked:
		if polled {
			t.Fatal("a poll, want the change")
		}
	case <-ctx.Done():
		t.Fatal("the change right after started was not seen")
	}
}

func TestWatchMissingFolder(t *testing.T) {
	err := Watch(context.Background(), filepath.Join(t.TempDir(), "none"), time.Second, time.Second,
		func(string) bool { return true }, func(bool) bool { return false }, func() bool { t.Error("started for a missing folder"); return true })
	if err == nil {
		t.Fatal("Watch of a missing folder: nil error")
	}
}

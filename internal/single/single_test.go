package single

import (
	"errors"
	"testing"
	"time"
)

func TestSecondCopyAsksTheFirst(t *testing.T) {
	dir := t.TempDir()
	shown := make(chan struct{}, 4)
	first, err := Acquire(dir, func() { shown <- struct{}{} })
	if err != nil {
		t.Fatalf("first copy: %v", err)
	}
	for i := 0; i < 2; i++ {
		if _, err := Acquire(dir, func() { t.Error("the second copy was asked to show") }); !errors.Is(err, ErrRunning) {
			t.Fatalf("launch %d: err = %v, want ErrRunning", i+2, err)
		}
		select {
		case <-shown:
		case <-time.After(5 * time.Second):
			t.Fatalf("launch %d: the first copy was not asked to show", i+2)
		}
	}
	// Another folder is another vault: its own first copy.
	other, err := Acquire(t.TempDir(), func() {})
	if err != nil {
		t.Fatalf("other folder: %v", err)
	}
	other.Close()

	// Once the first copy closes, the next launch becomes the first.
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := Acquire(dir, func() {})
	if err != nil {
		t.Fatalf("after close: %v", err)
	}
	again.Close()
}

func TestLongFolderName(t *testing.T) {
	dir := t.TempDir() + "/" + "a-folder-name-long-enough-that-a-socket-path-inside-it-would-not-fit-in-sun-path-at-all"
	first, err := Acquire(dir, func() {})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	if _, err := Acquire(dir, func() {}); !errors.Is(err, ErrRunning) {
		t.Fatalf("err = %v, want ErrRunning", err)
	}
}

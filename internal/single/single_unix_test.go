//go:build unix

package single

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// A copy that holds the lock but never answers (hung, or stopped) is told
// apart from one that answered: the launch must say why nothing opens.
func TestHungCopyIsNotAnswering(t *testing.T) {
	dir := t.TempDir()
	lock, err := os.OpenFile(filepath.Join(dir, "instance.lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Fatal(err)
	}
	_, err = Acquire(dir, func() { t.Error("asked to show") })
	if !errors.Is(err, ErrNotAnswering) || errors.Is(err, ErrRunning) {
		t.Fatalf("Acquire beside a copy that never answers: %v, want ErrNotAnswering", err)
	}
}

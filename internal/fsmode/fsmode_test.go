package fsmode

import (
	"os"
	"path/filepath"
	"testing"
)

// TestReported creates files and a folder with the modes Nidan uses and
// checks os.Stat reports what Reported says, on whatever system runs it.
func TestReported(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "d")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, perm := range []os.FileMode{0o600, 0o400} {
		p := filepath.Join(dir, perm.String())
		if err := os.WriteFile(p, nil, perm); err != nil {
			t.Fatal(err)
		}
		os.Chmod(p, perm) // past the umask
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := fi.Mode().Perm(), Reported(perm, false); got != want {
			t.Errorf("file made %v: reported %v, Reported says %v", perm, got, want)
		}
		os.Chmod(p, 0o600) // so that the clean-up can remove it
	}
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fi.Mode().Perm(), Reported(0o700, true); got != want {
		t.Errorf("folder made 0700: reported %v, Reported says %v", got, want)
	}
}

package atomicfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestWriteReplacesWithPerm(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "v.nidan")
	if err := Write(path, []byte("one"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(path, []byte("two"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := read(t, path); got != "two" {
		t.Errorf("content %q, want two", got)
	}
	if fi, _ := os.Stat(path); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode())
	}
	if names := entries(t, dir); len(names) != 1 {
		t.Errorf("folder holds %v, want only v.nidan", names)
	}
}

func TestWriteFuncFailureKeepsOld(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	if err := Write(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := WriteFunc(path, 0o600, func(w io.Writer) error {
		w.Write([]byte("half"))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err %v, want boom", err)
	}
	if got := read(t, path); got != "old" {
		t.Errorf("content %q after a failed write, want old", got)
	}
	if names := entries(t, dir); len(names) != 1 {
		t.Errorf("temporary file left: %v", names)
	}
}

func TestWriteNewNeverReplaces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "n")
	if err := WriteNew(path, []byte("first"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteNew(path, []byte("second"), 0o600); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("second WriteNew: %v, want fs.ErrExist", err)
	}
	if got := read(t, path); got != "first" {
		t.Errorf("content %q, want first", got)
	}
	if names := entries(t, dir); len(names) != 1 {
		t.Errorf("temporary file left: %v", names)
	}
}

func TestRemoveTemps(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a[1]*.nidan")
	for _, n := range []string{"a[1]*.nidan.tmp-123", "a[1]*.nidan.tmp-x", "a[1]*.nidan", "other.tmp-1"} {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o600); err != nil {
			t.Skipf("cannot name a file %q here: %v", n, err)
		}
	}
	RemoveTemps(path)
	names := entries(t, dir)
	if len(names) != 2 || names[0] != "a[1]*.nidan" || names[1] != "other.tmp-1" {
		t.Errorf("left %v, want the file itself and the unrelated temp", names)
	}
}

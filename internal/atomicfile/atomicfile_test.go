package atomicfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
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

// A reader holding the file open for a moment must not make a replace
// fail: on Windows MoveFileEx cannot replace an open file, and a concurrent
// "nidan add" failed with "Access denied" while another nidan read the
// vault. The replace waits until the reader lets go.
func TestWriteWaitsOutABriefReader(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v.nidan")
	if err := Write(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	released := make(chan struct{})
	go func() {
		time.Sleep(300 * time.Millisecond)
		f.Close()
		close(released)
	}()
	if err := Write(path, []byte("new"), 0o600); err != nil {
		t.Fatalf("replace while a reader has the file open for 300 ms: %v", err)
	}
	<-released
	if got := read(t, path); got != "new" {
		t.Errorf("file holds %q after the replace, want new", got)
	}
}

// Readers and a writer at once: every read is one whole version, and no
// write fails.
func TestReadFileDuringWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v.nidan")
	versions := map[string]bool{}
	for _, v := range []string{"aaaaaaaa", "bbbbbbbbbbbb", "cc"} {
		versions[v] = true
	}
	if err := Write(path, []byte("aaaaaaaa"), 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	errs := make(chan error, 4)
	for range 3 {
		go func() {
			for {
				select {
				case <-done:
					errs <- nil
					return
				default:
				}
				// As often as another nidan process would, and more.
				time.Sleep(2 * time.Millisecond)
				data, err := ReadFile(path, 1<<10)
				if err != nil {
					errs <- err
					return
				}
				if !versions[string(data)] {
					errs <- errors.New("read a torn version: " + string(data))
					return
				}
			}
		}()
	}
	var werr error
	for i := range 100 {
		v := []string{"aaaaaaaa", "bbbbbbbbbbbb", "cc"}[i%3]
		if werr = Write(path, []byte(v), 0o600); werr != nil {
			break
		}
	}
	close(done)
	for range 3 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if werr != nil {
		t.Fatalf("a write beside readers failed: %v", werr)
	}
}

func TestReadFileLimitAndMissing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	if err := Write(path, []byte("12345"), 0o600); err != nil {
		t.Fatal(err)
	}
	if data, err := ReadFile(path, 5); err != nil || string(data) != "12345" {
		t.Errorf("ReadFile at the limit = %q, %v", data, err)
	}
	if _, err := ReadFile(path, 4); !errors.Is(err, ErrTooLarge) {
		t.Errorf("ReadFile over the limit: %v, want ErrTooLarge", err)
	}
	if _, err := ReadFile(filepath.Join(dir, "none"), 5); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadFile of a missing file: %v, want fs.ErrNotExist", err)
	}
}

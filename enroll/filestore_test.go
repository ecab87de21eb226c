package enroll

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nidan-auth/nidan/internal/fsmode"
)

func TestFileStoreDurable(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "enroll.json")
	st, err := OpenFileStore(path)
	if err != nil {
		t.Fatal(err)
	}
	s := NewService(st, Options{Password: testPassword, Now: func() time.Time { return start }})
	if err := s.AddUser("alice", []byte("pw")); err != nil {
		t.Fatal(err)
	}
	e, err := s.Begin("alice")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Confirm("alice", codeAt(t, e.Factor, start)); err != nil {
		t.Fatal(err)
	}

	// Permissions: directory 0700, store and key 0600; no temp files left.
	for p, want := range map[string]os.FileMode{filepath.Dir(path): 0o700, path: 0o600, path + ".key": 0o600} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if want = fsmode.Reported(want, fi.IsDir()); fi.Mode().Perm() != want {
			t.Errorf("%s mode %v, want %v", p, fi.Mode().Perm(), want)
		}
	}
	ents, _ := os.ReadDir(filepath.Dir(path))
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temp file left: %s", e.Name())
		}
	}

	// Secrets and hashes are not in the file in the clear.
	raw, _ := os.ReadFile(path)
	for _, leak := range []string{"alice", "argon2id", e.SetupKey[:4] + e.SetupKey[5:9]} {
		if strings.Contains(string(raw), leak) {
			t.Errorf("store file contains %q in the clear", leak)
		}
	}

	// A second store on the same path (another process) sees the state,
	// including the replay guard.
	st2, err := OpenFileStore(path)
	if err != nil {
		t.Fatal(err)
	}
	s2 := NewService(st2, Options{Password: testPassword, Now: func() time.Time { return start }})
	if err := s2.Login("alice", []byte("pw"), codeAt(t, e.Factor, start)); !errors.Is(err, ErrReplay) {
		t.Errorf("reopened store: %v, want ErrReplay", err)
	}
	if u, err := s2.User("alice"); err != nil || !u.Enabled || u.Failures != 1 {
		t.Errorf("reopened: %+v, %v", u, err)
	}
}

func TestFileStoreOpenErrors(t *testing.T) {
	mk := func(t *testing.T) string {
		path := filepath.Join(t.TempDir(), "enroll.json")
		st, err := OpenFileStore(path)
		if err != nil {
			t.Fatal(err)
		}
		s := NewService(st, Options{Password: testPassword})
		if err := s.AddUser("alice", []byte("pw")); err != nil {
			t.Fatal(err)
		}
		return path
	}
	tests := []struct {
		name   string
		damage func(t *testing.T, path string)
		want   error
	}{
		{"ok", func(*testing.T, string) {}, nil},
		{"key file missing", func(t *testing.T, p string) { os.Remove(p + ".key") }, ErrWrongKey},
		{"other store's key", func(t *testing.T, p string) {
			other := mk(t)
			k, _ := os.ReadFile(other + ".key")
			os.WriteFile(p+".key", k, 0o600)
		}, ErrWrongKey},
		{"key file damaged", func(t *testing.T, p string) { os.WriteFile(p+".key", []byte("nope\n"), 0o600) }, ErrCorrupt},
		{"ciphertext flipped", func(t *testing.T, p string) {
			b, _ := os.ReadFile(p)
			i := strings.Index(string(b), `"ciphertext": "`) + len(`"ciphertext": "`)
			if b[i] == 'A' {
				b[i] = 'B'
			} else {
				b[i] = 'A'
			}
			os.WriteFile(p, b, 0o600)
		}, ErrWrongKey},
		{"not a store", func(t *testing.T, p string) { os.WriteFile(p, []byte("{}"), 0o600) }, ErrCorrupt},
		{"truncated", func(t *testing.T, p string) {
			b, _ := os.ReadFile(p)
			os.WriteFile(p, b[:len(b)/2], 0o600)
		}, ErrCorrupt},
		{"newer version", func(t *testing.T, p string) {
			b, _ := os.ReadFile(p)
			os.WriteFile(p, []byte(strings.Replace(string(b), `"version": 2`, `"version": 3`, 1)), 0o600)
		}, ErrUnsupportedVersion},
		{"older copy put back", func(t *testing.T, p string) {
			old, _ := os.ReadFile(p)
			st, _ := OpenFileStore(p)
			if err := NewService(st, Options{Password: testPassword}).AddUser("bob", []byte("pw")); err != nil {
				t.Fatal(err)
			}
			os.WriteFile(p, old, 0o600)
		}, ErrRolledBack},
		{"generation file missing", func(t *testing.T, p string) { os.Remove(p + ".gen") }, ErrRolledBack},
		{"generation changed in the file", func(t *testing.T, p string) {
			b, _ := os.ReadFile(p)
			os.WriteFile(p, []byte(strings.Replace(string(b), `"generation": 1`, `"generation": 7`, 1)), 0o600)
		}, ErrWrongKey},
		{"generation file damaged", func(t *testing.T, p string) { os.WriteFile(p+".gen", []byte("x"), 0o600) }, ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := mk(t)
			tt.damage(t, path)
			before, _ := os.ReadFile(path)
			_, err := OpenFileStore(path)
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("OpenFileStore: %v, want %v", err, tt.want)
			}
			if after, _ := os.ReadFile(path); string(after) != string(before) {
				t.Error("a failed open changed the store file")
			}
		})
	}
}

func TestDefaultStorePath(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	p, err := DefaultStorePath()
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(p) != "enroll.json" || filepath.Base(filepath.Dir(p)) != "nidan" {
		t.Errorf("DefaultStorePath = %q", p)
	}
	if fi, err := os.Stat(filepath.Dir(p)); err != nil || fi.Mode().Perm() != fsmode.Reported(0o700, true) {
		t.Errorf("data folder: %v %v", fi, err)
	}
}

package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nidan-auth/nidan/internal/fsmode"
)

var recoveryLine = regexp.MustCompile(`(?m)^  ([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})$`)

// TestEnrollStoreKinds runs enrollment, recovery codes and their
// regeneration through the CLI on SQLite and on the file store.
func TestEnrollStoreKinds(t *testing.T) {
	for _, kind := range []string{"sqlite", "file"} {
		t.Run(kind, func(t *testing.T) {
			et := newEnrollTest(t)
			if kind == "sqlite" {
				et.store = "sqlite:" + filepath.Join(t.TempDir(), "enroll.db")
				et.env["NIDAN_ENROLL_STORE"] = et.store
			}
			et.must("enroll", "user", "add", "alice")
			uri := strings.Split(et.must("enroll", "begin", "alice"), "\n")[0]
			out := et.must("enroll", "confirm", "alice", et.code(uri, et.now))
			codes := recoveryLine.FindAllStringSubmatch(out, -1)
			if len(codes) != 10 {
				t.Fatalf("confirm printed %d recovery codes:\n%s", len(codes), out)
			}
			out = et.must("enroll", "login", "alice", codes[0][1])
			if !strings.Contains(out, "accepted with a recovery code: alice (9 left)") {
				t.Errorf("login with a recovery code: %q", out)
			}
			if st, _, errs := et.run("", "enroll", "login", "alice", codes[0][1]); st != 1 || !strings.Contains(errs, "wrong recovery code") {
				t.Errorf("the same recovery code again: %d %q", st, errs)
			}
			fresh := recoveryLine.FindAllStringSubmatch(et.must("enroll", "recovery", "alice"), -1)
			if len(fresh) != 10 {
				t.Fatalf("recovery printed %d codes", len(fresh))
			}
			if st, _, _ := et.run("", "enroll", "login", "alice", codes[1][1]); st != 1 {
				t.Error("an old recovery code still works after regeneration")
			}
			et.now = et.now.Add(30 * time.Second)
			et.must("enroll", "login", "alice", et.code(uri, et.now))
			if kind == "sqlite" {
				path := strings.TrimPrefix(et.store, "sqlite:")
				for _, p := range []string{path, path + ".key"} {
					if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != fsmode.Reported(0o600, false) {
						t.Errorf("%s: %v %v", p, fi, err)
					}
				}
			}
		})
	}
}

func TestEnrollKeysAndSpecs(t *testing.T) {
	et := newEnrollTest(t)
	key := filepath.Join(t.TempDir(), "panel.key")
	et.must("enroll", "keygen", key)
	if fi, err := os.Stat(key); err != nil || fi.Mode().Perm() != fsmode.Reported(0o600, false) {
		t.Errorf("key file: %v %v", fi, err)
	}
	before, _ := os.ReadFile(key)
	if st, _, _ := et.run("", "enroll", "keygen", key); st == 0 {
		t.Error("keygen replaced an existing key file")
	}
	if after, _ := os.ReadFile(key); string(after) != string(before) {
		t.Error("a refused keygen changed the key file")
	}
	// PostgreSQL needs a key; the error says how to give one (no server
	// is contacted before that).
	et.env["NIDAN_ENROLL_STORE"] = "postgres://nobody@127.0.0.1:1/none"
	if st, _, errs := et.run("", "enroll", "list"); st != 1 || !strings.Contains(errs, "NIDAN_ENROLL_KEY") {
		t.Errorf("postgres without a key: %d %q", st, errs)
	}
	// A SQLite store opened with another key is refused.
	et.env["NIDAN_ENROLL_STORE"] = "sqlite:" + filepath.Join(t.TempDir(), "e.db")
	et.must("enroll", "user", "add", "alice")
	et.env["NIDAN_ENROLL_KEY_FILE"] = key
	if st, _, errs := et.run("", "enroll", "list"); st != 1 || !strings.Contains(errs, "another key") {
		t.Errorf("sqlite with another key: %d %q", st, errs)
	}
	delete(et.env, "NIDAN_ENROLL_KEY_FILE")
	// No store named: SQLite in the data folder.
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	t.Setenv("APPDATA", cfg) // os.UserConfigDir on Windows
	t.Setenv("HOME", t.TempDir())
	delete(et.env, "NIDAN_ENROLL_STORE")
	et.must("enroll", "user", "add", "bob")
	if _, err := os.Stat(filepath.Join(cfg, "nidan", "enroll.db")); err != nil {
		t.Errorf("default store: %v", err)
	}
}

// TestEnrollAcceptStore: a file store put back from a copy is refused
// until the admin accepts it.
func TestEnrollAcceptStore(t *testing.T) {
	et := newEnrollTest(t)
	et.must("enroll", "user", "add", "alice")
	old, _ := os.ReadFile(et.store)
	et.must("enroll", "user", "add", "bob")
	os.WriteFile(et.store, old, 0o600)
	st, _, errs := et.run("", "enroll", "list")
	if st != 1 || !strings.Contains(errs, "rolled back") || !strings.Contains(errs, "accept-store") {
		t.Fatalf("list on a rolled-back store: %d %q", st, errs)
	}
	if out := et.must("enroll", "accept-store"); !strings.Contains(out, "accepted") {
		t.Errorf("accept-store: %q", out)
	}
	if out := et.must("enroll", "list"); !strings.Contains(out, "alice") || strings.Contains(out, "bob") {
		t.Errorf("list after accept-store:\n%s", out)
	}
	et.env["NIDAN_ENROLL_STORE"] = "sqlite:" + filepath.Join(t.TempDir(), "e.db")
	if st, _, _ := et.run("", "enroll", "accept-store"); st != 2 {
		t.Errorf("accept-store on SQLite: status %d, want a usage error", st)
	}
}

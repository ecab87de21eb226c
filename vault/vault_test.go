package vault

import (
	"bytes"
	"errors"
	"github.com/nidan-auth/nidan/internal/filelock/filelocktest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/internal/fsmode"
)

// testKDF is the test-only low KDF cost: tests must stay fast, and the
// format does not care how expensive the password slot is.
var testKDF = KDFParams{Time: 1, Memory: 64, Threads: 1}

// realKeyring is set when the tests run against a real Secret Service
// (scripts/test.sh sets NIDAN_TEST_REAL_KEYRING=1 inside a private D-Bus
// session). Otherwise keyring.MockInit makes SystemKeyring an in-memory
// store, so the same keyring tests check the logic everywhere.
var realKeyring = os.Getenv("NIDAN_TEST_REAL_KEYRING") == "1"

func TestMain(m *testing.M) {
	filelocktest.HoldIfChild()
	if os.Getenv(crashChildEnv) != "" {
		crashChild()
		return
	}
	if !realKeyring {
		keyring.MockInit()
	}
	os.Exit(m.Run())
}

func testOpts(t testing.TB) Options {
	return Options{KDF: testKDF}
}

func testAccount(t testing.TB, issuer, name, secret string) accounts.Account {
	t.Helper()
	b, err := accounts.DecodeSecret(secret)
	if err != nil {
		t.Fatal(err)
	}
	return accounts.New(accounts.TOTP, issuer, name, b)
}

func newTestVault(t testing.TB) (*Vault, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "data", "vault.nidan")
	v, err := Create(path, []byte("correct horse"), testOpts(t))
	if err != nil {
		t.Fatal(err)
	}
	return v, path
}

func TestCreateOpenRoundTrip(t *testing.T) {
	v, path := newTestVault(t)
	a := testAccount(t, "GitHub", "alice@example.com", "JBSWY3DPEHPK3PXP")
	h := accounts.New(accounts.HOTP, "Bank", "bob", []byte("12345678901234567890"))
	h.Counter = 7
	r, err := v.Add(a, h)
	if err != nil {
		t.Fatal(err)
	}
	if !reportIs(r, 2, 0, 0, Added, Added) {
		t.Errorf("report = %+v", r)
	}
	for _, p := range []string{path, filepath.Dir(path)} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		want := fsmode.Reported(0o600, false)
		if fi.IsDir() {
			want = fsmode.Reported(0o700, true) | os.ModeDir
		}
		if fi.Mode() != want {
			t.Errorf("%s: mode %v, want %v", p, fi.Mode(), want)
		}
	}
	w, err := Open(path, []byte("correct horse"), testOpts(t))
	if err != nil {
		t.Fatal(err)
	}
	got := w.Accounts()
	if len(got) != 2 || !got[0].SameKey(&a) || !got[1].SameKey(&h) || got[1].Counter != 7 || got[0].ID != a.ID {
		t.Fatalf("accounts after reopen = %+v", got)
	}
	raw, _ := os.ReadFile(path)
	for _, secret := range [][]byte{a.Secret, h.Secret, []byte(accounts.EncodeSecret(a.Secret)), []byte("alice@example.com")} {
		if bytes.Contains(raw, secret) {
			t.Errorf("vault file contains %q in plain text", secret)
		}
	}
}

func TestCreateRefusesExistingAndEmptyPassword(t *testing.T) {
	_, path := newTestVault(t)
	if _, err := Create(path, []byte("x"), testOpts(t)); !errors.Is(err, ErrVaultExists) {
		t.Errorf("create over existing: %v", err)
	}
	if _, err := Create(filepath.Join(t.TempDir(), "v"), nil, testOpts(t)); !errors.Is(err, ErrEmptyPassword) {
		t.Errorf("empty password: %v", err)
	}
	if _, err := Open(filepath.Join(t.TempDir(), "none"), []byte("x"), testOpts(t)); !errors.Is(err, ErrNoVault) {
		t.Errorf("missing: %v", err)
	}
}

func TestWrongPasswordChangesNothing(t *testing.T) {
	v, path := newTestVault(t)
	if _, err := v.Add(testAccount(t, "A", "a", "JBSWY3DPEHPK3PXP")); err != nil {
		t.Fatal(err)
	}
	before := snapshotDir(t, filepath.Dir(path))
	_, err := Open(path, []byte("wrong"), testOpts(t))
	if !errors.Is(err, accounts.ErrWrongPassword) || errors.Is(err, ErrCorrupt) {
		t.Fatalf("err = %v, want ErrWrongPassword", err)
	}
	if after := snapshotDir(t, filepath.Dir(path)); !mapsEqual(before, after) {
		t.Error("a wrong password changed files")
	}
}

func TestCorruptFilesChangeNothing(t *testing.T) {
	v, path := newTestVault(t)
	if _, err := v.Add(testAccount(t, "A", "a", "JBSWY3DPEHPK3PXP")); err != nil {
		t.Fatal(err)
	}
	good, _ := os.ReadFile(path)
	flip := func(i int) []byte { b := bytes.Clone(good); b[i] ^= 0x10; return b }
	cases := []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, ErrCorrupt},
		{"truncated to 5", good[:5], ErrCorrupt},
		{"truncated header", good[:40], ErrCorrupt},
		{"truncated payload", good[:len(good)-40], ErrCorrupt},
		{"last byte gone", good[:len(good)-1], ErrCorrupt},
		{"bit flip in magic", flip(0), ErrCorrupt},
		{"bit flip in header", flip(30), ErrCorrupt},
		{"bit flip in payload", flip(len(good) - 50), ErrCorrupt},
		{"bit flip in checksum", flip(len(good) - 1), ErrCorrupt},
		{"unknown version", func() []byte { b := bytes.Clone(good); b[11] = 3; return b }(), ErrUnsupportedVersion},
		{"not a vault", []byte("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP\n"), ErrCorrupt},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := os.WriteFile(path, c.data, 0o600); err != nil {
				t.Fatal(err)
			}
			before := snapshotDir(t, filepath.Dir(path))
			_, err := Open(path, []byte("correct horse"), testOpts(t))
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			if errors.Is(err, accounts.ErrWrongPassword) {
				t.Errorf("damage reported as a wrong password: %v", err)
			}
			if after := snapshotDir(t, filepath.Dir(path)); !mapsEqual(before, after) {
				t.Error("opening a damaged vault changed files")
			}
			bs, err := ReadableBackups(path, Options{})
			if err != nil || len(bs) == 0 {
				t.Fatalf("no readable backup offered: %v %v", bs, err)
			}
			f, _ := os.Open(bs[0].Path)
			defer f.Close()
			accts, err := ReadBackup(f, []byte("correct horse"))
			if err != nil || len(accts) != 1 {
				t.Errorf("newest backup %s: %d accounts, %v", bs[0].Path, len(accts), err)
			}
		})
	}
}

func snapshotDir(t testing.TB, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			m[p] = string(b)
		}
		return nil
	})
	return m
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func reportIs(r MergeReport, added, updated, dups int, outcomes ...Outcome) bool {
	return r.Added == added && r.Updated == updated && r.Duplicates == dups && slices.Equal(r.Outcomes, outcomes)
}

func TestMergeByIDAndDuplicates(t *testing.T) {
	v, _ := newTestVault(t)
	a := testAccount(t, "GitHub", "alice", "JBSWY3DPEHPK3PXP")
	if _, err := v.Add(a); err != nil {
		t.Fatal(err)
	}
	older := a.Clone()
	older.Nickname = "old"
	older.Modified = a.Modified.Add(-time.Hour)
	newer := a.Clone()
	newer.Nickname = "new"
	newer.Modified = a.Modified.Add(time.Hour)
	dupOtherID := a.Clone()
	dupOtherID.ID = accounts.NewID()
	other := testAccount(t, "GitLab", "alice", "JBSWY3DPEHPK3PXQ")
	batch := []accounts.Account{older, dupOtherID, other, other}
	p, err := v.Preview(batch...)
	if err != nil || !reportIs(p, 1, 0, 3, Duplicate, Duplicate, Added, Duplicate) {
		t.Errorf("preview = %+v %v", p, err)
	}
	if n := len(v.Accounts()); n != 1 {
		t.Errorf("preview changed the vault: %d accounts", n)
	}
	r, err := v.Add(batch...)
	if err != nil {
		t.Fatal(err)
	}
	if !reportIs(r, 1, 0, 3, Duplicate, Duplicate, Added, Duplicate) {
		t.Errorf("report = %+v", r)
	}
	r, err = v.Add(newer)
	if err != nil || !reportIs(r, 0, 1, 0, Updated) {
		t.Errorf("newer: %+v %v", r, err)
	}
	got := v.Accounts()
	if len(got) != 2 || got[0].Nickname != "new" || got[1].Issuer != "GitLab" {
		t.Errorf("accounts = %+v", got)
	}
	bad := a.Clone()
	bad.ID, bad.Digits = accounts.NewID(), 3
	if _, err := v.Add(bad); err == nil {
		t.Error("invalid account added")
	}
}

func TestHOTPCounterSavedBeforeCode(t *testing.T) {
	v, path := newTestVault(t)
	h := accounts.New(accounts.HOTP, "Bank", "bob", []byte("12345678901234567890"))
	if _, err := v.Add(h); err != nil {
		t.Fatal(err)
	}
	for want := uint64(0); want < 3; want++ {
		shown, err := v.NextHOTP(h.ID)
		if err != nil || shown.Counter != want {
			t.Fatalf("NextHOTP = counter %d, %v; want %d", shown.Counter, err, want)
		}
		w, err := Open(path, []byte("correct horse"), testOpts(t))
		if err != nil {
			t.Fatal(err)
		}
		if a, _ := w.Account(h.ID); a.Counter != want+1 {
			t.Fatalf("saved counter = %d, want %d", a.Counter, want+1)
		}
	}
}

func TestUpdateDeleteReorderLock(t *testing.T) {
	v, path := newTestVault(t)
	a := testAccount(t, "A", "a", "JBSWY3DPEHPK3PXP")
	b := testAccount(t, "B", "b", "JBSWY3DPEHPK3PXQ")
	c := testAccount(t, "C", "c", "JBSWY3DPEHPK3PXR")
	if _, err := v.Add(a, b, c); err != nil {
		t.Fatal(err)
	}
	if err := v.Reorder([]string{c.ID, a.ID}); err != nil {
		t.Fatal(err)
	}
	b.Nickname = "bee"
	if err := v.Update(b); err != nil {
		t.Fatal(err)
	}
	if err := v.Delete(a.ID); err != nil {
		t.Fatal(err)
	}
	if err := v.Delete(a.ID); !errors.Is(err, ErrNoAccount) {
		t.Errorf("delete twice: %v", err)
	}
	w, err := Open(path, []byte("correct horse"), testOpts(t))
	if err != nil {
		t.Fatal(err)
	}
	got := w.Accounts()
	if len(got) != 2 || got[0].ID != c.ID || got[1].Label() != "bee" {
		t.Errorf("after reorder/update/delete: %+v", got)
	}
	w.Lock()
	if len(w.Accounts()) != 0 {
		t.Error("locked vault still lists accounts")
	}
	if _, err := w.Add(a); !errors.Is(err, ErrLocked) {
		t.Errorf("add after lock: %v", err)
	}
}

func TestChangePassword(t *testing.T) {
	v, path := newTestVault(t)
	if _, err := v.Add(testAccount(t, "A", "a", "JBSWY3DPEHPK3PXP")); err != nil {
		t.Fatal(err)
	}
	if err := v.ChangePassword([]byte("nope"), []byte("new")); !errors.Is(err, accounts.ErrWrongPassword) {
		t.Errorf("wrong old password: %v", err)
	}
	if err := v.ChangePassword([]byte("correct horse"), []byte("battery staple")); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path, []byte("correct horse"), testOpts(t)); !errors.Is(err, accounts.ErrWrongPassword) {
		t.Errorf("old password still opens: %v", err)
	}
	w, err := Open(path, []byte("battery staple"), testOpts(t))
	if err != nil || len(w.Accounts()) != 1 {
		t.Fatalf("new password: %v", err)
	}
	bs, _ := v.Backups()
	f, _ := os.Open(bs[0].Path)
	defer f.Close()
	if _, err := ReadBackup(f, []byte("battery staple")); err != nil {
		t.Errorf("newest backup not under the new password: %v", err)
	}
}

func TestConcurrentUse(t *testing.T) {
	v, _ := newTestVault(t)
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			a := accounts.New(accounts.TOTP, "I", string(rune('a'+i)), []byte{byte(i), 1, 2, 3, 4})
			if _, err := v.Add(a); err != nil {
				t.Error(err)
			}
		}()
		go func() {
			defer wg.Done()
			for _, a := range v.Accounts() {
				a.CodeAt(time.Now())
			}
		}()
	}
	wg.Wait()
	if n := len(v.Accounts()); n != 4 {
		t.Errorf("%d accounts, want 4", n)
	}
}

func TestTwoProcessesMerge(t *testing.T) {
	// The GUI and the CLI each hold the vault open; neither loses the other's change.
	v1, path := newTestVault(t)
	v2, err := Open(path, []byte("correct horse"), testOpts(t))
	if err != nil {
		t.Fatal(err)
	}
	a := testAccount(t, "A", "a", "JBSWY3DPEHPK3PXP")
	b := testAccount(t, "B", "b", "JBSWY3DPEHPK3PXQ")
	if _, err := v1.Add(a); err != nil {
		t.Fatal(err)
	}
	if _, err := v2.Add(b); err != nil {
		t.Fatal(err)
	}
	if err := v2.MarkUsed(b.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	if changed, err := v1.Refresh(); err != nil || !changed || len(v1.Accounts()) != 2 {
		t.Errorf("refresh: %v %v", changed, err)
	}
	// A password change re-keys: the other process's key no longer opens
	// the file, so its next change is refused (not lost: it is not made),
	// and unlocking with the new password shows both accounts.
	if err := v1.ChangePassword([]byte("correct horse"), []byte("pw2")); err != nil {
		t.Fatal(err)
	}
	if err := v2.MarkUsed(b.ID, time.Now()); !errors.Is(err, ErrRekeyed) {
		t.Fatalf("change under the old key: %v, want ErrRekeyed", err)
	}
	w, err := Open(path, []byte("pw2"), testOpts(t))
	if err != nil {
		t.Fatalf("password change lost: %v", err)
	}
	if n := len(w.Accounts()); n != 2 {
		t.Errorf("%d accounts, want 2", n)
	}
}

func TestBackupDirAndRotation(t *testing.T) {
	v, path := newTestVault(t)
	if got, want := v.BackupDir(), filepath.Join(filepath.Dir(path), "backups"); got != want {
		t.Errorf("default backup dir %s, want %s", got, want)
	}
	base := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	n := 0
	v.opts.Now = func() time.Time { n++; return base.Add(time.Duration(n) * time.Second) }
	dir := filepath.Join(t.TempDir(), "sync")
	if err := v.SetBackupDir(dir); err != nil {
		t.Fatal(err)
	}
	for i := range 25 {
		if _, err := v.Add(accounts.New(accounts.TOTP, "I", string(rune('a'+i)), []byte{byte(i), 9, 9, 9, 9})); err != nil {
			t.Fatal(err)
		}
	}
	w, err := Open(path, []byte("correct horse"), testOpts(t))
	if err != nil || w.BackupDir() != dir {
		t.Fatalf("backup dir not kept in the vault: %q %v", w.BackupDir(), err)
	}
	bs, err := v.Backups()
	if err != nil || len(bs) != KeepBackups {
		t.Fatalf("%d backups (%v), want %d", len(bs), err, KeepBackups)
	}
	if !bs[0].Time.After(bs[1].Time) {
		t.Error("backups not newest first")
	}
	fi, _ := os.Stat(dir)
	if fi.Mode().Perm() != fsmode.Reported(0o700, true) {
		t.Errorf("backup dir mode %v", fi.Mode())
	}
	f, _ := os.Open(bs[0].Path)
	defer f.Close()
	accts, err := ReadBackup(f, []byte("correct horse"))
	if err != nil || len(accts) != 25 {
		t.Errorf("newest backup: %d accounts, %v", len(accts), err)
	}
	// A backup is not a vault.
	if _, err := Open(bs[0].Path, []byte("correct horse"), testOpts(t)); !errors.Is(err, ErrCorrupt) {
		t.Errorf("open backup as vault: %v", err)
	}
}

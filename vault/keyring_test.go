package vault

import (
	"errors"
	"fmt"
	"testing"

	"github.com/zalando/go-keyring"

	"github.com/nidan-auth/nidan/accounts"
)

// These run against keyring.MockInit's store in a plain `go test`, and
// against a real Secret Service when NIDAN_TEST_REAL_KEYRING=1 (see
// TestMain and scripts/test.sh).

func TestKeyringUnlock(t *testing.T) {
	v, path := newTestVault(t)
	a := testAccount(t, "A", "a", "JBSWY3DPEHPK3PXP")
	if _, err := v.Add(a); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenWithKeyring(path, testOpts(t)); !errors.Is(err, ErrNoKeyringEntry) {
		t.Fatalf("keyring off: %v", err)
	}
	if err := v.SetKeyring(true); err != nil {
		t.Fatalf("keyring on (real keyring %v): %v", realKeyring, err)
	}
	t.Cleanup(func() { SystemKeyring().Delete(KeyringService, v.ID()) })
	if !v.KeyringEnabled() {
		t.Error("KeyringEnabled = false after SetKeyring(true)")
	}
	// The entry is where the spec says: service "nidan", user = vault id.
	if s, err := keyring.Get("nidan", v.ID()); err != nil || len(s) != 44 {
		t.Errorf("keyring entry: %d chars, %v", len(s), err)
	}
	w, err := OpenWithKeyring(path, testOpts(t))
	if err != nil || len(w.Accounts()) != 1 {
		t.Fatalf("keyring unlock: %v", err)
	}
	if err := w.ChangePassword([]byte("correct horse"), []byte("new")); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenWithKeyring(path, testOpts(t)); err != nil {
		t.Errorf("keyring stopped working after a password change: %v", err)
	}
	if err := w.SetKeyring(false); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenWithKeyring(path, testOpts(t)); !errors.Is(err, ErrNoKeyringEntry) {
		t.Errorf("keyring still unlocks after off: %v", err)
	}
	if _, err := SystemKeyring().Get(KeyringService, v.ID()); !errors.Is(err, ErrNoKeyringEntry) {
		t.Errorf("keyring entry left behind: %v", err)
	}
	if _, err := Open(path, []byte("new"), testOpts(t)); err != nil {
		t.Errorf("password after keyring off: %v", err)
	}
}

func TestKeyringEntryMissingOrStale(t *testing.T) {
	v, path := newTestVault(t)
	if err := v.SetKeyring(true); err != nil {
		t.Fatal(err)
	}
	kr := SystemKeyring()
	if err := kr.Set(KeyringService, v.ID(), "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenWithKeyring(path, testOpts(t)); !errors.Is(err, accounts.ErrWrongPassword) {
		t.Errorf("stale entry: %v", err)
	}
	if err := kr.Delete(KeyringService, v.ID()); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenWithKeyring(path, testOpts(t)); !errors.Is(err, ErrNoKeyringEntry) {
		t.Errorf("deleted entry: %v", err)
	}
	// Turning it off when the entry is already gone is fine.
	if err := v.SetKeyring(false); err != nil {
		t.Errorf("keyring off without entry: %v", err)
	}
}

func TestKeyringErrorMapping(t *testing.T) {
	for _, c := range []struct {
		in   error
		want error
	}{
		{keyring.ErrNotFound, ErrNoKeyringEntry},
		{fmt.Errorf("wrapped: %w", keyring.ErrNotFound), ErrNoKeyringEntry},
		{errors.New("The name org.freedesktop.secrets was not provided by any .service files"), ErrKeyringUnavailable},
		{keyring.ErrSetDataTooBig, ErrKeyringUnavailable},
	} {
		if got := mapKeyringErr(c.in); !errors.Is(got, c.want) {
			t.Errorf("mapKeyringErr(%v) = %v, want %v", c.in, got, c.want)
		}
	}
	if mapKeyringErr(nil) != nil {
		t.Error("nil mapped to an error")
	}
}

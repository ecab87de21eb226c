package vault

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/replica"
)

// TestChangePasswordRekeys: after passwd the old password opens nothing
// written later, not even with the old master key (an old backup plus the
// old password), while the keyring keeps unlocking.
func TestChangePasswordRekeys(t *testing.T) {
	kr := memKeyring{}
	path := filepath.Join(t.TempDir(), "vault.nidan")
	v, err := Create(path, []byte("old"), Options{KDF: testKDF, Keyring: kr})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Add(testAccount(t, "A", "a", "JBSWY3DPEHPK3PXP")); err != nil {
		t.Fatal(err)
	}
	if err := v.SetKeyring(true); err != nil {
		t.Fatal(err)
	}
	oldMaster := bytes.Clone(v.master)
	oldKeyed := v.hdr.Keyed
	if err := v.ChangePassword([]byte("old"), []byte("new")); err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(v.master, oldMaster) || !v.hdr.Keyed.After(oldKeyed) {
		t.Fatal("password change kept the master key")
	}
	data, _ := os.ReadFile(path)
	c, err := parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.open(oldMaster); !errors.Is(err, errPayloadAuth) {
		t.Fatalf("the old master key still opens the vault: %v", err)
	}
	if _, err := ReadBackup(bytes.NewReader(data), []byte("old")); !errors.Is(err, accounts.ErrWrongPassword) {
		t.Fatalf("old password: %v", err)
	}
	if a, err := ReadBackup(bytes.NewReader(data), []byte("new")); err != nil || len(a) != 1 {
		t.Fatalf("new password: %d accounts, %v", len(a), err)
	}
	w, err := OpenWithKeyring(path, Options{KDF: testKDF, Keyring: kr})
	if err != nil || len(w.Accounts()) != 1 {
		t.Fatalf("keyring after the password change: %v", err)
	}
}

// TestUpgradeFromVersion1 opens the version 1 vector with the keyring,
// saves (the password slot keeps its version 1 data), then with the
// password (which re-wraps it), and checks every step still opens.
func TestUpgradeFromVersion1(t *testing.T) {
	var vs []vector
	readJSON(t, filepath.Join(vectorDir, "vectors.json"), &vs)
	var key string
	for _, v := range vs {
		if v.File == "ok.nidan" && v.KeyringKey != "" && v.Outcome == "ok" {
			key = v.KeyringKey
		}
	}
	path := filepath.Join(t.TempDir(), "vault.nidan")
	copyFile(t, filepath.Join(vectorDir, "ok.nidan"), path)
	kr := memKeyring{vectorVaultID(t, path): key}
	v, err := OpenWithKeyring(path, Options{Keyring: kr})
	if err != nil {
		t.Fatal(err)
	}
	gh := v.Accounts()[0]
	if err := v.Delete(gh.ID); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	c, err := parse(data)
	if err != nil || c.version != vaultVersion || c.header.slot(slotPassword).AD != legacyVersion || c.header.slot(slotKeyring).AD != 0 {
		t.Fatalf("after a keyring unlock and a save: version %d, %v", c.version, err)
	}
	w, err := Open(path, []byte("vector password"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(w.Accounts()) != 1 || !w.st.Deleted(gh.ID) {
		t.Fatal("the deletion did not survive the upgrade")
	}
	if _, err := w.Add(gh); err != nil { // from a backup: comes back under a new id
		t.Fatal(err)
	}
	if got := w.Accounts(); len(got) != 2 || got[1].ID == gh.ID || got[1].Issuer != "GitHub" {
		t.Fatalf("re-adding a deleted account: %+v", got)
	}
	data, _ = os.ReadFile(path)
	if c, err = parse(data); err != nil || c.header.slot(slotPassword).AD != 0 {
		t.Fatal("a password unlock did not re-wrap the version 1 password slot")
	}
	if _, err := OpenWithKeyring(path, Options{Keyring: kr}); err != nil {
		t.Fatal(err)
	}
}

// TestLegacyStampsAgree: two devices upgrading copies of one version 1
// file give its accounts the same stamps, so their copies merge as equal.
func TestLegacyStampsAgree(t *testing.T) {
	var states []replica.State
	for range 2 {
		path := filepath.Join(t.TempDir(), "vault.nidan")
		copyFile(t, filepath.Join(vectorDir, "ok.nidan"), path)
		v, err := Open(path, []byte("vector password"), Options{})
		if err != nil {
			t.Fatal(err)
		}
		states = append(states, v.State())
	}
	m := replica.Merge(states[0], states[1])
	if !replica.SameContent(m, states[0]) || states[0].Accounts[0].Stamp.Device != replica.LegacyDevice {
		t.Fatal("two upgrades of one file disagree")
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}

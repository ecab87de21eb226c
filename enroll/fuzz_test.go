package enroll

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzStoreFile feeds arbitrary bytes as the store file: opening never
// panics and fails only with the documented sentinel errors.
func FuzzStoreFile(f *testing.F) {
	dir := f.TempDir()
	path := filepath.Join(dir, "enroll.json")
	st, err := OpenFileStore(path)
	if err != nil {
		f.Fatal(err)
	}
	if err := st.Create(sampleUser("alice")); err != nil {
		f.Fatal(err)
	}
	good, _ := os.ReadFile(path)
	f.Add(good)
	f.Add(payloadV1(f, st, []fileUser{{User: sampleUser("bob")}}))
	f.Add([]byte(`{"format":"nidan-enroll","version":2,"generation":1}`))
	f.Add([]byte("{}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		os.Remove(path + ".gen")
		_, err := st.read()
		if err != nil && !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrWrongKey) &&
			!errors.Is(err, ErrUnsupportedVersion) && !errors.Is(err, ErrRolledBack) {
			t.Errorf("read: unexpected error %v", err)
		}
	})
}

// FuzzRecoveryCode: whatever is typed, normalizeRecovery either refuses
// it or returns 16 base32 letters, and never mistakes a TOTP code for one.
func FuzzRecoveryCode(f *testing.F) {
	for _, s := range []string{"abcd-efgh-ijkl-mnop", "123456", " ABCD EFGH IJKL MNOP ", "ééééééééééééééé"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, ok := normalizeRecovery(s)
		if !ok {
			return
		}
		if len(c) != 16 {
			t.Errorf("%q → %q", s, c)
		}
		for _, r := range c {
			if !(r >= 'a' && r <= 'z' || r >= '2' && r <= '7') {
				t.Errorf("%q → %q", s, c)
			}
		}
	})
}

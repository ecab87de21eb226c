package vault

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/nidan-auth/nidan/accounts"
)

// fuzzKDFBudget bounds the KDF work a fuzz input may cause (KiB·passes);
// the caps themselves are checked on every input that parses.
const fuzzKDFBudget = 4 << 10

func vaultSeeds(f *testing.F) {
	m, _ := filepath.Glob(filepath.Join(vectorDir, "*.nidan"))
	for _, p := range m {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, false)
		f.Add(b, true)
	}
	f.Add([]byte("NIDAN-VAULT\x01\x00\x00\x00\x02{}"), true)
}

// fixChecksum lets the fuzzer past the checksum, so that mutations reach
// the header, the slots and the payload.
func fixChecksum(data []byte, fix bool) []byte {
	if !fix || len(data) < checksumLen {
		return data
	}
	data = bytes.Clone(data)
	sum := sha256.Sum256(data[:len(data)-checksumLen])
	copy(data[len(data)-checksumLen:], sum[:])
	return data
}

func checkVaultErr(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrUnsupportedVersion) && !errors.Is(err, accounts.ErrWrongPassword) {
		t.Fatalf("error without a sentinel: %v", err)
	}
}

// heavy reports a password slot too costly to run in a fuzz loop, after
// checking that parsing kept it within the caps.
func heavy(t *testing.T, c *container) bool {
	s := c.header.slot(slotPassword)
	p := s.params()
	if p.check() != nil || uint64(p.Time)*uint64(p.Memory) > MaxKDFWork {
		t.Fatalf("parse accepted KDF parameters beyond the caps: %+v", p)
	}
	return uint64(p.Time)*uint64(p.Memory) > fuzzKDFBudget
}

// FuzzOpenVault runs Open's steps on arbitrary bytes: no panic, every
// error carries a sentinel, the KDF stays within the caps, and a vault that
// opens round-trips through marshal.
func FuzzOpenVault(f *testing.F) {
	vaultSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, fix bool) {
		data = fixChecksum(data, fix)
		c, err := parseVault("fuzz", data)
		if err != nil {
			checkVaultErr(t, err)
			return
		}
		if heavy(t, c) {
			return
		}
		master, k, err := c.header.openPassword(c.version, []byte("vector password"))
		if err != nil {
			checkVaultErr(t, err)
			return
		}
		v, err := openWith("fuzz", c, master, Options{}, slotPassword, k)
		if err != nil {
			checkVaultErr(t, err)
			return
		}
		again, err := marshal(&v.hdr, v.master, &v.st)
		if err != nil {
			t.Fatal(err)
		}
		c2, err := parseVault("again", again)
		if err != nil {
			t.Fatalf("re-marshalled vault does not parse: %v", err)
		}
		p2, err := c2.open(v.master)
		if err != nil {
			t.Fatalf("re-marshalled vault does not open: %v", err)
		}
		j1, _ := json.Marshal(v.st)
		j2, _ := json.Marshal(p2)
		if !bytes.Equal(j1, j2) {
			t.Fatalf("round trip changed the accounts")
		}
	})
}

// FuzzReadBackup: ReadBackup never panics, errors carry a sentinel, and the
// KDF is bounded.
func FuzzReadBackup(f *testing.F) {
	vaultSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, fix bool) {
		data = fixChecksum(data, fix)
		if c, err := parse(data); err == nil && heavy(t, c) {
			return
		}
		accts, err := ReadBackup(bytes.NewReader(data), []byte("vector password"))
		if err != nil {
			checkVaultErr(t, err)
			return
		}
		for i := range accts {
			if accts[i].ID == "" {
				t.Fatal("account without an ID")
			}
		}
	})
}

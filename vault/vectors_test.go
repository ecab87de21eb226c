package vault

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nidan-auth/nidan/accounts"
)

// The vectors in testdata/vault are part of docs/vault-format.md. Each is
// declared with the outcome a reader must reach, age-style. They are made
// with testKDF; -update-vectors rebuilds them (random salts and nonces, so
// the files change, the outcomes must not).

var updateVectors = flag.Bool("update-vectors", false, "rewrite testdata/vault")

const vectorDir = "testdata/vault"

type vector struct {
	File        string `json:"file"`
	API         string `json:"api"` // "vault" (Open / OpenWithKeyring) or "backup" (ReadBackup)
	Password    string `json:"password,omitempty"`
	KeyringKey  string `json:"keyring_key,omitempty"` // base64; used instead of the password
	Outcome     string `json:"outcome"`               // "ok", "wrong password", "corrupt", "unsupported"
	Accounts    int    `json:"accounts,omitempty"`
	FirstIssuer string `json:"first_issuer,omitempty"`
	Comment     string `json:"comment,omitempty"`
}

// memKeyring is a Keyring holding one vector's key.
type memKeyring map[string]string

func (m memKeyring) Get(_, user string) (string, error) {
	if s, ok := m[user]; ok {
		return s, nil
	}
	return "", ErrNoKeyringEntry
}
func (m memKeyring) Set(_, user, s string) error { m[user] = s; return nil }
func (m memKeyring) Delete(_, user string) error { delete(m, user); return nil }

func TestVectors(t *testing.T) {
	if *updateVectors {
		writeVectors(t)
	}
	raw, err := os.ReadFile(filepath.Join(vectorDir, "vectors.json"))
	if err != nil {
		t.Fatal(err)
	}
	var vs []vector
	if err := json.Unmarshal(raw, &vs); err != nil {
		t.Fatal(err)
	}
	want := map[string]error{"wrong password": accounts.ErrWrongPassword, "corrupt": ErrCorrupt, "unsupported": ErrUnsupportedVersion}
	for _, v := range vs {
		t.Run(v.File+"/"+v.Outcome, func(t *testing.T) {
			path := filepath.Join(vectorDir, v.File)
			var accts []accounts.Account
			var err error
			switch {
			case v.API == "backup":
				f, ferr := os.Open(path)
				if ferr != nil {
					t.Fatal(ferr)
				}
				defer f.Close()
				accts, err = ReadBackup(f, []byte(v.Password))
			case v.KeyringKey != "":
				var vault *Vault
				// OpenWithKeyring only reads; copy anyway so a bug cannot damage the vector.
				tmp := filepath.Join(t.TempDir(), v.File)
				copyFile(t, path, tmp)
				id := vectorVaultID(t, path)
				vault, err = OpenWithKeyring(tmp, Options{Keyring: memKeyring{id: v.KeyringKey}})
				if err == nil {
					accts = vault.Accounts()
				}
			default:
				tmp := filepath.Join(t.TempDir(), v.File)
				copyFile(t, path, tmp)
				var vault *Vault
				vault, err = Open(tmp, []byte(v.Password), Options{})
				if err == nil {
					accts = vault.Accounts()
				}
			}
			if v.Outcome == "ok" {
				if err != nil {
					t.Fatalf("want ok, got %v", err)
				}
				if len(accts) != v.Accounts || accts[0].Issuer != v.FirstIssuer {
					t.Fatalf("got %d accounts (first %q), want %d (%q)", len(accts), accts[0].Issuer, v.Accounts, v.FirstIssuer)
				}
				return
			}
			w, ok := want[v.Outcome]
			if !ok {
				t.Fatalf("unknown outcome %q", v.Outcome)
			}
			if !errors.Is(err, w) {
				t.Fatalf("want %s, got %v", v.Outcome, err)
			}
			for o, e := range want {
				if o != v.Outcome && errors.Is(err, e) {
					t.Errorf("error is also %s: %v", o, err)
				}
			}
		})
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func vectorVaultID(t *testing.T, path string) string {
	b, _ := os.ReadFile(path)
	c, err := parse(b)
	if err != nil {
		t.Fatal(err)
	}
	return c.header.VaultID
}

// writeVectors makes the vector files from one small vault.
func writeVectors(t *testing.T) {
	const pw = "vector password"
	dir := t.TempDir()
	path := filepath.Join(dir, "vault.nidan")
	kr := memKeyring{}
	v, err := Create(path, []byte(pw), Options{KDF: testKDF, Keyring: kr, BackupDir: filepath.Join(dir, "b")})
	if err != nil {
		t.Fatal(err)
	}
	a := testAccount(t, "GitHub", "alice@example.com", "JBSWY3DPEHPK3PXP")
	a.Created = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	a.Modified = a.Created
	h := accounts.New(accounts.HOTP, "Example Bank", "bob", []byte("12345678901234567890"))
	h.Created, h.Modified, h.Counter = a.Created, a.Created, 42
	if _, err := v.Add(a, h); err != nil {
		t.Fatal(err)
	}
	if err := v.SetKeyring(true); err != nil {
		t.Fatal(err)
	}
	good, _ := os.ReadFile(path)
	var backup bytes.Buffer
	if err := v.Backup(&backup); err != nil {
		t.Fatal(err)
	}
	key := kr[v.ID()]

	c, err := parse(good)
	if err != nil {
		t.Fatal(err)
	}
	rest := good[len(c.ad) : len(good)-checksumLen] // nonce and sealed payload
	rebuild := func(edit func(h *header)) []byte {
		hh := c.header
		hh.Slots = append([]slot(nil), c.header.Slots...)
		edit(&hh)
		hj, _ := json.Marshal(&hh)
		return withHeader(hj, rest)
	}
	flip := func(b []byte, i int) []byte { b = bytes.Clone(b); b[i] ^= 0x01; return b }
	slotAt := bytes.Index(good, []byte(`"key":"`)) + 10

	files := map[string][]byte{
		"ok.nidan":              good,
		"backup.nidan":          backup.Bytes(),
		"empty.nidan":           {},
		"truncated.nidan":       good[:len(good)/2],
		"bitflip-slot.nidan":    flip(good, slotAt),
		"bitflip-payload.nidan": flip(good, len(good)-checksumLen-5),
		"version-2.nidan":       append(append([]byte(vaultMagic), 2), good[len(vaultMagic)+1:]...),
		"tampered-slot.nidan": rebuild(func(h *header) {
			s := h.Slots[0]
			s.Key = flip(s.Key, 3)
			h.Slots[0] = s
		}),
		"tampered-header.nidan": rebuild(func(h *header) { h.BackupDir = "/tmp/evil" }),
		"kdf-too-costly.nidan": rebuild(func(h *header) {
			h.Slots[0].Memory = 4 << 20
		}),
		"two-password-slots.nidan": rebuild(func(h *header) { h.Slots = append(h.Slots, h.Slots[0]) }),
		"unknown-cipher.nidan":     rebuild(func(h *header) { h.Cipher = "rot13" }),
		"unknown-field.nidan": func() []byte {
			hj := bytes.Replace(good[prefixLen:len(c.ad)], []byte(`{"kind"`), []byte(`{"extra":1,"kind"`), 1)
			return withHeader(hj, rest)
		}(),
	}
	vs := []vector{
		{File: "ok.nidan", API: "vault", Password: pw, Outcome: "ok", Accounts: 2, FirstIssuer: "GitHub"},
		{File: "ok.nidan", API: "vault", KeyringKey: key, Outcome: "ok", Accounts: 2, FirstIssuer: "GitHub", Comment: "keyring slot"},
		{File: "ok.nidan", API: "backup", Password: pw, Outcome: "ok", Accounts: 2, FirstIssuer: "GitHub", Comment: "ReadBackup reads a vault file too"},
		{File: "ok.nidan", API: "vault", Password: "vector passworD", Outcome: "wrong password"},
		{File: "ok.nidan", API: "vault", KeyringKey: base64.StdEncoding.EncodeToString(make([]byte, 32)), Outcome: "wrong password", Comment: "stale keyring entry"},
		{File: "backup.nidan", API: "backup", Password: pw, Outcome: "ok", Accounts: 2, FirstIssuer: "GitHub"},
		{File: "backup.nidan", API: "backup", Password: "nope", Outcome: "wrong password"},
		{File: "backup.nidan", API: "vault", Password: pw, Outcome: "corrupt", Comment: "a backup is restored, not opened"},
		{File: "empty.nidan", API: "vault", Password: pw, Outcome: "corrupt"},
		{File: "empty.nidan", API: "backup", Password: pw, Outcome: "corrupt"},
		{File: "truncated.nidan", API: "vault", Password: pw, Outcome: "corrupt"},
		{File: "bitflip-slot.nidan", API: "vault", Password: pw, Outcome: "corrupt", Comment: "the checksum tells damage from a wrong password"},
		{File: "bitflip-payload.nidan", API: "vault", Password: pw, Outcome: "corrupt"},
		{File: "version-2.nidan", API: "vault", Password: pw, Outcome: "unsupported"},
		{File: "tampered-slot.nidan", API: "vault", Password: pw, Outcome: "wrong password", Comment: "checksum recomputed: a slot that does not open is a wrong key"},
		{File: "tampered-header.nidan", API: "vault", Password: pw, Outcome: "corrupt", Comment: "the header is the payload's associated data"},
		{File: "kdf-too-costly.nidan", API: "vault", Password: pw, Outcome: "unsupported", Comment: "4 GiB argon2id refused before allocating"},
		{File: "two-password-slots.nidan", API: "vault", Password: pw, Outcome: "corrupt"},
		{File: "unknown-cipher.nidan", API: "vault", Password: pw, Outcome: "corrupt"},
		{File: "unknown-field.nidan", API: "vault", Password: pw, Outcome: "corrupt"},
	}
	if err := os.MkdirAll(vectorDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(vectorDir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	j, _ := json.MarshalIndent(vs, "", "\t")
	if err := os.WriteFile(filepath.Join(vectorDir, "vectors.json"), append(j, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}

// withHeader assembles a file from header JSON and the nonce+payload bytes,
// with a valid checksum.
func withHeader(hj, rest []byte) []byte {
	b := append([]byte(vaultMagic), vaultVersion)
	b = binary.BigEndian.AppendUint32(b, uint32(len(hj)))
	b = append(b, hj...)
	b = append(b, rest...)
	sum := sha256.Sum256(b)
	return append(b, sum[:]...)
}

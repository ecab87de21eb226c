package vault

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/replica"
)

// The vectors in testdata/vault are part of docs/vault-format.md. Each is
// declared with the outcome a reader must reach, age-style. They are made
// with testKDF; -update-vectors rebuilds them (random salts and nonces, so
// the files change, the outcomes must not).

var updateVectors = flag.Bool("update-vectors", false, "rewrite testdata/vault")

const vectorDir = "testdata/vault"

type vector struct {
	File        string `json:"file"`
	API         string `json:"api"` // "vault" (Open / OpenWithKeyring), "backup" (ReadBackup) or "sync" (OpenSyncFile by ok-v2.nidan's vault)
	Password    string `json:"password,omitempty"`
	KeyringKey  string `json:"keyring_key,omitempty"` // base64; used instead of the password
	Outcome     string `json:"outcome"`               // "ok", "wrong password", "corrupt", "unsupported", "rekeyed", "other vault"
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
	want := map[string]error{"wrong password": accounts.ErrWrongPassword, "corrupt": ErrCorrupt, "unsupported": ErrUnsupportedVersion,
		"rekeyed": ErrRekeyed, "other vault": ErrOtherVault}
	for _, v := range vs {
		t.Run(v.File+"/"+v.Outcome, func(t *testing.T) {
			path := filepath.Join(vectorDir, v.File)
			var accts []accounts.Account
			var err error
			switch {
			case v.API == "sync":
				tmp := filepath.Join(t.TempDir(), "ok-v2.nidan")
				copyFile(t, filepath.Join(vectorDir, "ok-v2.nidan"), tmp)
				owner, oerr := Open(tmp, []byte(v2Password), Options{})
				if oerr != nil {
					t.Fatal(oerr)
				}
				data, rerr := os.ReadFile(path)
				if rerr != nil {
					t.Fatal(rerr)
				}
				var f *SyncFile
				if f, err = owner.OpenSyncFile(data); err == nil {
					for _, e := range f.State.Accounts {
						accts = append(accts, e.Account)
					}
				}
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

// v2Password opens the version 2 vectors.
const v2Password = "vector password"

// writeVectors makes the version 2 vector files from one small vault and
// lists them after the version 1 entries already in vectors.json. The
// version 1 files are never rewritten: this Nidan no longer writes that
// version, and they stand for what older Nidans left on disk.
func writeVectors(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(vectorDir, "vectors.json"))
	if err != nil {
		t.Fatal(err)
	}
	var old []vector
	if err := json.Unmarshal(raw, &old); err != nil {
		t.Fatal(err)
	}
	const pw = v2Password
	dir := t.TempDir()
	path := filepath.Join(dir, "vault.nidan")
	kr := memKeyring{}
	opts := Options{KDF: testKDF, Keyring: kr, BackupDir: filepath.Join(dir, "b"), DeviceName: "vector laptop"}
	v, err := Create(path, []byte(pw), opts)
	if err != nil {
		t.Fatal(err)
	}
	a := testAccount(t, "GitHub", "alice@example.com", "JBSWY3DPEHPK3PXP")
	a.Created = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	a.Modified = a.Created
	h := accounts.New(accounts.HOTP, "Example Bank", "bob", []byte("12345678901234567890"))
	h.Created, h.Modified, h.Counter = a.Created, a.Created, 42
	gone := testAccount(t, "Old Forum", "carol", "JBSWY3DPEHPK3PXQ")
	if _, err := v.Add(a, h, gone); err != nil {
		t.Fatal(err)
	}
	if err := v.Delete(gone.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := v.MergeStates(nil); err != nil { // registers the device
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
	syncFile, err := v.SyncFileBytes()
	if err != nil {
		t.Fatal(err)
	}
	key := kr[v.ID()]

	// The same vault after a password change on another device, and
	// another vault altogether.
	rk := filepath.Join(dir, "rekeyed.nidan")
	copyFile(t, path, rk)
	w, err := Open(rk, []byte(pw), Options{KDF: testKDF, Keyring: memKeyring{}})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.ChangePassword([]byte(pw), []byte("new password")); err != nil {
		t.Fatal(err)
	}
	rekeyed, _ := w.SyncFileBytes()
	other, err := Create(filepath.Join(dir, "other.nidan"), []byte(pw), Options{KDF: testKDF})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := other.MergeStates(nil); err != nil {
		t.Fatal(err)
	}
	otherSync, _ := other.SyncFileBytes()

	// ok.nidan (version 1) after one save by this version.
	up := filepath.Join(dir, "upgraded.nidan")
	copyFile(t, filepath.Join(vectorDir, "ok.nidan"), up)
	u, err := Open(up, []byte(pw), Options{KDF: testKDF})
	if err != nil {
		t.Fatal(err)
	}
	if err := u.MarkUsed(u.Accounts()[0].ID, a.Created); err != nil {
		t.Fatal(err)
	}
	upgraded, _ := os.ReadFile(up)

	c, err := parse(good)
	if err != nil {
		t.Fatal(err)
	}
	hdrJSON := good[prefixLen:len(c.ad)]
	rest := good[len(c.ad) : len(good)-checksumLen] // nonce and sealed payload
	rebuild := func(edit func(h *header)) []byte {
		hh := c.header
		hh.Slots = append([]slot(nil), c.header.Slots...)
		edit(&hh)
		hj, _ := json.Marshal(&hh)
		return withHeader(hj, rest)
	}
	// withPayload seals edited payload JSON under the vault's key and header.
	payloadJSON, _ := json.Marshal(v.State())
	withPayload := func(edit func(pj []byte) []byte) []byte {
		b, err := seal(hdrJSON, v.master, edit(bytes.Clone(payloadJSON)))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	flip := func(b []byte, i int) []byte { b = bytes.Clone(b); b[i] ^= 0x01; return b }
	slotAt := bytes.Index(good, []byte(`"key":"`)) + 10
	timeEdited := bytes.Replace(good, []byte(`"time":1,`), []byte(`"time":2,`), 1)
	firstID := v.Accounts()[0].ID

	files := map[string][]byte{
		"ok-v2.nidan":           good,
		"backup-v2.nidan":       backup.Bytes(),
		"sync-v2.nidan":         syncFile,
		"sync-rekeyed-v2.nidan": rekeyed,
		"sync-other-v2.nidan":   otherSync,
		"v1-upgraded.nidan":     upgraded,
		"bitflip-slot-v2.nidan": flip(good, slotAt),
		"time-edited-v2.nidan":  timeEdited,
		"time-edited-rechecksummed-v2.nidan": rebuild(func(h *header) {
			h.Slots[0].Time = 2
		}),
		"salt-edited-rechecksummed-v2.nidan": rebuild(func(h *header) {
			h.Slots[0].Salt = flip(h.Slots[0].Salt, 0)
		}),
		"missing-keyed-v2.nidan": rebuild(func(h *header) { h.Keyed = replica.Stamp{} }),
		"bad-device-v2.nidan":    rebuild(func(h *header) { h.Device = "laptop" }),
		"sync-with-dir-v2.nidan": rebuild(func(h *header) { h.Kind = kindSync }),
		"bad-stamp-v2.nidan": withPayload(func(pj []byte) []byte {
			return regexp.MustCompile(`"stamp":"[^"]*"`).ReplaceAll(pj, []byte(`"stamp":"yesterday"`))
		}),
		"dup-id-v2.nidan": withPayload(func(pj []byte) []byte {
			return bytes.Replace(pj, []byte(`"accounts":[`), fmt.Appendf(nil, `"accounts":[{"id":%q,"type":"totp","secret":"AAAA","algorithm":"SHA1","digits":6,"period":30,"stamp":"1.0.0000000000000000"},`, firstID), 1)
		}),
		"version-3.nidan": append(append([]byte(vaultMagic), 3), good[len(vaultMagic)+1:]...),
	}
	var vs []vector
	for _, v := range old {
		if _, made := files[v.File]; made {
			continue
		}
		if v.File == "version-2.nidan" && v.Outcome == "unsupported" {
			v.Outcome = "corrupt"
			v.Comment = "a version 1 file with its version byte set to 2: a known version now, so the checksum catches it"
		}
		vs = append(vs, v)
	}
	vs = append(vs, []vector{
		{File: "ok-v2.nidan", API: "vault", Password: pw, Outcome: "ok", Accounts: 2, FirstIssuer: "GitHub", Comment: "two accounts, one tombstone, one device"},
		{File: "ok-v2.nidan", API: "vault", KeyringKey: key, Outcome: "ok", Accounts: 2, FirstIssuer: "GitHub", Comment: "keyring slot"},
		{File: "ok-v2.nidan", API: "vault", Password: "vector passworD", Outcome: "wrong password"},
		{File: "ok-v2.nidan", API: "backup", Password: pw, Outcome: "ok", Accounts: 2, FirstIssuer: "GitHub"},
		{File: "backup-v2.nidan", API: "backup", Password: pw, Outcome: "ok", Accounts: 2, FirstIssuer: "GitHub"},
		{File: "backup-v2.nidan", API: "vault", Password: pw, Outcome: "corrupt", Comment: "a backup is restored, not opened"},
		{File: "sync-v2.nidan", API: "sync", Outcome: "ok", Accounts: 2, FirstIssuer: "GitHub", Comment: "this vault's own sync file"},
		{File: "sync-v2.nidan", API: "backup", Password: pw, Outcome: "ok", Accounts: 2, FirstIssuer: "GitHub", Comment: "a sync file opens with the password alone"},
		{File: "sync-v2.nidan", API: "vault", Password: pw, Outcome: "corrupt", Comment: "a sync file is not a vault"},
		{File: "sync-rekeyed-v2.nidan", API: "sync", Outcome: "rekeyed", Comment: "the password was changed on another device"},
		{File: "sync-rekeyed-v2.nidan", API: "backup", Password: "new password", Outcome: "ok", Accounts: 2, FirstIssuer: "GitHub"},
		{File: "sync-rekeyed-v2.nidan", API: "backup", Password: pw, Outcome: "wrong password", Comment: "the old password opens nothing written after the change"},
		{File: "sync-other-v2.nidan", API: "sync", Outcome: "other vault", Comment: "refused, never merged"},
		{File: "v1-upgraded.nidan", API: "vault", Password: pw, Outcome: "ok", Accounts: 2, FirstIssuer: "GitHub", Comment: "ok.nidan after one save"},
		{File: "bitflip-slot-v2.nidan", API: "vault", Password: pw, Outcome: "corrupt"},
		{File: "time-edited-v2.nidan", API: "vault", Password: pw, Outcome: "corrupt", Comment: "slot time edited, checksum left alone"},
		{File: "time-edited-rechecksummed-v2.nidan", API: "vault", Password: pw, Outcome: "wrong password", Comment: "indistinguishable from a file made with another password"},
		{File: "salt-edited-rechecksummed-v2.nidan", API: "vault", Password: pw, Outcome: "wrong password"},
		{File: "missing-keyed-v2.nidan", API: "vault", Password: pw, Outcome: "corrupt"},
		{File: "bad-device-v2.nidan", API: "vault", Password: pw, Outcome: "corrupt"},
		{File: "sync-with-dir-v2.nidan", API: "backup", Password: pw, Outcome: "corrupt", Comment: "a sync file has only the password slot and no folders"},
		{File: "bad-stamp-v2.nidan", API: "vault", Password: pw, Outcome: "corrupt"},
		{File: "dup-id-v2.nidan", API: "vault", Password: pw, Outcome: "corrupt", Comment: "two accounts with one id"},
		{File: "version-3.nidan", API: "vault", Password: pw, Outcome: "unsupported"},
	}...)
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

package accounts

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"

	"golang.org/x/crypto/scrypt"
)

// aegisExportLogN is the scrypt cost of exported vaults: N=2^15, r=8, p=1,
// what Aegis uses, since Aegis must open the file on a phone. Tests lower it.
var aegisExportLogN = 15

// aegisExportContentVersion is written into exported vaults. Version 1 with a
// per-entry "group" name is read by every Aegis release: newer ones turn the
// names into their group list on import.
const aegisExportContentVersion = 1

// ExportAegis writes accts as a password-encrypted Aegis vault, the format
// Aegis's "Import from file → Aegis" reads (docs/vault.md): a random master
// key encrypts the content with AES-256-GCM and is wrapped by one password
// slot, scrypt N=2^15 r=8 p=1. Accounts Aegis cannot represent are refused
// with an error naming them, so the export is never silently short.
func ExportAegis(w io.Writer, accts []Account, password []byte) error {
	if len(password) == 0 {
		return fmt.Errorf("export aegis: %w", ErrPasswordNeeded)
	}
	content, err := aegisContentOf(accts)
	if err != nil {
		return fmt.Errorf("export aegis: %w", err)
	}
	v, err := sealAegis(content, password, 1<<aegisExportLogN)
	if err != nil {
		return fmt.Errorf("export aegis: %w", err)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "    ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("export aegis: %w", err)
	}
	return nil
}

func aegisContentOf(accts []Account) ([]byte, error) {
	db := aegisContent{Version: aegisExportContentVersion, Entries: make([]json.RawMessage, 0, len(accts))}
	for i := range accts {
		a := &accts[i]
		if err := a.Validate(); err != nil {
			return nil, fmt.Errorf("%s: %w", a.Label(), err)
		}
		if a.Type == Steam && a.Algorithm != SHA1 {
			return nil, fmt.Errorf("%s: %w: aegis supports only SHA1 for steam", a.Label(), ErrUnknownAlgorithm)
		}
		e := aegisEntry{
			Type:   string(a.Type),
			UUID:   uuidFor(a.ID),
			Name:   a.Name,
			Issuer: a.Issuer,
			Group:  a.Group,
			Info:   aegisInfo{Secret: EncodeSecret(a.Secret), Algo: string(a.Algorithm), Digits: a.Digits},
		}
		if a.Type == HOTP {
			e.Info.Counter = &a.Counter
		} else {
			e.Info.Period = a.Period
		}
		raw, err := json.Marshal(e)
		if err != nil {
			return nil, err
		}
		db.Entries = append(db.Entries, raw)
	}
	return json.Marshal(db)
}

// sealAegis encrypts content under a fresh master key with one password slot.
func sealAegis(content, password []byte, n int) (*aegisVault, error) {
	var master, salt [32]byte
	var slotNonce, dbNonce [12]byte
	for _, b := range [][]byte{master[:], salt[:], slotNonce[:], dbNonce[:]} {
		if _, err := rand.Read(b); err != nil {
			return nil, err
		}
	}
	const r, p = 8, 1
	key, err := scrypt.Key(password, salt[:], n, r, p, 32)
	if err != nil {
		return nil, err
	}
	wrappedKey, keyTag, err := gcmSeal(key, slotNonce[:], master[:])
	if err != nil {
		return nil, err
	}
	ct, dbTag, err := gcmSeal(master[:], dbNonce[:], content)
	if err != nil {
		return nil, err
	}
	db, err := json.Marshal(base64.StdEncoding.EncodeToString(ct))
	if err != nil {
		return nil, err
	}
	return &aegisVault{
		Version: aegisFileVersion,
		Header: aegisHeader{
			Slots: []aegisSlot{{
				Type:      aegisSlotPassword,
				UUID:      uuidFor(""),
				Key:       hex.EncodeToString(wrappedKey),
				KeyParams: aegisParams{Nonce: hex.EncodeToString(slotNonce[:]), Tag: hex.EncodeToString(keyTag)},
				N:         int64(n), R: r, P: p,
				Salt:     hex.EncodeToString(salt[:]),
				Repaired: true, // derived from the UTF-8 password, not Aegis's old buggy encoding
			}},
			Params: &aegisParams{Nonce: hex.EncodeToString(dbNonce[:]), Tag: hex.EncodeToString(dbTag)},
		},
		DB: db,
	}, nil
}

// gcmSeal encrypts with AES-256-GCM and returns the tag apart, as Aegis stores it.
func gcmSeal(key, nonce, plain []byte) (ct, tag []byte, err error) {
	aead, err := newGCM(key)
	if err != nil {
		return nil, nil, err
	}
	sealed := aead.Seal(nil, nonce, plain, nil)
	n := len(sealed) - aead.Overhead()
	return sealed[:n], sealed[n:], nil
}

// uuidFor returns a version-4 UUID for an account: derived from its ID when
// that is Nidan's 128-bit hex, so exporting twice gives Aegis the same UUIDs
// (and Aegis recognises the entries as the same); random otherwise.
func uuidFor(id string) string {
	var u [16]byte
	if b, err := hex.DecodeString(id); err == nil && len(b) == 16 {
		copy(u[:], b)
	} else if _, err := rand.Read(u[:]); err != nil {
		panic(fmt.Sprintf("accounts: crypto/rand failed: %v", err))
	}
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	h := hex.EncodeToString(u[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

package formats

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/crypto/scrypt"

	"github.com/nidan-auth/nidan/accounts"
)

// Aegis Authenticator's vault export, plain or password-encrypted
// (Aegis's docs/vault.md): read, and written encrypted.
var aegisFormat = Format{
	Name: "aegis", Title: "Aegis", App: "Aegis Authenticator vault (.json)", Ext: ".json",
	WritePassword: PasswordRequired,
	detect: func(s *sniff) bool {
		o := s.object()
		return has(o, "header") && has(o, "db")
	},
	read: importAegis,
	write: func(w io.Writer, src Source, password []byte) error {
		return ExportAegis(w, src.Accounts(), password)
	},
}

// Aegis vaults, as specified by Aegis's docs/vault.md: a JSON file
//
//	{"version": 1, "header": {"slots": [...], "params": {"nonce", "tag"}}, "db": ...}
//
// where db is the content object itself (plain vault, slots and params null)
// or the base64 AES-256-GCM ciphertext of it under a random master key. Each
// slot holds that master key wrapped with AES-256-GCM; a password slot (type
// 1) derives the wrapping key with scrypt(password, salt, n, r, p, 32). The
// content is {"version", "entries": [...], "groups": [{"uuid", "name"}]}.

// Aegis file and content versions this package reads and writes.
const (
	aegisFileVersion       = 1
	aegisMaxContentVersion = 3 // v2 added icon MIME types, v3 group lists
	aegisSlotRaw           = 0
	aegisSlotPassword      = 1
	aegisSlotBiometric     = 2
)

// Limits on what an Aegis file may ask of us. Aegis itself uses N=2^15, r=8,
// p=1 (32 MiB, ~0.1 s); the caps allow 8 times that work and 256 MiB, so a
// hostile file can neither hang the import nor exhaust memory.
const (
	maxScryptMemory = 256 << 20 // 128·r·N bytes
	maxAegisSlots   = 8         // password slots tried, each costs one scrypt
)

// maxScryptWork caps N·r·p. A variable so that fuzzing can lower it.
var maxScryptWork int64 = 1 << 21

type aegisVault struct {
	Version int             `json:"version"`
	Header  aegisHeader     `json:"header"`
	DB      json.RawMessage `json:"db"`
}

type aegisHeader struct {
	Slots  []aegisSlot  `json:"slots"`
	Params *aegisParams `json:"params"`
}

type aegisParams struct {
	Nonce string `json:"nonce"` // hex, 12 bytes
	Tag   string `json:"tag"`   // hex, 16 bytes
}

type aegisSlot struct {
	Type      int         `json:"type"`
	UUID      string      `json:"uuid"`
	Key       string      `json:"key"` // hex, the wrapped master key
	KeyParams aegisParams `json:"key_params"`
	// Password slots only.
	N        int64  `json:"n,omitempty"`
	R        int64  `json:"r,omitempty"`
	P        int64  `json:"p,omitempty"`
	Salt     string `json:"salt,omitempty"`
	Repaired bool   `json:"repaired"`
	IsBackup bool   `json:"is_backup"`
}

type aegisContent struct {
	Version int               `json:"version"`
	Entries []json.RawMessage `json:"entries"`
	Groups  []aegisGroup      `json:"groups,omitempty"`
}

type aegisGroup struct {
	UUID string `json:"uuid"`
	Name string `json:"name"`
}

type aegisEntry struct {
	Type   string    `json:"type"`
	UUID   string    `json:"uuid"`
	Name   string    `json:"name"`
	Issuer string    `json:"issuer"`
	Group  string    `json:"group,omitempty"` // content v1/v2: the group's name
	Groups []string  `json:"groups,omitempty"`
	Note   string    `json:"note"`
	Icon   *string   `json:"icon"` // must be present, null for none
	Info   aegisInfo `json:"info"`
}

type aegisInfo struct {
	Secret  string  `json:"secret"`
	Algo    string  `json:"algo"`
	Digits  int     `json:"digits"`
	Period  int     `json:"period,omitempty"`
	Counter *uint64 `json:"counter,omitempty"`
}

func importAegis(data []byte, password func() ([]byte, error), c *collector) error {
	var v aegisVault
	if err := json.Unmarshal(data, &v); err != nil {
		return fmt.Errorf("%w: %v", accounts.ErrMalformed, err)
	}
	if v.Version != aegisFileVersion {
		return fmt.Errorf("%w: aegis vault version %d (want %d)", ErrUnknownFormat, v.Version, aegisFileVersion)
	}
	content := []byte(v.DB)
	var ciphertext string
	if json.Unmarshal(v.DB, &ciphertext) == nil {
		pw, err := askPassword(password)
		if err != nil {
			return err
		}
		if content, err = decryptAegis(&v.Header, ciphertext, pw); err != nil {
			return err
		}
	}
	var db aegisContent
	if err := json.Unmarshal(content, &db); err != nil {
		return fmt.Errorf("%w: content: %v", accounts.ErrMalformed, err)
	}
	if db.Version < 1 || db.Version > aegisMaxContentVersion {
		return fmt.Errorf("%w: aegis content version %d (want 1 to %d)", ErrUnknownFormat, db.Version, aegisMaxContentVersion)
	}
	groups := make(map[string]string, len(db.Groups))
	for _, g := range db.Groups {
		groups[strings.ToLower(g.UUID)] = g.Name
	}
	for i, raw := range db.Entries {
		var e aegisEntry
		if err := json.Unmarshal(raw, &e); err != nil {
			c.fail(entry(i), "", fmt.Errorf("%w: %v", accounts.ErrMalformed, err))
			continue
		}
		a, err := e.account()
		a.Group = e.Group
		for _, id := range e.Groups {
			if name, ok := groups[strings.ToLower(id)]; ok {
				a.Group = name // Nidan has one group per account: keep the first Aegis knows
				break
			}
		}
		c.add(entry(i), a, err)
	}
	return nil
}

func (e *aegisEntry) account() (accounts.Account, error) {
	a := accounts.Account{Issuer: strings.TrimSpace(e.Issuer), Name: strings.TrimSpace(e.Name), Digits: e.Info.Digits, Period: e.Info.Period}
	var err error
	if a.Type, err = parseOTPType(e.Type); err != nil {
		return a, err
	}
	if a.Algorithm, err = accounts.ParseAlgorithm(e.Info.Algo); err != nil {
		return a, err
	}
	if a.Secret, err = accounts.DecodeSecret(e.Info.Secret); err != nil {
		return a, err
	}
	if e.Info.Counter != nil {
		a.Counter = *e.Info.Counter
	}
	return a, nil
}

// decryptAegis unwraps the master key with the first password slot the
// password opens, then decrypts the content. Failing every slot is a wrong
// password; failing the content after a slot opened is a damaged file.
func decryptAegis(h *aegisHeader, ciphertext string, password []byte) ([]byte, error) {
	if h.Params == nil {
		return nil, fmt.Errorf("%w: encrypted vault without header params", accounts.ErrMalformed)
	}
	nonce, tag, err := h.Params.decode()
	if err != nil {
		return nil, fmt.Errorf("%w: header params: %v", accounts.ErrMalformed, err)
	}
	ct, err := base64.StdEncoding.DecodeString(ciphertext)
	if err != nil {
		if ct, err = base64.RawStdEncoding.DecodeString(ciphertext); err != nil {
			return nil, fmt.Errorf("%w: db is not base64", accounts.ErrMalformed)
		}
	}
	tried := 0
	for i := range h.Slots {
		s := &h.Slots[i]
		if s.Type != aegisSlotPassword {
			continue
		}
		if tried++; tried > maxAegisSlots {
			return nil, fmt.Errorf("%w: more than %d password slots", accounts.ErrMalformed, maxAegisSlots)
		}
		master, err := s.unwrap(password)
		if errors.Is(err, accounts.ErrWrongPassword) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("slot %d: %w", i+1, err)
		}
		plain, err := gcmOpen(master, nonce, ct, tag)
		if err != nil {
			return nil, fmt.Errorf("%w: vault content fails authentication (damaged file)", accounts.ErrMalformed)
		}
		return plain, nil
	}
	if tried == 0 {
		return nil, fmt.Errorf("%w: the vault has no password slot; export it from Aegis with a password", accounts.ErrMalformed)
	}
	return nil, accounts.ErrWrongPassword
}

// unwrap derives the slot key from the password and decrypts the master key.
func (s *aegisSlot) unwrap(password []byte) ([]byte, error) {
	if err := checkScrypt(s.N, s.R, s.P); err != nil {
		return nil, err
	}
	salt, err := hex.DecodeString(s.Salt)
	if err != nil || len(salt) == 0 {
		return nil, fmt.Errorf("%w: bad salt", accounts.ErrMalformed)
	}
	nonce, tag, err := s.KeyParams.decode()
	if err != nil {
		return nil, fmt.Errorf("%w: key params: %v", accounts.ErrMalformed, err)
	}
	wrapped, err := hex.DecodeString(s.Key)
	if err != nil || len(wrapped) != 32 {
		return nil, fmt.Errorf("%w: wrapped key is not 32 bytes of hex", accounts.ErrMalformed)
	}
	key, err := scrypt.Key(password, salt, int(s.N), int(s.R), int(s.P), 32)
	if err != nil {
		return nil, fmt.Errorf("%w: scrypt: %v", accounts.ErrMalformed, err)
	}
	master, err := gcmOpen(key, nonce, wrapped, tag)
	if err != nil {
		return nil, accounts.ErrWrongPassword
	}
	return master, nil
}

// checkScrypt refuses parameters scrypt rejects or that cost more than a
// hostile file should be allowed to make us spend.
func checkScrypt(n, r, p int64) error {
	switch {
	case n < 2 || n&(n-1) != 0:
		return fmt.Errorf("%w: scrypt N=%d is not a power of two", accounts.ErrMalformed, n)
	case r < 1 || p < 1:
		return fmt.Errorf("%w: scrypt r=%d p=%d", accounts.ErrMalformed, r, p)
	case n > maxScryptWork || r > maxScryptWork || p > maxScryptWork ||
		128*n*r > maxScryptMemory || n*r*p > maxScryptWork:
		return fmt.Errorf("%w: scrypt N=%d r=%d p=%d asks for more work than allowed", accounts.ErrMalformed, n, r, p)
	}
	return nil
}

func (p *aegisParams) decode() (nonce, tag []byte, err error) {
	if nonce, err = hex.DecodeString(p.Nonce); err != nil || len(nonce) != 12 {
		return nil, nil, errors.New("nonce is not 12 bytes of hex")
	}
	if tag, err = hex.DecodeString(p.Tag); err != nil || len(tag) != 16 {
		return nil, nil, errors.New("tag is not 16 bytes of hex")
	}
	return nonce, tag, nil
}

// gcmOpen decrypts AES-256-GCM with the tag kept apart from the ciphertext,
// as Aegis stores it. The nonce must be 12 bytes.
func gcmOpen(key, nonce, ct, tag []byte) ([]byte, error) {
	aead, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	sealed := make([]byte, 0, len(ct)+len(tag))
	sealed = append(append(sealed, ct...), tag...)
	return aead.Open(nil, nonce, sealed, nil)
}

func newGCM(key []byte) (cipher.AEAD, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("%w: key is %d bytes, want 32", accounts.ErrMalformed, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

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
func ExportAegis(w io.Writer, accts []accounts.Account, password []byte) error {
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

func aegisContentOf(accts []accounts.Account) ([]byte, error) {
	db := aegisContent{Version: aegisExportContentVersion, Entries: make([]json.RawMessage, 0, len(accts))}
	for i := range accts {
		a := &accts[i]
		if err := a.Validate(); err != nil {
			return nil, fmt.Errorf("%s: %w", a.Label(), err)
		}
		if a.Type == accounts.Steam && a.Algorithm != accounts.SHA1 {
			return nil, fmt.Errorf("%s: %w: aegis supports only SHA1 for steam", a.Label(), accounts.ErrUnknownAlgorithm)
		}
		e := aegisEntry{
			Type:   string(a.Type),
			UUID:   uuidFor(a.ID),
			Name:   a.Name,
			Issuer: a.Issuer,
			Group:  a.Group,
			Info:   aegisInfo{Secret: accounts.EncodeSecret(a.Secret), Algo: string(a.Algorithm), Digits: a.Digits},
		}
		if a.Type == accounts.HOTP {
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

package formats

import (
	"bytes"
	"crypto/aes"
	"crypto/pbkdf2"
	"crypto/sha1"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"golang.org/x/crypto/argon2"

	"github.com/nidan-auth/nidan/accounts"
)

// Authenticator Pro (now Stratum)'s unencrypted backup (docs/formats.md,
// "Authenticator Pro / Stratum").
var authProFormat = Format{
	Name: "authpro", App: "Authenticator Pro / Stratum backup (.json, no password)",
	detect: func(s *sniff) bool { return has(s.object(), "Authenticators") },
	read:   func(data []byte, _ func() ([]byte, error), c *collector) error { return readAuthPro(data, c) },
}

// Its password-protected backup, current and legacy layouts
// (docs/formats.md, "Authenticator Pro / Stratum encrypted backup").
var authProEncryptedFormat = Format{
	Name: "authpro-encrypted", App: "Authenticator Pro / Stratum encrypted backup (.authpro)",
	detect: func(s *sniff) bool {
		return bytes.HasPrefix(s.data, []byte(authProHeader)) || bytes.HasPrefix(s.data, []byte(authProLegacyHeader))
	},
	read: readAuthProEncrypted,
}

// Its own database, authenticator.db3 (docs/formats.md, "Authenticator
// Pro / Stratum database").
var authProDBFormat = Format{
	Name: "authpro-db", App: "Authenticator Pro / Stratum database (authenticator.db3)",
	detect: func(s *sniff) bool { return isSQLite(s, "authenticator", "issuer", "secret", "ranking") },
	read: func(data []byte, _ func() ([]byte, error), c *collector) error {
		return withSQLite(data, func(db *sql.DB) error { return readAuthProDB(db, c) })
	},
}

const (
	authProHeader       = "AUTHENTICATORPRO" // Argon2id and AES-GCM
	authProLegacyHeader = "AuthenticatorPro" // PBKDF2 and AES-CBC
	authProSaltLen      = 16
	authProIVLen        = 12
	authProLegacySalt   = 20
)

// The Argon2id cost the app uses, fixed by the format: a file cannot choose
// it. Vars only so fuzzing can lower them.
var (
	authProArgonTime   uint32 = 3
	authProArgonMemKiB uint32 = 64 * 1024
	authProArgonLanes  uint8  = 4
	authProLegacyIter         = 64000 // PBKDF2-HMAC-SHA1, the legacy layout
)

// authProEntry is one authenticator, in the backup and the database.
type authProEntry struct {
	Type      int    `json:"Type"`
	Issuer    string `json:"Issuer"`
	Username  string `json:"Username"`
	Secret    string `json:"Secret"`
	Algorithm int    `json:"Algorithm"`
	Digits    int    `json:"Digits"`
	Period    int    `json:"Period"`
	Counter   uint64 `json:"Counter"`
}

// authProCategories maps an authenticator's secret (the app's key for it)
// to the name of the first category it is in.
type authProCategories map[string]string

func newAuthProCategories(names map[string]string, links [][2]string) authProCategories {
	groups := authProCategories{}
	for _, l := range links { // {categoryId, authenticatorSecret}
		if _, done := groups[l[1]]; !done && names[l[0]] != "" {
			groups[l[1]] = names[l[0]]
		}
	}
	return groups
}

func readAuthPro(data []byte, c *collector) error {
	var f struct {
		Authenticators []json.RawMessage `json:"Authenticators"`
		Categories     []struct {
			ID   string `json:"Id"`
			Name string `json:"Name"`
		} `json:"Categories"`
		Links []struct {
			CategoryID string `json:"CategoryId"`
			Secret     string `json:"AuthenticatorSecret"`
		} `json:"AuthenticatorCategories"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return fmt.Errorf("%w: %v", accounts.ErrMalformed, err)
	}
	names := map[string]string{}
	for _, cat := range f.Categories {
		names[cat.ID] = strings.TrimSpace(cat.Name)
	}
	links := make([][2]string, len(f.Links))
	for i, l := range f.Links {
		links[i] = [2]string{l.CategoryID, l.Secret}
	}
	groups := newAuthProCategories(names, links)
	for i, raw := range f.Authenticators {
		var e authProEntry
		if err := json.Unmarshal(raw, &e); err != nil {
			c.fail(entry(i), "", fmt.Errorf("%w: %v", accounts.ErrMalformed, err))
			continue
		}
		a, err := e.account()
		a.Group = groups[e.Secret]
		c.add(entry(i), a, err)
	}
	return nil
}

func (e *authProEntry) account() (accounts.Account, error) {
	a := accounts.Account{Issuer: strings.TrimSpace(e.Issuer), Name: strings.TrimSpace(e.Username), Digits: e.Digits, Period: e.Period, Counter: e.Counter}
	var err error
	switch e.Type {
	case 1:
		a.Type, a.Period = accounts.HOTP, 0
	case 2:
		a.Type = accounts.TOTP
	case 4:
		a.Type = accounts.Steam
	default: // 3 mOTP, 5 Yandex
		err = &accounts.FieldError{Field: "type", Value: fmt.Sprint(e.Type), Err: ErrUnsupportedOTP}
	}
	switch e.Algorithm {
	case 0:
		a.Algorithm = accounts.SHA1
	case 1:
		a.Algorithm = accounts.SHA256
	case 2:
		a.Algorithm = accounts.SHA512
	default:
		if err == nil {
			err = &accounts.FieldError{Field: "algorithm", Value: fmt.Sprint(e.Algorithm), Err: accounts.ErrUnknownAlgorithm}
		}
	}
	if err == nil {
		a.Secret, err = accounts.DecodeSecret(e.Secret)
	}
	return a, err
}

func readAuthProEncrypted(data []byte, password func() ([]byte, error), c *collector) error {
	if len(data) < len(authProHeader) {
		return fmt.Errorf("%w: shorter than its header", accounts.ErrMalformed)
	}
	pw, err := askPassword(password)
	if err != nil {
		return err
	}
	var plain []byte
	switch string(data[:len(authProHeader)]) {
	case authProHeader:
		plain, err = decryptAuthPro(data[len(authProHeader):], pw)
	case authProLegacyHeader:
		plain, err = decryptAuthProLegacy(data[len(authProLegacyHeader):], pw)
	default:
		return fmt.Errorf("%w: not an Authenticator Pro header", accounts.ErrMalformed)
	}
	if err != nil {
		return err
	}
	return readAuthPro(trimBOM(plain), c)
}

// decryptAuthPro opens the current layout: salt ‖ IV ‖ GCM ciphertext ‖ tag.
func decryptAuthPro(body, password []byte) ([]byte, error) {
	if len(body) < authProSaltLen+authProIVLen+16 {
		return nil, fmt.Errorf("%w: too short for an encrypted Authenticator Pro backup", accounts.ErrMalformed)
	}
	salt, iv, ct := body[:authProSaltLen], body[authProSaltLen:authProSaltLen+authProIVLen], body[authProSaltLen+authProIVLen:]
	key := argon2.IDKey(password, salt, authProArgonTime, authProArgonMemKiB, authProArgonLanes, 32)
	plain, err := gcmOpenJoined(key, iv, ct)
	if err != nil {
		return nil, accounts.ErrWrongPassword // AEAD: a wrong key and a flipped bit look the same
	}
	return plain, nil
}

// decryptAuthProLegacy opens the legacy layout: salt ‖ IV ‖ CBC ciphertext.
func decryptAuthProLegacy(body, password []byte) ([]byte, error) {
	const head = authProLegacySalt + aes.BlockSize
	if len(body) < head+aes.BlockSize || (len(body)-head)%aes.BlockSize != 0 {
		return nil, fmt.Errorf("%w: the legacy backup is not whole AES blocks", accounts.ErrMalformed)
	}
	salt, iv, ct := body[:authProLegacySalt], body[authProLegacySalt:head], body[head:]
	key, err := pbkdf2.Key(sha1.New, string(password), salt, authProLegacyIter, 32)
	if err != nil {
		return nil, err
	}
	plain, padded, err := cbcOpenPKCS7(key, iv, ct)
	if err != nil {
		return nil, err
	}
	// Without a MAC, the plaintext itself tells: the right key on a
	// damaged file leaves the opening '{' (and most of the text) intact,
	// a wrong key leaves nothing.
	looksRight := len(plain) > 0 && plain[0] == '{'
	if !padded {
		if looksRight {
			return nil, fmt.Errorf("%w: the legacy backup's padding is damaged", accounts.ErrMalformed)
		}
		return nil, accounts.ErrWrongPassword
	}
	if !json.Valid(plain) {
		if looksRight {
			return nil, fmt.Errorf("%w: the decrypted legacy backup is not JSON (damaged)", accounts.ErrMalformed)
		}
		return nil, accounts.ErrWrongPassword
	}
	return plain, nil
}

func readAuthProDB(db *sql.DB, c *collector) error {
	names := map[string]string{}
	var links [][2]string
	if hasColumn(db, "category", "name") && hasColumn(db, "authenticatorcategory", "authenticatorSecret") {
		err := sqlRows(db, "SELECT id, name FROM category", func(_ int, rows *sql.Rows) error {
			var id, name sql.NullString
			if rows.Scan(&id, &name) == nil {
				names[id.String] = strings.TrimSpace(name.String)
			}
			return nil
		})
		if err != nil {
			return err
		}
		err = sqlRows(db, "SELECT categoryId, authenticatorSecret FROM authenticatorcategory ORDER BY ranking, rowid", func(_ int, rows *sql.Rows) error {
			var id, secret sql.NullString
			if rows.Scan(&id, &secret) == nil {
				links = append(links, [2]string{id.String, secret.String})
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	groups := newAuthProCategories(names, links)
	type row struct {
		n, ranking int64
		e          authProEntry
		err        error
	}
	var all []row
	err := sqlRows(db, "SELECT type, issuer, username, secret, algorithm, digits, period, counter, ranking FROM authenticator", func(n int, rows *sql.Rows) error {
		var typ, algo, digits, period, counter, ranking sql.NullInt64
		var issuer, username, secret sql.NullString
		r := row{n: int64(n)}
		if err := rows.Scan(&typ, &issuer, &username, &secret, &algo, &digits, &period, &counter, &ranking); err != nil {
			r.err = fmt.Errorf("%w: %v", accounts.ErrMalformed, err)
		}
		r.e = authProEntry{Type: int(typ.Int64), Issuer: issuer.String, Username: username.String, Secret: secret.String,
			Algorithm: int(algo.Int64), Digits: int(digits.Int64), Period: int(period.Int64), Counter: uint64(max(counter.Int64, 0))}
		r.ranking = ranking.Int64
		all = append(all, r)
		return nil
	})
	if err != nil {
		return err
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].ranking < all[j].ranking })
	for _, r := range all {
		where := fmt.Sprintf("row %d", r.n)
		if r.err != nil {
			c.fail(where, "", r.err)
			continue
		}
		a, err := r.e.account()
		a.Group = groups[r.e.Secret]
		c.add(where, a, err)
	}
	return nil
}

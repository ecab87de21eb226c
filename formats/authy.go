package formats

import (
	"crypto/aes"
	"crypto/pbkdf2"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/nidan-auth/nidan/accounts"
)

// Authy's Android storage, com.authy.storage.tokens.authenticator.xml and
// com.authy.storage.tokens.authy.xml (docs/formats.md, "Authy"): the one
// way out of Authy left, since it has no export and no desktop app.
var authyFormat = Format{
	Name: "authy", App: "Authy Android storage (com.authy.storage.tokens.*.xml)",
	detect: func(s *sniff) bool { return isPrefs(s, "com.authy.storage.tokens.") },
	read:   readAuthy,
}

const (
	authyTokensKey   = "com.authy.storage.tokens.authenticator.key"
	authyNativeKey   = "com.authy.storage.tokens.authy.key"
	authyDefaultIter = 1000
)

var authyMaxIter = 10_000_000 // a var so fuzzing can lower it

type authyToken struct {
	AccountType     string `json:"accountType"`
	Digits          int    `json:"digits"`
	Name            string `json:"name"`
	OriginalName    string `json:"originalName"`
	OriginalIssuer  string `json:"originalIssuer"`
	DecryptedSecret string `json:"decryptedSecret"`
	EncryptedSecret string `json:"encryptedSecret"`
	Salt            string `json:"salt"`
	Iterations      int    `json:"key_derivation_iterations"`
	UniqueIV        string `json:"unique_iv"`
	SecretSeed      string `json:"secretSeed"` // Authy's own tokens: hex
}

// errAuthyDecrypt is an encrypted secret that did not decrypt to a base32
// key: with no MAC in the format, a wrong backup password looks like this.
var errAuthyDecrypt = errors.New("the backup password does not decrypt this secret")

func readAuthy(data []byte, password func() ([]byte, error), c *collector) error {
	prefs, err := readPrefs(data)
	if err != nil {
		return err
	}
	var pw []byte // asked once, at the first encrypted secret
	found := false
	for _, p := range prefs {
		native := p.Name == authyNativeKey
		if p.Name != authyTokensKey && !native {
			continue
		}
		found = true
		var tokens []authyToken
		if err := json.Unmarshal([]byte(p.Value), &tokens); err != nil {
			return fmt.Errorf("%w: %s: %v", accounts.ErrMalformed, p.Name, err)
		}
		for i, t := range tokens {
			where := entry(i)
			if native {
				where = fmt.Sprintf("Authy token %d", i+1)
			}
			a := t.account(native)
			switch {
			case native:
				a.Secret, err = hex.DecodeString(strings.TrimSpace(t.SecretSeed))
				if err != nil {
					err = &accounts.FieldError{Field: "secret", Err: accounts.ErrInvalidSecret}
				}
			case t.DecryptedSecret != "":
				a.Secret, err = accounts.DecodeSecret(t.DecryptedSecret)
			default:
				if pw == nil {
					if pw, err = askPassword(password); err != nil {
						return err
					}
				}
				a.Secret, err = t.decrypt(pw)
			}
			c.add(where, a, err)
		}
	}
	if !found {
		return fmt.Errorf("%w: no Authy tokens in this file", accounts.ErrMalformed)
	}
	// Every secret failing to decrypt means the password, not the entries.
	if pw != nil && len(c.accts) == 0 && len(c.bad) > 0 && allIs(c.bad, errAuthyDecrypt) {
		return accounts.ErrWrongPassword
	}
	return nil
}

func (t *authyToken) account(native bool) accounts.Account {
	a := accounts.Account{Type: accounts.TOTP, Digits: t.Digits}
	if native { // Authy's own accounts: 7 digits every 10 s
		a.Issuer, a.Name, a.Period = strings.TrimSpace(t.Name), "", 10
		if a.Digits == 0 {
			a.Digits = 7
		}
		return a
	}
	issuer, name := strings.TrimSpace(t.OriginalIssuer), strings.TrimSpace(t.OriginalName)
	if name == "" {
		name = strings.TrimSpace(t.Name)
	}
	if i, n, ok := strings.Cut(name, ":"); ok && (issuer == "" || strings.EqualFold(strings.TrimSpace(i), issuer)) {
		issuer, name = strings.TrimSpace(i), strings.TrimSpace(n)
	}
	if display := strings.TrimSpace(t.Name); issuer == "" && display != name && !strings.Contains(display, ":") {
		issuer = display // the name Authy shows, when it is not the account's
	}
	if issuer == "" {
		issuer = strings.TrimSpace(t.AccountType)
	}
	a.Issuer, a.Name = issuer, name
	return a
}

// decrypt opens encryptedSecret: AES-256-CBC (PKCS#7) under
// PBKDF2-HMAC-SHA1(backup password, salt, iterations, 32 bytes), IV zero
// unless unique_iv gives one; the plaintext is the base32 key.
func (t *authyToken) decrypt(password []byte) ([]byte, error) {
	ct, err := base64.StdEncoding.DecodeString(t.EncryptedSecret)
	if err != nil || len(ct) == 0 || len(ct)%aes.BlockSize != 0 {
		return nil, fmt.Errorf("%w: encryptedSecret is not whole AES blocks of base64", accounts.ErrMalformed)
	}
	iter := t.Iterations
	if iter == 0 {
		iter = authyDefaultIter
	}
	if iter < 1 || iter > authyMaxIter {
		return nil, fmt.Errorf("%w: key_derivation_iterations %d out of range", accounts.ErrMalformed, iter)
	}
	iv := make([]byte, aes.BlockSize)
	if t.UniqueIV != "" {
		if iv, err = decodeIV(t.UniqueIV); err != nil {
			return nil, err
		}
	}
	key, err := pbkdf2.Key(sha1.New, string(password), []byte(t.Salt), iter, 32)
	if err != nil {
		return nil, err
	}
	plain, padded, err := cbcOpenPKCS7(key, iv, ct)
	if err != nil {
		return nil, err
	}
	if !padded {
		return nil, errAuthyDecrypt
	}
	secret, err := accounts.DecodeSecret(string(plain))
	if err != nil {
		return nil, errAuthyDecrypt
	}
	return secret, nil
}

// decodeIV reads unique_iv as hex or base64, whichever gives 16 bytes.
func decodeIV(s string) ([]byte, error) {
	if b, err := hex.DecodeString(s); err == nil && len(b) == aes.BlockSize {
		return b, nil
	}
	if b, err := base64.StdEncoding.DecodeString(s); err == nil && len(b) == aes.BlockSize {
		return b, nil
	}
	return nil, fmt.Errorf("%w: unique_iv is not 16 bytes", accounts.ErrMalformed)
}

func allIs(bad []*EntryError, target error) bool {
	for _, e := range bad {
		if !errors.Is(e, target) {
			return false
		}
	}
	return true
}

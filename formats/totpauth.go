package formats

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/nidan-auth/nidan/accounts"
)

// TOTP Authenticator (BinaryBoot, com.authenticator.authservice2): its
// encrypted backup and its SharedPreferences storage (docs/formats.md,
// "TOTP Authenticator (BinaryBoot) backup and storage").
var totpAuthFormat = Format{
	Name: "totp-authenticator", App: "TOTP Authenticator backup or storage (BinaryBoot)",
	detect: func(s *sniff) bool { return isPrefs(s, totpAuthPrefKey) || isTOTPAuthBackup(s.trimmed) },
	read:   readTOTPAuth,
}

const (
	totpAuthPrefKey = "STATIC_TOTP_CODES_LIST"
	// totpAuthDefaultPassword is what the app encrypts with when the user
	// set no password.
	totpAuthDefaultPassword = "TotpAuthenticator"
)

// isTOTPAuthBackup: only base64 text, decoding to whole AES blocks.
func isTOTPAuthBackup(t []byte) bool {
	if len(t) < 24 || bytes.ContainsFunc(t, func(r rune) bool {
		return !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '+' || r == '/' || r == '=' || r == '\r' || r == '\n')
	}) {
		return false
	}
	ct, err := decodeBase64Lines(t)
	return err == nil && len(ct) >= aes.BlockSize && len(ct)%aes.BlockSize == 0
}

func decodeBase64Lines(t []byte) ([]byte, error) {
	clean := bytes.Map(func(r rune) rune {
		if r == '\r' || r == '\n' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, t)
	return base64.StdEncoding.DecodeString(string(clean))
}

// errTOTPAuthKey is a backup that does not decrypt to a JSON object: with
// CBC and no MAC, that is what a wrong password looks like.
var errTOTPAuthKey = errors.New("the password does not decrypt this backup")

// errTOTPAuthBase is an entry whose secret is in an encoding the app does
// not write.
var errTOTPAuthBase = errors.New("the secret's encoding is not base 16, 32 or 64")

func readTOTPAuth(data []byte, password func() ([]byte, error), c *collector) error {
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '<' {
		prefs, err := readPrefs(data)
		if err != nil {
			return err
		}
		for _, p := range prefs {
			if p.Name == totpAuthPrefKey {
				return readTOTPAuthList([]byte(p.Value), c)
			}
		}
		return fmt.Errorf("%w: no %s in this file", accounts.ErrMalformed, totpAuthPrefKey)
	}
	ct, err := decodeBase64Lines(bytes.TrimSpace(data))
	if err != nil || len(ct) == 0 || len(ct)%aes.BlockSize != 0 {
		return fmt.Errorf("%w: a TOTP Authenticator backup is base64 of whole AES blocks", accounts.ErrMalformed)
	}
	list, err := decryptTOTPAuth(ct, []byte(totpAuthDefaultPassword))
	if errors.Is(err, errTOTPAuthKey) {
		pw, perr := askPassword(password)
		if perr != nil {
			return perr
		}
		list, err = decryptTOTPAuth(ct, pw)
	}
	if errors.Is(err, errTOTPAuthKey) {
		return fmt.Errorf("%w: %v", accounts.ErrWrongPassword, err)
	}
	if err != nil {
		return err
	}
	return readTOTPAuthList(list, c)
}

// decryptTOTPAuth opens the backup and returns the account list's JSON.
func decryptTOTPAuth(ct, password []byte) ([]byte, error) {
	key := sha256.Sum256(password)
	block, err := aes.NewCipher(key[:])
	if err != nil {
		return nil, err
	}
	plain := make([]byte, len(ct))
	cipher.NewCBCDecrypter(block, make([]byte, aes.BlockSize)).CryptBlocks(plain, ct)
	n := int(plain[len(plain)-1])
	if n == 0 || n > aes.BlockSize || !bytes.Equal(plain[len(plain)-n:], bytes.Repeat([]byte{byte(n)}, n)) {
		return nil, errTOTPAuthKey
	}
	plain = plain[:len(plain)-n]
	dec := json.NewDecoder(bytes.NewReader(plain))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errTOTPAuthKey
	}
	// The first member: its name is the list as JSON text; or, leniently,
	// its value is the list (as JSON or as text).
	tok, err := dec.Token()
	name, ok := tok.(string)
	if err != nil || !ok {
		return nil, fmt.Errorf("%w: the decrypted backup holds no account list", accounts.ErrMalformed)
	}
	if strings.HasPrefix(strings.TrimSpace(name), "[") {
		return []byte(name), nil
	}
	var value json.RawMessage
	if err := dec.Decode(&value); err != nil {
		return nil, fmt.Errorf("%w: %v", accounts.ErrMalformed, err)
	}
	var text string
	if json.Unmarshal(value, &text) == nil {
		value = json.RawMessage(text)
	}
	if t := bytes.TrimSpace(value); len(t) == 0 || t[0] != '[' {
		return nil, fmt.Errorf("%w: the decrypted backup holds no account list", accounts.ErrMalformed)
	}
	return value, nil
}

type totpAuthEntry struct {
	Key    string          `json:"key"`
	Base   int             `json:"base"`
	Name   string          `json:"name"`
	Issuer string          `json:"issuer"`
	Digits json.RawMessage `json:"digits"`
	Period json.RawMessage `json:"period"`
}

// readTOTPAuthList reads the array of JSON strings, each one account; an
// element that is an object rather than a string is read as well.
func readTOTPAuthList(list []byte, c *collector) error {
	return decodeEach(list, "the account list", c, func(i int, e *totpAuthEntry) {
		a, err := e.account()
		c.add(entry(i), a, err)
	})
}

// UnmarshalJSON takes an entry as the app writes it, a string holding the
// JSON object, or as the object itself.
func (e *totpAuthEntry) UnmarshalJSON(b []byte) error {
	var text string
	if json.Unmarshal(b, &text) == nil {
		b = []byte(text)
	}
	type plain totpAuthEntry // without this method
	return json.Unmarshal(b, (*plain)(e))
}

func (e *totpAuthEntry) account() (accounts.Account, error) {
	a := accounts.Account{Type: accounts.TOTP, Issuer: strings.TrimSpace(e.Issuer), Name: strings.TrimSpace(e.Name)}
	var err error
	if a.Digits, err = flexInt(e.Digits, "digits", accounts.ErrDigits); err != nil {
		return a, err
	}
	if a.Period, err = flexInt(e.Period, "period", accounts.ErrPeriod); err != nil {
		return a, err
	}
	key := strings.TrimSpace(e.Key)
	switch e.Base {
	case 16:
		a.Secret, err = hex.DecodeString(key)
	case 32:
		a.Secret, err = accounts.DecodeSecret(key)
		return a, err
	case 64:
		a.Secret, err = base64.StdEncoding.DecodeString(key)
	default:
		return a, &accounts.FieldError{Field: "base", Value: fmt.Sprint(e.Base), Err: errTOTPAuthBase}
	}
	if err != nil || len(a.Secret) == 0 {
		return a, &accounts.FieldError{Field: "secret", Err: fmt.Errorf("%w: not base %d", accounts.ErrInvalidSecret, e.Base)}
	}
	return a, nil
}

// flexInt reads a number written as a JSON number or a numeric string; 0
// when absent (the defaults then apply).
func flexInt(raw json.RawMessage, field string, sentinel error) (int, error) {
	s := strings.Trim(strings.TrimSpace(string(raw)), `"`)
	if s == "" || s == "null" {
		return 0, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 {
		return 0, &accounts.FieldError{Field: field, Value: s, Err: sentinel}
	}
	return n, nil
}

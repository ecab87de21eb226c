package formats

import (
	"bytes"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/nidan-auth/nidan/accounts"
)

// andOTP's plain JSON backup.
var andOTPFormat = Format{
	Name: "andotp", App: "andOTP backup (.json)",
	detect: func(s *sniff) bool {
		a := s.array()
		return len(a) > 0 && has(a[0], "secret") && (has(a[0], "label") || has(a[0], "issuer"))
	},
	read: func(data []byte, _ func() ([]byte, error), c *collector) error { return importAndOTP(data, c) },
}

// andOTP's plain JSON backup: an array of entries
//
//	{"secret": base32, "issuer", "label", "digits", "type": "TOTP"|"HOTP"|"STEAM",
//	 "algorithm", "period", "counter", "thumbnail", "tags": [...]}
//
// Encrypted backups hold the same JSON (andOTPEncryptedFormat below).

type andOTPEntry struct {
	Secret    string   `json:"secret"`
	Issuer    string   `json:"issuer"`
	Label     string   `json:"label"`
	Digits    int      `json:"digits"`
	Type      string   `json:"type"`
	Algorithm string   `json:"algorithm"`
	Period    int      `json:"period"`
	Counter   uint64   `json:"counter"`
	Tags      []string `json:"tags"`
}

func importAndOTP(data []byte, c *collector) error {
	return decodeEach(data, "the backup", c, func(i int, e *andOTPEntry) {
		a, err := e.account()
		c.add(entry(i), a, err)
	})
}

func (e *andOTPEntry) account() (accounts.Account, error) {
	a := accounts.Account{Issuer: strings.TrimSpace(e.Issuer), Name: strings.TrimSpace(e.Label), Digits: e.Digits, Period: e.Period, Counter: e.Counter}
	// Backups from before andOTP had an issuer field carry "Issuer:name" in the label.
	if a.Issuer == "" {
		if issuer, name, ok := strings.Cut(a.Name, ":"); ok {
			a.Issuer, a.Name = strings.TrimSpace(issuer), strings.TrimSpace(name)
		}
	}
	if len(e.Tags) > 0 {
		a.Group = e.Tags[0] // Nidan has one group per account
	}
	var err error
	if a.Type, err = parseOTPType(e.Type); err != nil {
		return a, err
	}
	if a.Type != accounts.HOTP {
		a.Counter = 0
	}
	if a.Algorithm, err = accounts.ParseAlgorithm(e.Algorithm); err != nil {
		return a, err
	}
	if a.Secret, err = accounts.DecodeSecret(e.Secret); err != nil {
		return a, err
	}
	return a, nil
}

// andOTP's encrypted backup (.json.aes), current and old layouts
// (docs/formats.md, "andOTP encrypted backup"). There is no magic number:
// detection takes a binary file nothing else claimed.
var andOTPEncryptedFormat = Format{
	Name: "andotp-encrypted", App: "andOTP encrypted backup (.json.aes)",
	detect: func(s *sniff) bool {
		d := s.data
		return len(d) >= 12+16+2 && !utf8.Valid(d) && !bytes.HasPrefix(d, []byte("PK\x03\x04")) && !bytes.HasPrefix(d, []byte("SQLite format 3\x00"))
	},
	read: readAndOTPEncrypted,
}

// andOTP picks its PBKDF2 iteration count at random (140 000 – 160 000);
// these bounds keep a file from asking for an absurd count.
const andOTPMinIterations = 1000

var andOTPMaxIterations uint32 = 10_000_000 // a var so fuzzing can lower it

func readAndOTPEncrypted(data []byte, password func() ([]byte, error), c *collector) error {
	pw, err := askPassword(password)
	if err != nil {
		return err
	}
	plain, err := decryptAndOTP(data, pw)
	if err != nil {
		return err
	}
	return importAndOTP(plain, c)
}

// decryptAndOTP tries the current layout when its iteration count is
// plausible, then the old one. Failing both is a wrong password: the
// layouts have nothing else that could tell damage apart.
func decryptAndOTP(data, password []byte) ([]byte, error) {
	if len(data) < 12+16 {
		return nil, fmt.Errorf("%w: too short for an andOTP backup", accounts.ErrMalformed)
	}
	if len(data) >= 4+12+12+16 {
		if iter := binary.BigEndian.Uint32(data[:4]); iter >= andOTPMinIterations && iter <= andOTPMaxIterations {
			key, err := pbkdf2.Key(sha1.New, string(password), data[4:16], int(iter), 32)
			if err != nil {
				return nil, err
			}
			if plain, err := gcmOpenJoined(key, data[16:28], data[28:]); err == nil {
				return plain, nil
			}
		}
	}
	key := sha256.Sum256(password)
	if plain, err := gcmOpenJoined(key[:], data[:12], data[12:]); err == nil {
		return plain, nil
	}
	return nil, accounts.ErrWrongPassword
}

// gcmOpenJoined opens AES-256-GCM with the tag at the end of ct.
func gcmOpenJoined(key, nonce, ct []byte) ([]byte, error) {
	gcm, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	return gcm.Open(nil, nonce, ct, nil)
}

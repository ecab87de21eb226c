package formats

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"

	"github.com/nidan-auth/nidan/accounts"
)

// Proton Authenticator's export, plain or password-encrypted
// (docs/formats.md, "Proton Authenticator").
var protonFormat = Format{
	Name: "proton", App: "Proton Authenticator export (.json)",
	detect: func(s *sniff) bool {
		o := s.object()
		return has(o, "version") && (has(o, "entries") || (has(o, "salt") && has(o, "content") && !has(o, "kdfParams")))
	},
	read: readProton,
}

// The encrypted export's parameters, fixed by the format: a file cannot
// choose its own KDF cost. The cost is a var only so fuzzing can lower it.
var (
	protonArgonTime   uint32 = 2
	protonArgonMemKiB uint32 = 19 * 1024
)

const (
	protonSaltLen = 16
	protonAAD     = "proton.authenticator.export.v1"
)

type protonFile struct {
	Version int             `json:"version"`
	Entries json.RawMessage `json:"entries"`
	Salt    string          `json:"salt"`
	Content string          `json:"content"`
}

type protonEntry struct {
	Content struct {
		URI       string `json:"uri"`
		EntryType string `json:"entry_type"`
		Name      string `json:"name"`
	} `json:"content"`
}

func readProton(data []byte, password func() ([]byte, error), c *collector) error {
	var f protonFile
	if err := json.Unmarshal(data, &f); err != nil {
		return fmt.Errorf("%w: %v", accounts.ErrMalformed, err)
	}
	if f.Version != 1 {
		return fmt.Errorf("%w: Proton export version %d (Nidan reads version 1)", accounts.ErrMalformed, f.Version)
	}
	entries := f.Entries
	if len(entries) == 0 || string(entries) == "null" {
		pw, err := askPassword(password)
		if err != nil {
			return err
		}
		plain, err := decryptProton(f.Salt, f.Content, pw)
		if err != nil {
			return err
		}
		var inner protonFile
		if err := json.Unmarshal(plain, &inner); err != nil {
			return fmt.Errorf("%w: decrypted export: %v", accounts.ErrMalformed, err)
		}
		entries = inner.Entries
	}
	var list []json.RawMessage
	if err := json.Unmarshal(entries, &list); err != nil {
		return fmt.Errorf("%w: entries: %v", accounts.ErrMalformed, err)
	}
	for i, raw := range list {
		var e protonEntry
		if err := json.Unmarshal(raw, &e); err != nil {
			c.fail(entry(i), "", fmt.Errorf("%w: %v", accounts.ErrMalformed, err))
			continue
		}
		name := strings.TrimSpace(e.Content.Name)
		a, err := totpField(e.Content.URI, "", name)
		if err == nil && a.Name == "" {
			a.Name = name
		}
		c.add(entry(i), a, err)
	}
	return nil
}

// decryptProton opens an encrypted Proton export. Only the GCM tag can
// fail for a wrong password in a well-formed file; everything before it
// failing is damage.
func decryptProton(salt64, content64 string, password []byte) ([]byte, error) {
	salt, err := base64.StdEncoding.DecodeString(salt64)
	if err != nil || len(salt) != protonSaltLen {
		return nil, fmt.Errorf("%w: salt is not %d bytes of base64", accounts.ErrMalformed, protonSaltLen)
	}
	content, err := base64.StdEncoding.DecodeString(content64)
	if err != nil || len(content) < 12+16 {
		return nil, fmt.Errorf("%w: content is too short or not base64", accounts.ErrMalformed)
	}
	key := argon2.IDKey(password, salt, protonArgonTime, protonArgonMemKiB, 1, 32)
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	plain, err := gcm.Open(nil, content[:12], content[12:], []byte(protonAAD))
	if err != nil {
		return nil, accounts.ErrWrongPassword
	}
	return plain, nil
}

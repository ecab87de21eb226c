package formats

import (
	"bytes"
	"errors"
	"fmt"
	"path"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/internal/zipcrypt"
)

// Exports that are password-protected ZIP archives (Raivo, Authenticator
// Plus): docs/formats.md, "Password-protected ZIP archives".

// zipEntryName returns the name of the archive entry whose base name is
// base, if data is a ZIP archive holding one.
func zipEntryName(data []byte, base string) (string, bool) {
	if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return "", false
	}
	a, err := zipcrypt.Open(data)
	if err != nil {
		return "", false
	}
	for _, n := range a.Names() {
		if path.Base(n) == base {
			return n, true
		}
	}
	return "", false
}

// readZipEntry returns the content of the entry named base, asking for the
// password only when the entry is encrypted.
func readZipEntry(data []byte, base string, password func() ([]byte, error)) ([]byte, error) {
	name, ok := zipEntryName(data, base)
	if !ok {
		return nil, fmt.Errorf("%w: not a ZIP archive holding %s", accounts.ErrMalformed, base)
	}
	a, err := zipcrypt.Open(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", accounts.ErrMalformed, err)
	}
	var pw []byte
	if a.Encrypted(name) {
		if pw, err = askPassword(password); err != nil {
			return nil, err
		}
	}
	out, err := a.ReadFile(name, pw, MaxFileSize)
	switch {
	case errors.Is(err, zipcrypt.ErrWrongPassword):
		return nil, accounts.ErrWrongPassword
	case errors.Is(err, zipcrypt.ErrTooLarge):
		return nil, ErrTooLarge
	case err != nil:
		return nil, fmt.Errorf("%w: %v", accounts.ErrMalformed, err)
	}
	return out, nil
}

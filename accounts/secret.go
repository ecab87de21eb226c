package accounts

import (
	"encoding/base32"
	"strings"
)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// MaxSecretLen is the longest secret Nidan accepts, in bytes. Real keys
// are 10 to 64 bytes; the limit keeps a hostile or broken file from
// filling the vault (an import once produced 50 MB secrets).
const MaxSecretLen = 1024

// maxSecretText bounds the text DecodeSecret looks at: base32 of
// MaxSecretLen bytes with generous room for spaces and dashes.
const maxSecretText = 4 * MaxSecretLen

// DecodeSecret turns a base32 key as people and services write it into bytes.
// It is lenient where real keys are sloppy (lower case, spaces, dashes,
// missing or extra padding) and strict about everything else: an empty key or
// one with a character outside the base32 alphabet is an error.
func DecodeSecret(s string) ([]byte, error) {
	if len(s) > maxSecretText {
		return nil, &FieldError{Field: "secret", Err: ErrSecretTooLong}
	}
	clean := strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == '-' || r == '\t' || r == '\n' || r == '\r' || r == '=':
			return -1
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		}
		return r
	}, s)
	if clean == "" {
		return nil, &FieldError{Field: "secret", Err: ErrEmptySecret}
	}
	// 1, 3 or 6 characters past a multiple of 8 cannot come from any byte
	// string; Go's decoder would quietly drop them.
	switch len(clean) % 8 {
	case 1, 3, 6:
		return nil, &FieldError{Field: "secret", Err: ErrInvalidSecret}
	}
	b, err := b32.DecodeString(clean)
	if err != nil {
		return nil, &FieldError{Field: "secret", Err: ErrInvalidSecret}
	}
	if len(b) == 0 {
		return nil, &FieldError{Field: "secret", Err: ErrEmptySecret}
	}
	if len(b) > MaxSecretLen {
		return nil, &FieldError{Field: "secret", Err: ErrSecretTooLong}
	}
	return b, nil
}

// EncodeSecret returns the canonical form of a key: upper-case base32
// without padding, as otpauth URIs carry it.
func EncodeSecret(b []byte) string { return b32.EncodeToString(b) }

// GroupSecret returns the key in groups of four characters, the way a setup
// screen shows it for typing by hand: "JBSW Y3DP EHPK 3PXP".
func GroupSecret(b []byte) string { return group(EncodeSecret(b), 4) }

func group(s string, n int) string {
	var sb strings.Builder
	for i, r := range s {
		if i > 0 && i%n == 0 {
			sb.WriteByte(' ')
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

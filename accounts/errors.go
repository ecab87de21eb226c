package accounts

import (
	"errors"
	"fmt"
)

// Sentinel errors callers can test with errors.Is.
var (
	ErrNotOTPAuth       = errors.New("not an otpauth:// URI")
	ErrNotMigration     = errors.New("not an otpauth-migration:// URI")
	ErrEmptySecret      = errors.New("secret is empty")
	ErrSecretTooLong    = errors.New("secret is longer than 1 KiB; no service issues keys that long")
	ErrInvalidSecret    = errors.New("secret is not valid base32")
	ErrDigits           = errors.New("digits must be 6, 7 or 8 (5 for Steam)")
	ErrPeriod           = errors.New("period must be between 1 and 86400 seconds")
	ErrUnknownAlgorithm = errors.New("unknown algorithm (want SHA1, SHA256 or SHA512)")
	ErrUnknownType      = errors.New("unknown type (want totp, hotp or steam)")
	ErrCounter          = errors.New("counter must be a non-negative integer")
	ErrMalformed        = errors.New("malformed payload")

	// ErrWrongPassword means a password did not open an encrypted file:
	// the vault, a Nidan backup, or another app's encrypted export. It is
	// kept apart from damage (ErrMalformed, vault.ErrCorrupt): a wrong
	// password fails at the key slot, before any content is read, so
	// nothing has changed.
	ErrWrongPassword = errors.New("wrong password")
)

// FieldError says which field of an account or URI is wrong, and why.
type FieldError struct {
	Field string // "secret", "digits", "period", "algorithm", "type", "counter", "label", "uri"
	Value string // the offending value as given; never set for secrets
	Err   error
}

func (e *FieldError) Error() string {
	if e.Value == "" {
		return fmt.Sprintf("%s: %v", e.Field, e.Err)
	}
	return fmt.Sprintf("%s %q: %v", e.Field, e.Value, e.Err)
}

func (e *FieldError) Unwrap() error { return e.Err }

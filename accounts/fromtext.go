package accounts

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNotAccount is returned for decoded text (a QR code's content) that is
// neither an otpauth:// nor an otpauth-migration:// URI.
var ErrNotAccount = errors.New("this QR code is not an authenticator account")

// NotAccountError carries the text of a code that is not an account, so a
// person can see what was scanned instead.
type NotAccountError struct{ Text string }

func (e *NotAccountError) Error() string {
	t := e.Text
	if len([]rune(t)) > 80 {
		t = string([]rune(t)[:80]) + "…"
	}
	return fmt.Sprintf("%v: it says %q", ErrNotAccount, t)
}

func (e *NotAccountError) Unwrap() error { return ErrNotAccount }

// FromText turns the text of a scanned QR code into accounts: one for an
// otpauth URI, all of a batch for a Google Authenticator export (the
// Migration says which part of how many), and a *NotAccountError for
// anything else.
func FromText(text string) ([]Account, *Migration, error) {
	s := strings.TrimSpace(text)
	lower := strings.ToLower(s)
	switch {
	case strings.HasPrefix(lower, "otpauth://"):
		a, err := ParseURI(s)
		if err != nil {
			return nil, nil, err
		}
		return []Account{a}, nil, nil
	case strings.HasPrefix(lower, "otpauth-migration://"):
		m, err := ParseMigration(s)
		if err != nil {
			return nil, nil, err
		}
		return m.Accounts, &m, nil
	}
	return nil, nil, &NotAccountError{Text: s}
}

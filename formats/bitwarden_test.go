package formats

import (
	"errors"
	"strings"
	"testing"

	"github.com/nidan-auth/nidan/accounts"
)

func TestBitwardenEdges(t *testing.T) {
	// A password-protected Bitwarden export is refused with a way out.
	_, err := Import([]byte(`{"encrypted": true, "passwordProtected": true, "items": [], "data": "2.xx|yy|zz"}`), "", nil)
	if !errors.Is(err, errBitwardenEncrypted) {
		t.Errorf("encrypted Bitwarden export: %v", err)
	}
	// A bad TOTP field fails its row alone, named by its line.
	csv := "name,login_username,login_totp\nGood,a,JBSWY3DPEHPK3PXP\nBad,b,not!base32\nAlso good,c,steam://MFRGGZDFMZTWQ2LK\n"
	accts, err := Import([]byte(csv), "", nil)
	var ie *ImportError
	if !errors.As(err, &ie) || len(ie.Entries) != 1 || ie.Entries[0].Where != "line 3" || len(accts) != 2 {
		t.Fatalf("CSV with a bad row: %d accounts, %v", len(accts), err)
	}
	if !errors.Is(err, accounts.ErrInvalidSecret) {
		t.Errorf("bad row's reason: %v", err)
	}
	// HOTP cannot be written to Bitwarden: an error, not a silent drop.
	h := accounts.New(accounts.HOTP, "Bank", "bob", []byte("12345678901234567890"))
	var sb strings.Builder
	if err := writeBitwarden(&sb, []accounts.Account{h}); !errors.Is(err, errNoHOTP) {
		t.Errorf("HOTP to Bitwarden: %v", err)
	}
}

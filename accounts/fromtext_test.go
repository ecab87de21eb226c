package accounts

import (
	"errors"
	"strings"
	"testing"
)

func TestFromText(t *testing.T) {
	accts, m, err := FromText(" otpauth://totp/ACME:me?secret=JBSWY3DPEHPK3PXP\n")
	if err != nil || len(accts) != 1 || m != nil || accts[0].Issuer != "ACME" {
		t.Errorf("otpauth: %v %v %v", accts, m, err)
	}
	accts, m, err = FromText(googleSample)
	if err != nil || len(accts) != 1 || m == nil || m.Part() != "1 of 1" {
		t.Errorf("migration: %v %v %v", accts, m, err)
	}
	_, _, err = FromText("https://example.com/login")
	var nae *NotAccountError
	if !errors.Is(err, ErrNotAccount) || !errors.As(err, &nae) || !strings.Contains(err.Error(), "https://example.com/login") {
		t.Errorf("url: %v", err)
	}
	if _, _, err = FromText("otpauth://totp/x?secret=1"); errors.Is(err, ErrNotAccount) || err == nil {
		t.Errorf("a broken otpauth URI must say what is wrong with it, got %v", err)
	}
}

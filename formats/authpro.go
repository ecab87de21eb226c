package formats

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/nidan-auth/nidan/accounts"
)

// Authenticator Pro (now Stratum)'s unencrypted backup (docs/formats.md,
// "Authenticator Pro / Stratum").
var authProFormat = Format{
	Name: "authpro", App: "Authenticator Pro / Stratum backup (.json, no password)",
	detect: func(s *sniff) bool { return has(s.object(), "Authenticators") },
	read:   func(data []byte, _ func() ([]byte, error), c *collector) error { return readAuthPro(data, c) },
}

func readAuthPro(data []byte, c *collector) error {
	var f struct {
		Authenticators []json.RawMessage `json:"Authenticators"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return fmt.Errorf("%w: %v", accounts.ErrMalformed, err)
	}
	for i, raw := range f.Authenticators {
		var e struct {
			Type      int    `json:"Type"`
			Issuer    string `json:"Issuer"`
			Username  string `json:"Username"`
			Secret    string `json:"Secret"`
			Algorithm int    `json:"Algorithm"`
			Digits    int    `json:"Digits"`
			Period    int    `json:"Period"`
			Counter   uint64 `json:"Counter"`
		}
		if err := json.Unmarshal(raw, &e); err != nil {
			c.fail(entry(i), "", fmt.Errorf("%w: %v", accounts.ErrMalformed, err))
			continue
		}
		a := accounts.Account{Issuer: strings.TrimSpace(e.Issuer), Name: strings.TrimSpace(e.Username), Digits: e.Digits, Period: e.Period, Counter: e.Counter}
		var err error
		switch e.Type {
		case 1:
			a.Type, a.Period = accounts.HOTP, 0
		case 2:
			a.Type = accounts.TOTP
		case 4:
			a.Type = accounts.Steam
		default: // 3 mOTP, 5 Yandex
			err = &accounts.FieldError{Field: "type", Value: fmt.Sprint(e.Type), Err: ErrUnsupportedOTP}
		}
		switch e.Algorithm {
		case 0:
			a.Algorithm = accounts.SHA1
		case 1:
			a.Algorithm = accounts.SHA256
		case 2:
			a.Algorithm = accounts.SHA512
		default:
			if err == nil {
				err = &accounts.FieldError{Field: "algorithm", Value: fmt.Sprint(e.Algorithm), Err: accounts.ErrUnknownAlgorithm}
			}
		}
		if err == nil {
			a.Secret, err = accounts.DecodeSecret(e.Secret)
		}
		c.add(entry(i), a, err)
	}
	return nil
}

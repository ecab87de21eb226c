package formats

import (
	"encoding/json"
	"fmt"
	"strings"

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
// Encrypted andOTP backups (.json.aes) are not supported: decrypt them in
// andOTP or export plain.

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
	var entries []json.RawMessage
	if err := json.Unmarshal(data, &entries); err != nil {
		return fmt.Errorf("%w: %v", accounts.ErrMalformed, err)
	}
	for i, raw := range entries {
		var e andOTPEntry
		if err := json.Unmarshal(raw, &e); err != nil {
			c.fail(entry(i), "", fmt.Errorf("%w: %v", accounts.ErrMalformed, err))
			continue
		}
		a, err := e.account()
		c.add(entry(i), a, err)
	}
	return nil
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

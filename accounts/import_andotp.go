package accounts

import (
	"encoding/json"
	"fmt"
	"strings"
)

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
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	for i, raw := range entries {
		var e andOTPEntry
		if err := json.Unmarshal(raw, &e); err != nil {
			c.fail(entry(i), "", fmt.Errorf("%w: %v", ErrMalformed, err))
			continue
		}
		a, err := e.account()
		c.add(entry(i), a, err)
	}
	return nil
}

func (e *andOTPEntry) account() (Account, error) {
	a := Account{Issuer: strings.TrimSpace(e.Issuer), Name: strings.TrimSpace(e.Label), Digits: e.Digits, Period: e.Period, Counter: e.Counter}
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
	if a.Type != HOTP {
		a.Counter = 0
	}
	if a.Algorithm, err = ParseAlgorithm(e.Algorithm); err != nil {
		return a, err
	}
	if a.Secret, err = DecodeSecret(e.Secret); err != nil {
		return a, err
	}
	return a, nil
}

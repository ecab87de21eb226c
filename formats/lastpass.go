package formats

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/nidan-auth/nidan/accounts"
)

// LastPass Authenticator's account export (docs/formats.md, "LastPass
// Authenticator").
var lastPassFormat = Format{
	Name: "lastpass", App: "LastPass Authenticator export (.json)",
	detect: func(s *sniff) bool {
		o := s.object()
		if !has(o, "accounts") {
			return false
		}
		var accts []map[string]json.RawMessage
		return json.Unmarshal(o["accounts"], &accts) == nil && len(accts) > 0 && has(accts[0], "secret") && has(accts[0], "timeStep")
	},
	read: func(data []byte, _ func() ([]byte, error), c *collector) error { return readLastPass(data, c) },
}

func readLastPass(data []byte, c *collector) error {
	var f struct {
		Accounts []json.RawMessage `json:"accounts"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return fmt.Errorf("%w: %v", accounts.ErrMalformed, err)
	}
	for i, raw := range f.Accounts {
		var e struct {
			IssuerName         string `json:"issuerName"`
			OriginalIssuerName string `json:"originalIssuerName"`
			UserName           string `json:"userName"`
			OriginalUserName   string `json:"originalUserName"`
			Secret             string `json:"secret"`
			TimeStep           int    `json:"timeStep"`
			Digits             int    `json:"digits"`
			Algorithm          string `json:"algorithm"`
		}
		if err := json.Unmarshal(raw, &e); err != nil {
			c.fail(entry(i), "", fmt.Errorf("%w: %v", accounts.ErrMalformed, err))
			continue
		}
		a := accounts.Account{Type: accounts.TOTP, Issuer: firstNonEmpty(e.IssuerName, e.OriginalIssuerName),
			Name: firstNonEmpty(e.UserName, e.OriginalUserName), Digits: e.Digits, Period: e.TimeStep}
		var err error
		if a.Algorithm, err = accounts.ParseAlgorithm(e.Algorithm); err == nil {
			a.Secret, err = accounts.DecodeSecret(e.Secret)
		}
		c.add(entry(i), a, err)
	}
	return nil
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}

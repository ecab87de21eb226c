package formats

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/nidan-auth/nidan/accounts"
)

// A Steam Guard secret as Steam Desktop Authenticator (.maFile) and the
// Steam app (Steamguard-*) keep it (docs/formats.md, "Steam Guard secret").
var steamFormat = Format{
	Name: "steam", App: "Steam Guard secret (SDA .maFile, Steamguard-*)",
	detect: func(s *sniff) bool {
		o := s.object()
		return has(o, "shared_secret") && has(o, "account_name")
	},
	read: func(data []byte, _ func() ([]byte, error), c *collector) error { return readSteam(data, c) },
}

func readSteam(data []byte, c *collector) error {
	var f struct {
		SharedSecret string `json:"shared_secret"`
		AccountName  string `json:"account_name"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return fmt.Errorf("%w: %v", accounts.ErrMalformed, err)
	}
	a := accounts.Account{Type: accounts.Steam, Issuer: "Steam", Name: strings.TrimSpace(f.AccountName)}
	secret, err := base64.StdEncoding.DecodeString(strings.TrimSpace(f.SharedSecret))
	if err != nil {
		err = &accounts.FieldError{Field: "secret", Err: fmt.Errorf("%w: shared_secret is not base64", accounts.ErrInvalidSecret)}
	}
	a.Secret = secret
	c.add("the file", a, err)
	return nil
}

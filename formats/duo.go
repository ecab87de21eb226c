package formats

import (
	"fmt"
	"strings"

	"github.com/nidan-auth/nidan/accounts"
)

// Duo Mobile's internal storage, files/duokit/accounts.json
// (docs/formats.md, "Duo Mobile storage"): Duo has no export, so this file
// off a rooted phone is the way out.
var duoFormat = Format{
	Name: "duo", App: "Duo Mobile storage (duokit/accounts.json)",
	detect: func(s *sniff) bool {
		a := s.array()
		return len(a) > 0 && has(a[0], "otpGenerator")
	},
	read: func(data []byte, _ func() ([]byte, error), c *collector) error { return readDuo(data, c) },
}

type duoAccount struct {
	Name         string `json:"name"`
	OTPGenerator *struct {
		Secret  string  `json:"otpSecret"`
		Counter *uint64 `json:"counter"`
	} `json:"otpGenerator"`
}

func readDuo(data []byte, c *collector) error {
	return decodeEach(data, "accounts.json", c, func(i int, e *duoAccount) {
		a := accounts.Account{Type: accounts.TOTP, Issuer: strings.TrimSpace(e.Name)}
		if issuer, name, ok := strings.Cut(a.Issuer, ":"); ok {
			a.Issuer, a.Name = strings.TrimSpace(issuer), strings.TrimSpace(name)
		}
		g := e.OTPGenerator
		if g == nil || strings.TrimSpace(g.Secret) == "" {
			// A Duo Push account: its key never leaves the phone's keystore.
			c.add(entry(i), a, fmt.Errorf("%w: a Duo Push account, whose key stays on the phone", ErrUnsupportedOTP))
			return
		}
		if g.Counter != nil {
			a.Type, a.Counter = accounts.HOTP, *g.Counter
		}
		var err error
		a.Secret, err = accounts.DecodeSecret(g.Secret)
		c.add(entry(i), a, err)
	})
}

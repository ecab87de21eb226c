package formats

import (
	"encoding/json"
	"strings"

	"github.com/nidan-auth/nidan/accounts"
)

// Raivo OTP's export: a password-protected ZIP holding
// raivo-otp-export.json (docs/formats.md, "Raivo OTP export").
var raivoFormat = Format{
	Name: "raivo", App: "Raivo OTP export (raivo-otp-export.zip)",
	detect: func(s *sniff) bool { _, ok := zipEntryName(s.data, raivoEntry); return ok },
	read:   readRaivo,
}

const raivoEntry = "raivo-otp-export.json"

type raivoItem struct {
	Issuer    string          `json:"issuer"`
	Account   string          `json:"account"`
	Secret    string          `json:"secret"`
	Algorithm string          `json:"algorithm"`
	Digits    json.RawMessage `json:"digits"`
	Kind      string          `json:"kind"`
	Timer     json.RawMessage `json:"timer"`
	Counter   json.RawMessage `json:"counter"`
	Deleted   json.RawMessage `json:"deleted"`
}

func readRaivo(data []byte, password func() ([]byte, error), c *collector) error {
	plain, err := readZipEntry(data, raivoEntry, password)
	if err != nil {
		return err
	}
	return decodeEach(plain, raivoEntry, c, func(i int, it *raivoItem) {
		if d := strings.Trim(strings.ToLower(string(it.Deleted)), `" `); d == "true" || d == "1" {
			return // deleted in Raivo, still in its database
		}
		a, err := it.account()
		c.add(entry(i), a, err)
	})
}

func (it *raivoItem) account() (accounts.Account, error) {
	a := accounts.Account{Issuer: strings.TrimSpace(it.Issuer), Name: strings.TrimSpace(it.Account)}
	var err error
	if a.Type, err = parseOTPType(it.Kind); err != nil {
		return a, err
	}
	if a.Algorithm, err = accounts.ParseAlgorithm(it.Algorithm); err != nil {
		return a, err
	}
	if a.Digits, err = flexInt(it.Digits, "digits", accounts.ErrDigits); err != nil {
		return a, err
	}
	counter, err := flexInt(it.Counter, "counter", accounts.ErrCounter)
	if err != nil {
		return a, err
	}
	if a.Type == accounts.HOTP {
		a.Counter = uint64(counter)
	} else if a.Period, err = flexInt(it.Timer, "period", accounts.ErrPeriod); err != nil {
		return a, err
	}
	a.Secret, err = accounts.DecodeSecret(it.Secret)
	return a, err
}

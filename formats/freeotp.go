package formats

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/nidan-auth/nidan/accounts"
)

// FreeOTP+'s JSON export.
var freeOTPPlusFormat = Format{
	Name: "freeotp+", App: "FreeOTP+ export (.json)",
	detect: func(s *sniff) bool { return has(s.object(), "tokens") },
	read:   func(data []byte, _ func() ([]byte, error), c *collector) error { return importFreeOTP(data, c) },
}

// FreeOTP+'s JSON export:
//
//	{"tokenOrder": ["issuer:label", ...],
//	 "tokens": [{"algo", "counter", "digits", "issuerExt", "issuerInt", "issuerAlt",
//	             "label", "labelAlt", "period", "secret": [signed bytes], "type"}]}
//
// Two quirks inherited from FreeOTP:
//   - the stored HOTP counter is one behind the otpauth convention: FreeOTP's
//     own URI export writes counter+1, so that is what the next code uses.
//     Being one ahead is also the safe side: servers look ahead, never back.
//   - FreeOTP renders Steam codes for tokens whose issuer is "Steam".

type freeOTPFile struct {
	TokenOrder []string          `json:"tokenOrder"`
	Tokens     []json.RawMessage `json:"tokens"`
}

type freeOTPToken struct {
	Algo      string `json:"algo"`
	Counter   uint64 `json:"counter"`
	Digits    int    `json:"digits"`
	IssuerExt string `json:"issuerExt"`
	IssuerInt string `json:"issuerInt"`
	IssuerAlt string `json:"issuerAlt"`
	Label     string `json:"label"`
	LabelAlt  string `json:"labelAlt"`
	Period    int    `json:"period"`
	Secret    []int  `json:"secret"`
	Type      string `json:"type"`
}

// orderID is how tokenOrder refers to a token.
func (t *freeOTPToken) orderID() string {
	if t.IssuerInt != "" {
		return t.IssuerInt + ":" + t.Label
	}
	if t.IssuerExt != "" {
		return t.IssuerExt + ":" + t.Label
	}
	return t.Label
}

func importFreeOTP(data []byte, c *collector) error {
	var f freeOTPFile
	if err := json.Unmarshal(data, &f); err != nil {
		return fmt.Errorf("%w: %v", accounts.ErrMalformed, err)
	}
	return f.read(c)
}

// FreeOTP's tokens.xml, which FreeOTP+ keeps too (its internal storage):
// Android SharedPreferences whose "tokenOrder" string is the order list and
// whose every other string is one token as JSON, as in the export.
var freeOTPXMLFormat = Format{
	Name: "freeotp-xml", App: "FreeOTP or FreeOTP+ storage (tokens.xml)",
	detect: func(s *sniff) bool { return isPrefs(s, `name="tokenOrder"`) },
	read:   func(data []byte, _ func() ([]byte, error), c *collector) error { return importFreeOTPXML(data, c) },
}

func importFreeOTPXML(data []byte, c *collector) error {
	prefs, err := readPrefs(data)
	if err != nil {
		return err
	}
	var f freeOTPFile
	for _, p := range prefs {
		if p.Name == "tokenOrder" {
			if err := json.Unmarshal([]byte(p.Value), &f.TokenOrder); err != nil {
				return fmt.Errorf("%w: tokenOrder: %v", accounts.ErrMalformed, err)
			}
			continue
		}
		f.Tokens = append(f.Tokens, json.RawMessage(p.Value))
	}
	return f.read(c)
}

func (f *freeOTPFile) read(c *collector) error {
	type item struct {
		pos, rank int
		tok       freeOTPToken
		err       error
	}
	rank := make(map[string]int, len(f.TokenOrder))
	for i, id := range f.TokenOrder {
		if _, dup := rank[id]; !dup {
			rank[id] = i
		}
	}
	items := make([]item, len(f.Tokens))
	for i, raw := range f.Tokens {
		items[i].pos = i
		if err := json.Unmarshal(raw, &items[i].tok); err != nil {
			items[i].err = fmt.Errorf("%w: %v", accounts.ErrMalformed, err)
		}
		r, listed := rank[items[i].tok.orderID()]
		if !listed {
			r = len(f.TokenOrder) + i // not in the order list: after the listed ones
		}
		items[i].rank = r
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].rank < items[j].rank })
	for _, it := range items {
		if it.err != nil {
			c.fail(entry(it.pos), "", it.err)
			continue
		}
		a, err := it.tok.account()
		c.add(entry(it.pos), a, err)
	}
	return nil
}

func (t *freeOTPToken) account() (accounts.Account, error) {
	a := accounts.Account{Issuer: strings.TrimSpace(t.IssuerExt), Name: strings.TrimSpace(t.Label), Digits: t.Digits, Period: t.Period}
	if s := strings.TrimSpace(t.IssuerAlt); s != "" {
		a.Issuer = s
	}
	if s := strings.TrimSpace(t.LabelAlt); s != "" {
		a.Name = s
	}
	var err error
	if a.Type, err = parseOTPType(t.Type); err != nil {
		return a, err
	}
	switch {
	case a.Type == accounts.HOTP:
		if t.Counter == ^uint64(0) {
			return a, &accounts.FieldError{Field: "counter", Value: fmt.Sprint(t.Counter), Err: accounts.ErrCounter}
		}
		a.Counter = t.Counter + 1
		a.Period = 0
	case t.IssuerExt == "Steam":
		a.Type = accounts.Steam
	}
	if a.Algorithm, err = accounts.ParseAlgorithm(t.Algo); err != nil {
		return a, err
	}
	a.Secret = make([]byte, len(t.Secret))
	for i, b := range t.Secret {
		if b < -128 || b > 255 {
			return a, &accounts.FieldError{Field: "secret", Err: accounts.ErrInvalidSecret}
		}
		a.Secret[i] = byte(b)
	}
	if len(a.Secret) == 0 {
		return a, &accounts.FieldError{Field: "secret", Err: accounts.ErrEmptySecret}
	}
	return a, nil
}

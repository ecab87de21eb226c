package formats

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/nidan-auth/nidan/accounts"
)

// The FIDO Alliance Credential Exchange Format 1.0, its totp credential
// (docs/formats.md, "FIDO Credential Exchange Format 1.0").
var cxfFormat = Format{
	Name: "cxf", Title: "CXF", App: "FIDO Credential Exchange Format 1.0 (.json)", Ext: ".json",
	Plaintext: true,
	detect: func(s *sniff) bool {
		o := s.object()
		return has(o, "exporterRpId") && has(o, "accounts")
	},
	read:  func(data []byte, _ func() ([]byte, error), c *collector) error { return readCXF(data, c) },
	write: func(w io.Writer, src Source, _ []byte) error { return writeCXF(w, src.Accounts(), time.Now()) },
}

// errCXFKind: CXF has time-based codes only.
var errCXFKind = errors.New("the Credential Exchange Format has no counter-based (HOTP) or Steam codes; export this account another way")

type cxfHeader struct {
	Version struct {
		Major int `json:"major"`
		Minor int `json:"minor"`
	} `json:"version"`
	ExporterRpID        string       `json:"exporterRpId"`
	ExporterDisplayName string       `json:"exporterDisplayName"`
	Timestamp           int64        `json:"timestamp"`
	Accounts            []cxfAccount `json:"accounts"`
}

type cxfAccount struct {
	ID          string            `json:"id"`
	Username    string            `json:"username"`
	Email       string            `json:"email"`
	Collections []json.RawMessage `json:"collections"`
	Items       []cxfItem         `json:"items"`
}

type cxfItem struct {
	ID          string            `json:"id"`
	CreationAt  int64             `json:"creationAt,omitempty"`
	ModifiedAt  int64             `json:"modifiedAt,omitempty"`
	Title       string            `json:"title"`
	Credentials []json.RawMessage `json:"credentials"`
}

type cxfTOTP struct {
	Type      string `json:"type"`
	Secret    string `json:"secret"`
	Period    int    `json:"period"`
	Digits    int    `json:"digits"`
	Username  string `json:"username,omitempty"`
	Algorithm string `json:"algorithm"`
	Issuer    string `json:"issuer,omitempty"`
}

func readCXF(data []byte, c *collector) error {
	var h cxfHeader
	if err := json.Unmarshal(data, &h); err != nil {
		return fmt.Errorf("%w: %v", accounts.ErrMalformed, err)
	}
	if h.Version.Major != 1 {
		return fmt.Errorf("%w: CXF version %d.%d (Nidan reads 1.x)", accounts.ErrMalformed, h.Version.Major, h.Version.Minor)
	}
	for ai, acct := range h.Accounts {
		for ii, it := range acct.Items {
			for ci, raw := range it.Credentials {
				var kind struct {
					Type string `json:"type"`
				}
				var cred cxfTOTP
				err := json.Unmarshal(raw, &kind)
				if err == nil && kind.Type != "totp" {
					continue // a password, passkey or note: not a second factor
				}
				if err == nil {
					err = json.Unmarshal(raw, &cred)
				}
				if err != nil {
					c.fail(cxfWhere(ai, ii, ci), it.Title, fmt.Errorf("%w: %v", accounts.ErrMalformed, err))
					continue
				}
				a := accounts.Account{Type: accounts.TOTP, Issuer: strings.TrimSpace(cred.Issuer), Name: strings.TrimSpace(cred.Username),
					Digits: cred.Digits, Period: cred.Period}
				if title := strings.TrimSpace(it.Title); a.Issuer == "" && title != a.Name {
					a.Issuer = title // the item's title names the service
				}
				if a.Algorithm, err = accounts.ParseAlgorithm(cred.Algorithm); err == nil {
					a.Secret, err = accounts.DecodeSecret(cred.Secret)
				}
				c.add(cxfWhere(ai, ii, ci), a, err)
			}
		}
	}
	return nil
}

func cxfWhere(a, i, c int) string {
	return fmt.Sprintf("account %d, item %d, credential %d", a+1, i+1, c+1)
}

// writeCXF writes accts as one CXF account with one item per account.
func writeCXF(w io.Writer, accts []accounts.Account, now time.Time) error {
	var h cxfHeader
	h.Version.Major, h.Version.Minor = 1, 0
	h.ExporterRpID, h.ExporterDisplayName, h.Timestamp = "nidan.invalid", "Nidan", now.Unix()
	acct := cxfAccount{ID: b64url(randomID()), Collections: []json.RawMessage{}, Items: make([]cxfItem, 0, len(accts))}
	for i := range accts {
		a := &accts[i]
		if err := a.Validate(); err != nil {
			return fmt.Errorf("export cxf: %s: %w", a.Label(), err)
		}
		if a.Type != accounts.TOTP {
			return fmt.Errorf("export cxf: %s: %w", a.Label(), errCXFKind)
		}
		cred, err := json.Marshal(cxfTOTP{Type: "totp", Secret: accounts.EncodeSecret(a.Secret), Period: a.Period, Digits: a.Digits,
			Username: a.Name, Algorithm: strings.ToLower(string(a.Algorithm)), Issuer: a.Issuer})
		if err != nil {
			return err
		}
		id, err := hex.DecodeString(a.ID)
		if err != nil || len(id) == 0 {
			id = []byte(a.ID)
		}
		it := cxfItem{ID: b64url(id), Title: firstNonEmpty(a.Issuer, a.Name), Credentials: []json.RawMessage{cred}}
		if !a.Created.IsZero() {
			it.CreationAt = a.Created.Unix()
		}
		if !a.Modified.IsZero() {
			it.ModifiedAt = a.Modified.Unix()
		}
		acct.Items = append(acct.Items, it)
	}
	h.Accounts = []cxfAccount{acct}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(h); err != nil {
		return fmt.Errorf("export cxf: %w", err)
	}
	return nil
}

func b64url(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func randomID() []byte {
	b := make([]byte, 16)
	rand.Read(b)
	return b
}

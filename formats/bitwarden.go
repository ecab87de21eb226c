package formats

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/nidan-auth/nidan/accounts"
)

// Bitwarden's vault export and Bitwarden Authenticator's export, JSON and
// CSV (docs/formats.md, "Bitwarden JSON" and "Bitwarden CSV"). Items
// without a TOTP field are passwords, not accounts: skipped without a word.
var bitwardenFormat = Format{
	Name: "bitwarden", Title: "Bitwarden", App: "Bitwarden or Bitwarden Authenticator export (.json)", Ext: ".json",
	Plaintext: true,
	detect: func(s *sniff) bool {
		o := s.object()
		return has(o, "items") && has(o, "encrypted")
	},
	read:  readBitwarden,
	write: func(w io.Writer, src Source, _ []byte) error { return writeBitwarden(w, src.Accounts()) },
}

var bitwardenCSVFormat = Format{
	Name: "bitwarden-csv", App: "Bitwarden or Bitwarden Authenticator export (.csv)",
	detect: func(s *sniff) bool {
		header, _, _ := bytes.Cut(s.data, []byte("\n"))
		return bytes.Contains(header, []byte("login_totp")) && bytes.Contains(header, []byte("name"))
	},
	read: func(data []byte, _ func() ([]byte, error), c *collector) error { return readBitwardenCSV(data, c) },
}

// errNoHOTP: Bitwarden makes time-based codes only; an HOTP account there
// would show wrong codes, so the export refuses rather than drop it.
var errNoHOTP = errors.New("bitwarden has no counter-based (HOTP) codes; export this account another way")

// errBitwardenEncrypted: Bitwarden's own password-protected export.
var errBitwardenEncrypted = errors.New("this Bitwarden export is encrypted; export again as .json without a password, import it, and delete it")

type bitwardenFile struct {
	Encrypted bool            `json:"encrypted"`
	Items     []bitwardenItem `json:"items"`
}

type bitwardenItem struct {
	ID    string `json:"id,omitempty"`
	Type  int    `json:"type"`
	Name  string `json:"name"`
	Login *struct {
		Username string `json:"username,omitempty"`
		TOTP     string `json:"totp,omitempty"`
	} `json:"login,omitempty"`
	Favorite bool `json:"favorite"`
}

func readBitwarden(data []byte, _ func() ([]byte, error), c *collector) error {
	var f bitwardenFile
	if err := json.Unmarshal(data, &f); err != nil {
		return fmt.Errorf("%w: %v", accounts.ErrMalformed, err)
	}
	if f.Encrypted {
		return errBitwardenEncrypted
	}
	for i, it := range f.Items {
		if it.Login == nil || strings.TrimSpace(it.Login.TOTP) == "" {
			continue
		}
		a, err := totpField(it.Login.TOTP, strings.TrimSpace(it.Name), strings.TrimSpace(it.Login.Username))
		c.add(entry(i), a, err)
	}
	return nil
}

func readBitwardenCSV(data []byte, c *collector) error {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return fmt.Errorf("%w: %v", accounts.ErrMalformed, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(h)] = i
	}
	get := func(rec []string, names ...string) string {
		for _, n := range names {
			if i, ok := col[n]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
		}
		return ""
	}
	if _, ok := col["login_totp"]; !ok {
		return fmt.Errorf("%w: no login_totp column", accounts.ErrMalformed)
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		line, _ := r.FieldPos(0)
		where := fmt.Sprintf("line %d", line)
		if err != nil {
			c.fail(where, "", fmt.Errorf("%w: %v", accounts.ErrMalformed, err))
			if errors.Is(err, csv.ErrQuote) || errors.Is(err, csv.ErrBareQuote) {
				return nil // the rest of the file cannot be split into rows
			}
			continue
		}
		totp := get(rec, "login_totp")
		if totp == "" {
			continue
		}
		a, err := totpField(totp, get(rec, "name"), get(rec, "login_username", "username"))
		c.add(where, a, err)
	}
}

// writeBitwarden writes a Bitwarden JSON export of login items whose TOTP
// field is the account's otpauth URI.
func writeBitwarden(w io.Writer, accts []accounts.Account) error {
	f := bitwardenFile{Items: make([]bitwardenItem, 0, len(accts))}
	for i := range accts {
		a := &accts[i]
		if err := a.Validate(); err != nil {
			return fmt.Errorf("export bitwarden: %s: %w", a.Label(), err)
		}
		totp := a.URI()
		switch a.Type {
		case accounts.Steam:
			totp = "steam://" + accounts.EncodeSecret(a.Secret) // Bitwarden's own spelling
		case accounts.HOTP:
			return fmt.Errorf("export bitwarden: %s: %w", a.Label(), errNoHOTP)
		}
		it := bitwardenItem{ID: uuidFor(a.ID), Type: 1, Name: a.Issuer}
		if it.Name == "" {
			it.Name = a.Name
		}
		it.Login = &struct {
			Username string `json:"username,omitempty"`
			TOTP     string `json:"totp,omitempty"`
		}{Username: a.Name, TOTP: totp}
		f.Items = append(f.Items, it)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(f); err != nil {
		return fmt.Errorf("export bitwarden: %w", err)
	}
	return nil
}

package formats

import (
	"crypto/pbkdf2"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/nidan-auth/nidan/accounts"
)

// 2FAS Authenticator's backup (.2fas), plain or encrypted.
var twoFASFormat = Format{
	Name: "2fas", Title: "2FAS", App: "2FAS Authenticator backup (.2fas)",
	detect: func(s *sniff) bool {
		o := s.object()
		return has(o, "services") || has(o, "servicesEncrypted")
	},
	read:      import2FAS,
	Ext:       ".2fas",
	Plaintext: true,
	write:     func(w io.Writer, src Source, _ []byte) error { return write2FAS(w, src.Accounts(), time.Now()) },
}

// 2FAS Authenticator backups (.2fas): a JSON object with "services", the
// accounts, and "groups". An encrypted backup leaves "services" empty and
// puts the services array, encrypted, in "servicesEncrypted" as three base64
// fields "ciphertext:salt:iv": AES-256-GCM (the 16-byte tag at the end of the
// ciphertext) under PBKDF2-HMAC-SHA256(password, salt, 10 000 iterations, 32
// bytes). "reference" is a known text encrypted the same way, which tells a
// wrong password from a damaged file.

const twoFASIterations = 10000 // fixed by the format, not read from the file

type twoFASFile struct {
	SchemaVersion     int               `json:"schemaVersion"`
	Services          []json.RawMessage `json:"services"`
	ServicesEncrypted string            `json:"servicesEncrypted,omitempty"`
	Reference         string            `json:"reference,omitempty"`
	Groups            []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"groups"`
}

// twoFASService is one service, as read and as written.
type twoFASService struct {
	Name      string `json:"name"`
	Secret    string `json:"secret"`
	UpdatedAt int64  `json:"updatedAt,omitempty"`
	GroupID   string `json:"groupId,omitempty"`
	OTP       struct {
		Label     string `json:"label"`
		Account   string `json:"account"`
		Issuer    string `json:"issuer"`
		Digits    int    `json:"digits"`
		Period    int    `json:"period"`
		Algorithm string `json:"algorithm"`
		TokenType string `json:"tokenType"`
		Counter   uint64 `json:"counter,omitempty"`
		Source    string `json:"source,omitempty"`
	} `json:"otp"`
	Order struct {
		Position int `json:"position"`
	} `json:"order"`
}

func import2FAS(data []byte, password func() ([]byte, error), c *collector) error {
	var f twoFASFile
	if err := json.Unmarshal(data, &f); err != nil {
		return fmt.Errorf("%w: %v", accounts.ErrMalformed, err)
	}
	services := f.Services
	if len(services) == 0 && f.ServicesEncrypted != "" {
		pw, err := askPassword(password)
		if err != nil {
			return err
		}
		plain, err := decrypt2FAS(f.ServicesEncrypted, f.Reference, pw)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(plain, &services); err != nil {
			return fmt.Errorf("%w: decrypted services: %v", accounts.ErrMalformed, err)
		}
	}
	groups := map[string]string{}
	for _, g := range f.Groups {
		groups[g.ID] = g.Name
	}

	type item struct {
		pos int
		svc twoFASService
		err error
	}
	items := make([]item, len(services))
	for i, raw := range services {
		items[i].pos = i
		if err := json.Unmarshal(raw, &items[i].svc); err != nil {
			items[i].err = fmt.Errorf("%w: %v", accounts.ErrMalformed, err)
		}
	}
	// Keep the order the user arranged in 2FAS; the file order breaks ties.
	sort.SliceStable(items, func(i, j int) bool { return items[i].svc.Order.Position < items[j].svc.Order.Position })
	for _, it := range items {
		where := entry(it.pos)
		if it.err != nil {
			c.fail(where, "", it.err)
			continue
		}
		a, err := it.svc.account()
		a.Group = groups[it.svc.GroupID]
		c.add(where, a, err)
	}
	return nil
}

func (s *twoFASService) account() (accounts.Account, error) {
	o := &s.OTP
	a := accounts.Account{Issuer: strings.TrimSpace(o.Issuer), Name: strings.TrimSpace(o.Account), Digits: o.Digits, Period: o.Period, Counter: o.Counter}
	if a.Name == "" {
		a.Name = strings.TrimSpace(o.Label)
	}
	if name := strings.TrimSpace(s.Name); a.Issuer == "" && name != a.Name {
		a.Issuer = name // the service name 2FAS shows, unless it is just the account's
	}
	var err error
	if a.Type, err = parseOTPType(o.TokenType); err != nil {
		return a, err
	}
	if a.Algorithm, err = accounts.ParseAlgorithm(o.Algorithm); err != nil {
		return a, err
	}
	if a.Secret, err = accounts.DecodeSecret(s.Secret); err != nil {
		return a, err
	}
	return a, nil
}

// decrypt2FAS decrypts servicesEncrypted. The reference, when present, is
// checked first so that a wrong password is not mistaken for damage.
func decrypt2FAS(services, reference string, password []byte) ([]byte, error) {
	keys := map[string][]byte{} // by salt: both fields share one in practice
	open := func(field string) ([]byte, error) {
		ct, salt, iv, err := split2FAS(field)
		if err != nil {
			return nil, err
		}
		key, ok := keys[string(salt)]
		if !ok {
			if key, err = pbkdf2.Key(sha256.New, string(password), salt, twoFASIterations, 32); err != nil {
				return nil, err
			}
			keys[string(salt)] = key
		}
		aead, err := newGCM(key)
		if err != nil {
			return nil, err
		}
		return aead.Open(nil, iv, ct, nil)
	}
	if reference != "" {
		if _, err := open(reference); err != nil {
			if errors.Is(err, accounts.ErrMalformed) {
				return nil, fmt.Errorf("reference: %w", err)
			}
			return nil, accounts.ErrWrongPassword
		}
	}
	plain, err := open(services)
	switch {
	case err == nil:
		return plain, nil
	case errors.Is(err, accounts.ErrMalformed):
		return nil, fmt.Errorf("servicesEncrypted: %w", err)
	case reference != "":
		return nil, fmt.Errorf("%w: servicesEncrypted fails authentication (damaged file)", accounts.ErrMalformed)
	}
	return nil, accounts.ErrWrongPassword
}

func split2FAS(field string) (ct, salt, iv []byte, err error) {
	parts := strings.Split(field, ":")
	if len(parts) != 3 {
		return nil, nil, nil, fmt.Errorf("%w: want ciphertext:salt:iv", accounts.ErrMalformed)
	}
	var out [3][]byte
	for i, p := range parts {
		if out[i], err = base64.StdEncoding.DecodeString(p); err != nil {
			return nil, nil, nil, fmt.Errorf("%w: field %d is not base64", accounts.ErrMalformed, i+1)
		}
	}
	ct, salt, iv = out[0], out[1], out[2]
	if len(iv) != 12 || len(salt) == 0 || len(ct) < 16 {
		return nil, nil, nil, fmt.Errorf("%w: iv must be 12 bytes, ciphertext at least 16", accounts.ErrMalformed)
	}
	return ct, salt, iv, nil
}

// write2FAS writes a plain 2FAS backup (schema 4) that 2FAS's "Import
// from file" reads: one service per account, issuer as the service name,
// groups from Nidan's.
func write2FAS(w io.Writer, accts []accounts.Account, now time.Time) error {
	type group struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	out := struct {
		Services       []twoFASService `json:"services"`
		Groups         []group         `json:"groups"`
		UpdatedAt      int64           `json:"updatedAt"`
		SchemaVersion  int             `json:"schemaVersion"`
		AppVersionCode int             `json:"appVersionCode"`
		AppVersionName string          `json:"appVersionName"`
		AppOrigin      string          `json:"appOrigin"`
	}{Services: []twoFASService{}, Groups: []group{}, UpdatedAt: now.UnixMilli(), SchemaVersion: 4, AppVersionName: "nidan", AppOrigin: "android"}
	groupIDs := map[string]string{}
	for i := range accts {
		a := &accts[i]
		if err := a.Validate(); err != nil {
			return fmt.Errorf("export 2fas: %s: %w", a.Label(), err)
		}
		s := twoFASService{Name: firstNonEmpty(a.Issuer, a.Name), Secret: accounts.EncodeSecret(a.Secret), UpdatedAt: a.Modified.UnixMilli()}
		o := &s.OTP
		o.Label, o.Account, o.Issuer, o.Digits, o.Period = a.Name, a.Name, a.Issuer, a.Digits, a.Period
		o.Algorithm, o.TokenType, o.Source = string(a.Algorithm), strings.ToUpper(string(a.Type)), "Manual"
		if a.Type == accounts.HOTP {
			s.OTP.Counter, s.OTP.Period = a.Counter, 30 // 2FAS stores a period for every service
		}
		s.Order.Position = i
		if a.Group != "" {
			id, ok := groupIDs[a.Group]
			if !ok {
				id = fmt.Sprintf("nidan-group-%d", len(groupIDs)+1)
				groupIDs[a.Group] = id
				out.Groups = append(out.Groups, group{ID: id, Name: a.Group})
			}
			s.GroupID = id
		}
		out.Services = append(out.Services, s)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("export 2fas: %w", err)
	}
	return nil
}

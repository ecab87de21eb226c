package formats

import (
	"cmp"
	"crypto/pbkdf2"
	"crypto/rand"
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

// twoFASService is one service, as read and as written. 2FAS for Android
// declares the fields Nidan does not fill as nullable without defaults,
// so they are written as null rather than left out.
type twoFASService struct {
	Name          string          `json:"name"`
	Secret        string          `json:"secret"`
	UpdatedAt     int64           `json:"updatedAt"`
	ServiceTypeID json.RawMessage `json:"serviceTypeID"`
	Badge         json.RawMessage `json:"badge"`
	Icon          json.RawMessage `json:"icon"`
	GroupID       *string         `json:"groupId"`
	OTP           struct {
		Link      *string `json:"link"`
		Label     string  `json:"label"`
		Account   string  `json:"account"`
		Issuer    string  `json:"issuer"`
		Digits    int     `json:"digits"`
		Period    int     `json:"period"`
		Algorithm string  `json:"algorithm"`
		TokenType string  `json:"tokenType"`
		Counter   uint64  `json:"counter"`
		Source    string  `json:"source"`
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
		if it.svc.GroupID != nil {
			a.Group = groups[*it.svc.GroupID]
		}
		c.add(where, a, err)
	}
	return nil
}

func (s *twoFASService) account() (accounts.Account, error) {
	o := &s.OTP
	a := accounts.Account{Issuer: strings.TrimSpace(o.Issuer), Name: strings.TrimSpace(o.Account), Digits: o.Digits, Period: o.Period, Counter: o.Counter}
	tokenType, algorithm := o.TokenType, o.Algorithm
	if o.Link != nil {
		// Schema 1 and some schema 2 services leave the parameters out; the
		// link they were scanned from, when kept, still says them.
		if l, err := accounts.ParseURI(*o.Link); err == nil {
			a.Digits = cmp.Or(a.Digits, l.Digits)
			if l.Type != accounts.HOTP {
				a.Period = cmp.Or(a.Period, l.Period)
			}
			algorithm = cmp.Or(algorithm, string(l.Algorithm))
			if tokenType == "" {
				tokenType, a.Counter = string(l.Type), l.Counter
			}
		}
	}
	if a.Name == "" {
		a.Name = strings.TrimSpace(o.Label)
	}
	if name := strings.TrimSpace(s.Name); a.Issuer == "" && name != a.Name {
		a.Issuer = name // the service name 2FAS shows, unless it is just the account's
	}
	var err error
	if a.Type, err = parseOTPType(tokenType); err != nil {
		return a, err
	}
	if a.Type == accounts.HOTP {
		a.Period = 0
	}
	if a.Algorithm, err = accounts.ParseAlgorithm(algorithm); err != nil {
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

// twoFASBackup is the backup as Nidan writes it.
type twoFASBackup struct {
	Services          []twoFASService `json:"services"`
	Groups            []twoFASGroup   `json:"groups"`
	UpdatedAt         int64           `json:"updatedAt"`
	SchemaVersion     int             `json:"schemaVersion"`
	AppVersionCode    int             `json:"appVersionCode"`
	AppVersionName    string          `json:"appVersionName"`
	AppOrigin         string          `json:"appOrigin"`
	ServicesEncrypted string          `json:"servicesEncrypted,omitempty"`
	Reference         string          `json:"reference,omitempty"`
}

type twoFASGroup struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// write2FAS writes a plain 2FAS backup (schema 4) that 2FAS's "Import
// from file" reads: one service per account, issuer as the service name,
// groups from Nidan's.
func write2FAS(w io.Writer, accts []accounts.Account, now time.Time) error {
	out, err := new2FASBackup(accts, now)
	if err != nil {
		return err
	}
	return encode2FAS(w, out)
}

func new2FASBackup(accts []accounts.Account, now time.Time) (*twoFASBackup, error) {
	out := &twoFASBackup{Services: []twoFASService{}, Groups: []twoFASGroup{}, UpdatedAt: now.UnixMilli(), SchemaVersion: 4, AppVersionName: "nidan", AppOrigin: "android"}
	groupIDs := map[string]string{}
	for i := range accts {
		a := &accts[i]
		if err := a.Validate(); err != nil {
			return nil, fmt.Errorf("export 2fas: %s: %w", a.Label(), err)
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
				out.Groups = append(out.Groups, twoFASGroup{ID: id, Name: a.Group})
			}
			s.GroupID = &id
		}
		out.Services = append(out.Services, s)
	}
	return out, nil
}

func encode2FAS(w io.Writer, out *twoFASBackup) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("export 2fas: %w", err)
	}
	return nil
}

// 2FAS's encrypted backup, written for 2FAS to import.
var twoFASEncryptedFormat = Format{
	Name: "2fas-encrypted", Title: "2FAS (encrypted)", App: "2FAS Authenticator backup, encrypted (.2fas)",
	Ext: ".2fas", WritePassword: PasswordRequired, readBy: "2fas",
	write: func(w io.Writer, src Source, password []byte) error {
		return write2FASEncrypted(w, src.Accounts(), password, time.Now(), rand.Reader)
	},
}

// twoFASReference is the text 2FAS encrypts into "reference"
// (BackupContent.Reference in 2FAS's source), a fixed marker rather than a
// secret: 2FAS decrypts it to check the password before the services.
const twoFASReference = "tRViSsLKzd86Hprh4ceC2OP7xazn4rrt4xhfEUbOjxLX8Rc3mkISXE0lWbmnWfggogbBJhtYgpK6fMl1D6mtsy92R3HkdGfwuXbzLebqVFJsR7IZ2w58t938iymwG4824igYy1wi6n2WDpO1Q1P69zwJGs2F5a1qP4MyIiDSD7NCV2OvidXQCBnDlGfmz0f1BQySRkkt4ryiJeCjD2o4QsveJ9uDBUn8ELyOrESv5R5DMDkD4iAF8TXU7KyoJujd"

// twoFASSaltSize is the salt 2FAS draws for a backup.
const twoFASSaltSize = 256

// write2FASEncrypted writes the backup of write2FAS with its services
// encrypted as docs/formats.md says: one salt and key, a fresh IV for each
// of "reference" and "servicesEncrypted". random supplies salt and IVs.
func write2FASEncrypted(w io.Writer, accts []accounts.Account, password []byte, now time.Time, random io.Reader) error {
	if len(password) == 0 {
		return fmt.Errorf("export 2fas-encrypted: %w", ErrPasswordNeeded)
	}
	out, err := new2FASBackup(accts, now)
	if err != nil {
		return err
	}
	services, err := json.Marshal(out.Services)
	if err != nil {
		return fmt.Errorf("export 2fas-encrypted: %w", err)
	}
	salt := make([]byte, twoFASSaltSize)
	if _, err := io.ReadFull(random, salt); err != nil {
		return fmt.Errorf("export 2fas-encrypted: salt: %w", err)
	}
	key, err := pbkdf2.Key(sha256.New, string(password), salt, twoFASIterations, 32)
	if err != nil {
		return fmt.Errorf("export 2fas-encrypted: %w", err)
	}
	aead, err := newGCM(key)
	if err != nil {
		return fmt.Errorf("export 2fas-encrypted: %w", err)
	}
	seal := func(plain []byte) (string, error) {
		iv := make([]byte, aead.NonceSize())
		if _, err := io.ReadFull(random, iv); err != nil {
			return "", fmt.Errorf("export 2fas-encrypted: iv: %w", err)
		}
		b64 := base64.StdEncoding.EncodeToString
		return b64(aead.Seal(nil, iv, plain, nil)) + ":" + b64(salt) + ":" + b64(iv), nil
	}
	if out.Reference, err = seal([]byte(twoFASReference)); err != nil {
		return err
	}
	if out.ServicesEncrypted, err = seal(services); err != nil {
		return err
	}
	out.Services = []twoFASService{}
	return encode2FAS(w, out)
}

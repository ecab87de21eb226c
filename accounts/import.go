package accounts

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Format names a file format Import can read.
type Format string

// The formats Import understands. The constant values are what the CLI's
// --format flag takes.
const (
	FormatNidan   Format = "nidan"    // Nidan's own encrypted backup (or vault file), see ReadBackup
	FormatAegis   Format = "aegis"    // Aegis vault, plain or password-encrypted (docs/vault.md)
	Format2FAS    Format = "2fas"     // 2FAS Authenticator backup (.2fas), plain or encrypted
	FormatAndOTP  Format = "andotp"   // andOTP plain JSON backup
	FormatFreeOTP Format = "freeotp+" // FreeOTP+ JSON export
	FormatGoogle  Format = "google"   // Google Authenticator otpauth-migration:// URIs, one per line
	FormatURIs    Format = "uris"     // otpauth:// URIs one per line (Bitwarden, Ente, Raivo, Aegis exports)
)

// Formats lists the formats Import accepts, in the order DetectFormat tries them.
var Formats = []Format{FormatNidan, FormatAegis, Format2FAS, FormatAndOTP, FormatFreeOTP, FormatGoogle, FormatURIs}

// Import errors callers can test with errors.Is.
var (
	ErrUnknownFormat   = errors.New("unknown import format")
	ErrPasswordNeeded  = errors.New("file is encrypted and no password was given")
	ErrIncompleteBatch = errors.New("google authenticator export is incomplete")
	ErrUnsupportedOTP  = errors.New("kind of code not supported")
)

// EntryError is one entry of an import file that cannot become an account.
// It names the entry by position and label, never by its secret.
type EntryError struct {
	Where string // "entry 3", "line 7"
	Label string // issuer and name as the file gives them, if it does
	Err   error
}

func (e *EntryError) Error() string {
	if e.Label == "" {
		return fmt.Sprintf("%s: %v", e.Where, e.Err)
	}
	return fmt.Sprintf("%s (%s): %v", e.Where, e.Label, e.Err)
}

func (e *EntryError) Unwrap() error { return e.Err }

// ImportError reports the entries of a file that could not be read. Import
// returns it together with every account it could read, so a caller can
// offer to import those and must show the rest: nothing is dropped silently.
type ImportError struct {
	Format  Format
	Read    int // accounts that were read fine
	Entries []*EntryError
}

func (e *ImportError) Error() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "import %s: %d of %d entries cannot be imported", e.Format, len(e.Entries), len(e.Entries)+e.Read)
	for _, ee := range e.Entries {
		sb.WriteString("\n\t")
		sb.WriteString(ee.Error())
	}
	return sb.String()
}

// Unwrap returns the entry errors, so errors.Is sees their causes.
func (e *ImportError) Unwrap() []error {
	errs := make([]error, len(e.Entries))
	for i, ee := range e.Entries {
		errs[i] = ee
	}
	return errs
}

// DetectFormat tells which format data is in by its structure, never by a
// file name. Anything it does not recognise (empty input, an image, unrelated
// JSON or text) is ErrUnknownFormat.
func DetectFormat(data []byte) (Format, error) {
	if IsNidanBackup(data) {
		return FormatNidan, nil
	}
	data = trimBOM(data)
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return "", fmt.Errorf("%w: the file is empty", ErrUnknownFormat)
	}
	if isImage(trimmed) {
		return "", fmt.Errorf("%w: this is an image; scan its QR code instead", ErrUnknownFormat)
	}
	switch trimmed[0] {
	case '{':
		var obj map[string]json.RawMessage
		if json.Unmarshal(trimmed, &obj) != nil {
			break
		}
		switch {
		case has(obj, "header") && has(obj, "db"):
			return FormatAegis, nil
		case has(obj, "services") || has(obj, "servicesEncrypted"):
			return Format2FAS, nil
		case has(obj, "tokens"):
			return FormatFreeOTP, nil
		}
	case '[':
		var arr []map[string]json.RawMessage
		if json.Unmarshal(trimmed, &arr) != nil || len(arr) == 0 {
			break
		}
		if has(arr[0], "secret") && (has(arr[0], "label") || has(arr[0], "issuer")) {
			return FormatAndOTP, nil
		}
	default:
		switch textKind(data) {
		case kindMigration:
			return FormatGoogle, nil
		case kindURIs:
			return FormatURIs, nil
		}
	}
	return "", ErrUnknownFormat
}

// Import reads the accounts in another app's export. An empty format means
// DetectFormat decides. password is called at most once, and only if the file
// is encrypted; returning an empty password is ErrPasswordNeeded, a password
// that does not open the file ErrWrongPassword.
//
// Accounts from another app get a fresh ID and are validated. A Nidan backup
// keeps its IDs and presentation fields, so that restoring merges by ID. An entry that cannot be
// represented (an unknown kind of code, a bad secret) does not stop the
// others: Import then returns the accounts it could read together with an
// *ImportError naming each bad entry. Any other error returns no accounts.
func Import(data []byte, format Format, password func() ([]byte, error)) ([]Account, error) {
	if format == "" {
		f, err := DetectFormat(data)
		if err != nil {
			return nil, fmt.Errorf("import: %w", err)
		}
		format = f
	}
	data = trimBOM(data)
	var (
		c   = &collector{format: format}
		err error
	)
	switch format {
	case FormatNidan:
		err = importNidan(data, password, c)
	case FormatAegis:
		err = importAegis(data, password, c)
	case Format2FAS:
		err = import2FAS(data, password, c)
	case FormatAndOTP:
		err = importAndOTP(data, c)
	case FormatFreeOTP:
		err = importFreeOTP(data, c)
	case FormatGoogle, FormatURIs:
		err = importText(data, format, c)
	default:
		return nil, fmt.Errorf("import: %w %q", ErrUnknownFormat, string(format))
	}
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", format, err)
	}
	return c.result()
}

// importNidan reads a Nidan backup through the vault's ReadBackup. Its
// accounts keep their stable IDs; they are validated all the same.
func importNidan(data []byte, password func() ([]byte, error), c *collector) error {
	pw, err := askPassword(password)
	if err != nil {
		return err
	}
	accts, err := ReadBackup(bytes.NewReader(data), pw)
	if err != nil {
		return err
	}
	for i := range accts {
		if err := accts[i].Validate(); err != nil {
			c.fail(entry(i), accts[i].Label(), err)
			continue
		}
		c.accts = append(c.accts, accts[i])
	}
	return nil
}

// collector gathers the accounts and entry errors of one import.
type collector struct {
	format Format
	accts  []Account
	bad    []*EntryError
}

// add finishes a (fresh ID, defaults, validation) and keeps it, or records
// why the entry cannot be imported.
func (c *collector) add(where string, a Account, err error) {
	if err == nil {
		err = finish(&a)
	}
	if err != nil {
		c.bad = append(c.bad, &EntryError{Where: where, Label: a.Label(), Err: err})
		return
	}
	a.Order = len(c.accts)
	c.accts = append(c.accts, a)
}

func (c *collector) fail(where, label string, err error) {
	c.bad = append(c.bad, &EntryError{Where: where, Label: label, Err: err})
}

func (c *collector) result() ([]Account, error) {
	if len(c.bad) > 0 {
		return c.accts, &ImportError{Format: c.format, Read: len(c.accts), Entries: c.bad}
	}
	return c.accts, nil
}

// finish gives an imported account a fresh ID and timestamps, fills the
// defaults a source left out and validates it.
func finish(a *Account) error {
	fresh := New(a.Type, a.Issuer, a.Name, a.Secret)
	a.ID, a.Created, a.Modified = fresh.ID, fresh.Created, fresh.Modified
	a.fillDefaults()
	return a.Validate()
}

// askPassword calls the caller's password function once.
func askPassword(password func() ([]byte, error)) ([]byte, error) {
	if password == nil {
		return nil, ErrPasswordNeeded
	}
	p, err := password()
	if err != nil {
		return nil, fmt.Errorf("read password: %w", err)
	}
	if len(p) == 0 {
		return nil, ErrPasswordNeeded
	}
	return p, nil
}

// parseOTPType maps the type names exports use ("TOTP", "hotp", "STEAM") to
// a Type; anything else (mOTP, Yandex, Battle.net…) is ErrUnsupportedOTP.
func parseOTPType(s string) (Type, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "totp", "":
		return TOTP, nil
	case "hotp":
		return HOTP, nil
	case "steam":
		return Steam, nil
	}
	return "", &FieldError{Field: "type", Value: s, Err: ErrUnsupportedOTP}
}

func entry(i int) string { return fmt.Sprintf("entry %d", i+1) }

func has(obj map[string]json.RawMessage, key string) bool {
	v, ok := obj[key]
	return ok && !bytes.Equal(bytes.TrimSpace(v), []byte("null"))
}

func trimBOM(b []byte) []byte { return bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")) }

func isImage(b []byte) bool {
	for _, magic := range []string{"\x89PNG\r\n\x1a\n", "\xff\xd8\xff", "GIF87a", "GIF89a"} {
		if bytes.HasPrefix(b, []byte(magic)) {
			return true
		}
	}
	return len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP"
}

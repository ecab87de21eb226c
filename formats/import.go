package formats

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/nidan-auth/nidan/accounts"
)

// MaxFileSize is the largest file Import reads: far beyond any real export
// (40 000 accounts are a few MiB), small enough to hold in memory.
const MaxFileSize = 64 << 20

// ReadLimited reads an import file of at most MaxFileSize bytes; a larger
// one is ErrTooLarge, read no further.
func ReadLimited(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, ErrTooLarge
	}
	return data, nil
}

// ReadFile is ReadLimited for a file by name.
func ReadFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := ReadLimited(f)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return data, nil
}

// Import errors callers can test with errors.Is.
var (
	ErrUnknownFormat   = errors.New("unknown import format")
	ErrTooLarge        = errors.New("file is larger than 64 MiB; no authenticator export is that big")
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
	Format  string // the format's Name
	Read    int    // accounts that were read fine
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
// file name, trying the registry in order. Anything it does not recognise
// (empty input, an image, unrelated JSON or text) is ErrUnknownFormat.
func DetectFormat(data []byte) (Format, error) {
	if len(data) > MaxFileSize {
		return Format{}, ErrTooLarge
	}
	sn := newSniff(data)
	if len(sn.trimmed) == 0 {
		return Format{}, fmt.Errorf("%w: the file is empty", ErrUnknownFormat)
	}
	if isImage(sn.trimmed) {
		return Format{}, fmt.Errorf("%w: this is an image; scan its QR code instead", ErrUnknownFormat)
	}
	for _, f := range registry {
		if f.detect != nil && f.detect(sn) {
			return f, nil
		}
	}
	return Format{}, ErrUnknownFormat
}

// Import reads the accounts in another app's export. An empty name means
// DetectFormat decides; otherwise it is a Format's Name. password is called
// at most once, and only if the file is encrypted; returning an empty
// password is ErrPasswordNeeded, a password that does not open the file
// ErrWrongPassword.
//
// Accounts from another app go through accounts.Prepare (fresh ID,
// defaults, validation). A Nidan backup keeps its IDs and presentation
// fields, so that restoring merges by ID. An entry that cannot be
// represented (an unknown kind of code, a bad secret) does not stop the
// others: Import then returns the accounts it could read together with an
// *ImportError naming each bad entry. Any other error returns no accounts.
func Import(data []byte, name string, password func() ([]byte, error)) ([]accounts.Account, error) {
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("import: %w", ErrTooLarge)
	}
	var f Format
	if name == "" {
		var err error
		if f, err = DetectFormat(data); err != nil {
			return nil, fmt.Errorf("import: %w", err)
		}
	} else {
		var ok bool
		if f, ok = Lookup(name); !ok || f.read == nil {
			return nil, fmt.Errorf("import: %w %q", ErrUnknownFormat, name)
		}
	}
	c := &collector{format: f.Name}
	if err := f.read(trimBOM(data), password, c); err != nil {
		return nil, fmt.Errorf("import %s: %w", f.Name, err)
	}
	return c.result()
}

// collector gathers the accounts and entry errors of one import.
type collector struct {
	format string
	accts  []accounts.Account
	bad    []*EntryError
}

// add prepares a (accounts.Prepare: fresh ID, defaults, validation) and keeps it, or records
// why the entry cannot be imported.
func (c *collector) add(where string, a accounts.Account, err error) {
	if err == nil {
		err = a.Prepare()
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

func (c *collector) result() ([]accounts.Account, error) {
	if len(c.bad) > 0 {
		return c.accts, &ImportError{Format: c.format, Read: len(c.accts), Entries: c.bad}
	}
	return c.accts, nil
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
func parseOTPType(s string) (accounts.Type, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "totp", "":
		return accounts.TOTP, nil
	case "hotp":
		return accounts.HOTP, nil
	case "steam":
		return accounts.Steam, nil
	}
	return "", &accounts.FieldError{Field: "type", Value: s, Err: ErrUnsupportedOTP}
}

// decodeEach reads data as a JSON array and decodes each element as a T
// for fn; an element that does not decode is one failed entry, and the
// others go on. what names the array in the error when data is not one.
func decodeEach[T any](data []byte, what string, c *collector, fn func(i int, e *T)) error {
	var items []json.RawMessage
	if err := json.Unmarshal(data, &items); err != nil {
		return fmt.Errorf("%w: %s: %v", accounts.ErrMalformed, what, err)
	}
	for i, raw := range items {
		var e T
		if err := json.Unmarshal(raw, &e); err != nil {
			c.fail(entry(i), "", fmt.Errorf("%w: %v", accounts.ErrMalformed, err))
			continue
		}
		fn(i, &e)
	}
	return nil
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

// totpField reads the one-string form password managers keep a second
// factor in: an otpauth:// URI, steam://SECRET (a Steam Guard code, base32
// secret) or a bare base32 secret (TOTP with the usual defaults). issuer
// and name fill in what the string itself does not say.
func totpField(s, issuer, name string) (accounts.Account, error) {
	s = strings.TrimSpace(s)
	switch {
	case hasPrefixFold(s, otpauthScheme):
		a, err := accounts.ParseURI(s)
		if err == nil && a.Issuer == "" && issuer != "" && a.Name != issuer {
			a.Issuer = issuer
		}
		return a, err
	case hasPrefixFold(s, "steam://"):
		secret, err := accounts.DecodeSecret(s[len("steam://"):])
		return accounts.Account{Type: accounts.Steam, Issuer: "Steam", Name: name, Secret: secret}, err
	}
	secret, err := accounts.DecodeSecret(s)
	return accounts.Account{Type: accounts.TOTP, Issuer: issuer, Name: name, Secret: secret}, err
}

package accounts

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// Type is the kind of one-time password an account produces.
type Type string

// The account types Nidan understands.
const (
	TOTP  Type = "totp"  // RFC 6238, time based
	HOTP  Type = "hotp"  // RFC 4226, counter based
	Steam Type = "steam" // Steam Guard: TOTP rendered in Steam's 26-symbol alphabet
)

// Algorithm is the HMAC hash an account uses.
type Algorithm string

// The hashes RFC 6238 allows.
const (
	SHA1   Algorithm = "SHA1"
	SHA256 Algorithm = "SHA256"
	SHA512 Algorithm = "SHA512"
)

// Defaults used when a URI or a form leaves a field out.
const (
	DefaultDigits = 6
	DefaultPeriod = 30
	SteamDigits   = 5
)

// Account is one second factor: the secret and how to turn it into codes, plus
// the presentation fields the GUI keeps beside it.
type Account struct {
	ID        string    `json:"id"` // stable across edits, exports and merges
	Type      Type      `json:"type"`
	Issuer    string    `json:"issuer,omitempty"`
	Name      string    `json:"name,omitempty"` // the account name: usually an e-mail or user name
	Secret    []byte    `json:"secret"`
	Algorithm Algorithm `json:"algorithm"`
	Digits    int       `json:"digits"`
	Period    int       `json:"period,omitempty"`  // seconds; TOTP and Steam
	Counter   uint64    `json:"counter,omitempty"` // HOTP: the counter of the next code

	Nickname string    `json:"nickname,omitempty"`
	Color    string    `json:"color,omitempty"` // "#rrggbb" theme colour for the generic logo
	Logo     string    `json:"logo,omitempty"`  // "simple-icons:SLUG", "generic", "icon", or empty: from the issuer (docs/brand-logos.md)
	Icon     []byte    `json:"icon,omitempty"`  // an icon-pack image, at most MaxIconLen bytes
	IconMIME string    `json:"icon_mime,omitempty"`
	Group    string    `json:"group,omitempty"`
	Order    int       `json:"order,omitempty"`
	Created  time.Time `json:"created"`
	Modified time.Time `json:"modified"`
	LastUsed time.Time `json:"last_used,omitzero"`
}

// NewID returns a fresh random account ID (128 bits, hex).
func NewID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("accounts: crypto/rand failed: %v", err))
	}
	return hex.EncodeToString(b[:])
}

// New returns an account with the given key material, defaults filled in, a
// fresh ID and created/modified set to now.
func New(typ Type, issuer, name string, secret []byte) Account {
	now := time.Now().UTC().Truncate(time.Second)
	a := Account{ID: NewID(), Type: typ, Issuer: issuer, Name: name, Secret: secret, Created: now, Modified: now}
	a.fillDefaults()
	return a
}

// MaxIconLen caps an account's icon: a logo, not a photo; the vault holds
// every account's icon in memory and in each sync file.
const MaxIconLen = 64 << 10

// IconTypes are the image types an account's icon may have.
var iconTypes = map[string]bool{"image/svg+xml": true, "image/png": true, "image/jpeg": true}

// HasIcon reports whether the account carries a usable icon.
func (a *Account) HasIcon() bool {
	return len(a.Icon) > 0 && len(a.Icon) <= MaxIconLen && iconTypes[a.IconMIME]
}

// fillDefaults sets the fields a sloppy source may leave empty, and drops
// an icon that is too large or of an unknown type: the key is what
// matters, and it is kept.
func (a *Account) fillDefaults() {
	if len(a.Icon) > 0 && !a.HasIcon() {
		a.Icon, a.IconMIME = nil, ""
	}
	if a.Type == "" {
		a.Type = TOTP
	}
	if a.Algorithm == "" {
		a.Algorithm = SHA1
	}
	if a.Digits == 0 {
		a.Digits = DefaultDigits
		if a.Type == Steam {
			a.Digits = SteamDigits
		}
	}
	if a.Period == 0 && a.Type != HOTP {
		a.Period = DefaultPeriod
	}
}

// Prepare is the one step that makes a new account out of what a person
// typed, a QR code or another app's file: it gets a fresh ID and
// created/modified times, the defaults its source left out, and is
// validated (a *FieldError). Every importer and the add paths of the GUI
// and the CLI go through it; restoring a Nidan backup does not, because
// those accounts keep their IDs.
func (a *Account) Prepare() error {
	fresh := New(a.Type, a.Issuer, a.Name, a.Secret)
	a.ID, a.Created, a.Modified = fresh.ID, fresh.Created, fresh.Modified
	a.fillDefaults()
	return a.Validate()
}

// Validate reports the first field that cannot produce codes, as a *FieldError.
func (a *Account) Validate() error {
	switch a.Type {
	case TOTP, HOTP, Steam:
	default:
		return &FieldError{Field: "type", Value: string(a.Type), Err: ErrUnknownType}
	}
	switch a.Algorithm {
	case SHA1, SHA256, SHA512:
	default:
		return &FieldError{Field: "algorithm", Value: string(a.Algorithm), Err: ErrUnknownAlgorithm}
	}
	if len(a.Secret) == 0 {
		return &FieldError{Field: "secret", Err: ErrEmptySecret}
	}
	if len(a.Secret) > MaxSecretLen {
		return &FieldError{Field: "secret", Err: ErrSecretTooLong}
	}
	if a.Type == Steam {
		if a.Digits != SteamDigits {
			return &FieldError{Field: "digits", Value: fmt.Sprint(a.Digits), Err: ErrDigits}
		}
	} else if a.Digits < 6 || a.Digits > 8 {
		return &FieldError{Field: "digits", Value: fmt.Sprint(a.Digits), Err: ErrDigits}
	}
	if a.Type != HOTP && (a.Period <= 0 || a.Period > 24*3600) {
		return &FieldError{Field: "period", Value: fmt.Sprint(a.Period), Err: ErrPeriod}
	}
	return nil
}

// Label is how the account is named to a person: the nickname if set, else
// "Issuer (name)", "Issuer" or the bare name.
func (a *Account) Label() string {
	if a.Nickname != "" {
		return a.Nickname
	}
	switch {
	case a.Issuer != "" && a.Name != "":
		return a.Issuer + " (" + a.Name + ")"
	case a.Issuer != "":
		return a.Issuer
	}
	return a.Name
}

// SameKey reports whether b is the same second factor as a: the same secret,
// issuer and account name. Imports and restores use it to spot duplicates.
func (a *Account) SameKey(b *Account) bool {
	return subtle.ConstantTimeCompare(a.Secret, b.Secret) == 1 &&
		strings.EqualFold(a.Issuer, b.Issuer) && a.Name == b.Name
}

// Matches reports whether the query (case-insensitive) occurs in the issuer,
// name, nickname or group; an empty query matches everything.
func (a *Account) Matches(query string) bool {
	q := strings.ToLower(strings.TrimSpace(query))
	if q == "" {
		return true
	}
	for _, s := range []string{a.Issuer, a.Name, a.Nickname, a.Group} {
		if strings.Contains(strings.ToLower(s), q) {
			return true
		}
	}
	return false
}

// Clone returns a deep copy, so that the secret of the copy can be changed or
// wiped without touching the original.
func (a *Account) Clone() Account {
	c := *a
	c.Secret = append([]byte(nil), a.Secret...)
	if a.Icon != nil {
		c.Icon = append([]byte(nil), a.Icon...)
	}
	return c
}

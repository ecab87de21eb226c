package cli

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nidan-auth/nidan/accounts"
)

func coreCommands(t map[string]command) {
	t["code"] = command{
		summary: "print the current code of an otpauth URI (or of a vault account)",
		usage:   "code --uri URI [--time T]",
		run:     runCodeURI,
	}
	t["uri"] = command{
		summary: "build a normalised otpauth URI from its parts",
		usage:   "uri --issuer I --name N --secret S [--digits D] [--period P] [--algorithm A] [--type T] [--counter C]",
		run:     runURI,
	}
	t["migration"] = command{
		summary: "print the accounts of a Google Authenticator export URI",
		usage:   "migration URI",
		run:     runMigration,
	}
}

func runCodeURI(e *Env, args []string) error {
	fs := newFlags("code")
	uri := fs.String("uri", "", "otpauth URI")
	at := fs.String("time", "", "unix seconds or RFC 3339 (default now)")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *uri == "" || len(rest) > 0 {
		return usagef("need --uri URI")
	}
	t, err := ParseTime(*at, time.Now())
	if err != nil {
		return err
	}
	a, err := accounts.ParseURI(*uri)
	if err != nil {
		return fmt.Errorf("read URI: %w", err)
	}
	c, err := a.CodeAt(t)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.Stdout, c.Current)
	return nil
}

// ParseTime reads unix seconds or RFC 3339; empty means now.
func ParseTime(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return now, nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n < 0 {
			return time.Time{}, fmt.Errorf("time %q: before 1970", s)
		}
		return time.Unix(n, 0), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("time %q: want unix seconds or RFC 3339 like 2026-01-02T15:04:05Z", s)
	}
	return t, nil
}

// accountFlags are the fields of an account as flags, shared by `uri` and `add`.
type accountFlags struct {
	issuer, name, secret, algorithm, typ *string
	digits, period                       *int
	counter                              *uint64
}

func addAccountFlags(fs interface {
	String(string, string, string) *string
	Int(string, int, string) *int
	Uint64(string, uint64, string) *uint64
}) *accountFlags {
	return &accountFlags{
		issuer:    fs.String("issuer", "", "issuer (service name)"),
		name:      fs.String("name", "", "account name"),
		secret:    fs.String("secret", "", "base32 key"),
		algorithm: fs.String("algorithm", "SHA1", "SHA1, SHA256 or SHA512"),
		typ:       fs.String("type", "totp", "totp, hotp or steam"),
		digits:    fs.Int("digits", 0, "6, 7 or 8 (default 6; Steam 5)"),
		period:    fs.Int("period", 0, "seconds (default 30)"),
		counter:   fs.Uint64("counter", 0, "HOTP counter"),
	}
}

func (f *accountFlags) account() (accounts.Account, error) {
	if *f.secret == "" {
		return accounts.Account{}, usagef("need --secret")
	}
	if *f.issuer == "" && *f.name == "" {
		return accounts.Account{}, usagef("need --issuer or --name")
	}
	secret, err := accounts.DecodeSecret(*f.secret)
	if err != nil {
		return accounts.Account{}, err
	}
	typ, err := accounts.ParseType(*f.typ)
	if err != nil {
		return accounts.Account{}, err
	}
	alg, err := accounts.ParseAlgorithm(*f.algorithm)
	if err != nil {
		return accounts.Account{}, err
	}
	a := accounts.Account{Type: typ, Issuer: strings.TrimSpace(*f.issuer), Name: strings.TrimSpace(*f.name), Secret: secret,
		Algorithm: alg, Digits: *f.digits, Period: *f.period, Counter: *f.counter}
	if err := a.Prepare(); err != nil {
		return accounts.Account{}, err
	}
	return a, nil
}

func runURI(e *Env, args []string) error {
	fs := newFlags("uri")
	af := addAccountFlags(fs)
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	a, err := af.account()
	if err != nil {
		return err
	}
	fmt.Fprintln(e.Stdout, a.URI())
	return nil
}

func runMigration(e *Env, args []string) error {
	fs := newFlags("migration")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("need exactly one otpauth-migration:// URI")
	}
	m, err := accounts.ParseMigration(rest[0])
	if err != nil {
		return fmt.Errorf("read migration URI: %w", err)
	}
	if m.BatchSize > 1 {
		fmt.Fprintf(e.Stderr, "nidan: this is code %s of a multi-code export; scan the others too\n", m.Part())
	}
	for i := range m.Accounts {
		fmt.Fprintln(e.Stdout, m.Accounts[i].URI())
	}
	return nil
}

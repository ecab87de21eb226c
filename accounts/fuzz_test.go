package accounts

import (
	"strings"
	"testing"
	"time"
)

func FuzzParseURI(f *testing.F) {
	for _, s := range []string{
		"otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example",
		"otpauth://hotp/a?secret=jbsw-y3dp&counter=3&digits=8&algorithm=SHA512",
		"otpauth://steam/Steam:x?secret=JBSWY3DPEHPK3PXP",
		"otpauth://totp/a%3Ab:c%3Ad?secret=JBSWY3DPEHPK3PXP&period=60",
		"otpauth://totp/100%:me?secret=AAAA====",
		"otpauth://",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseURI(s)
		if err != nil {
			return
		}
		if err := a.Validate(); err != nil {
			t.Fatalf("ParseURI accepted an invalid account: %v", err)
		}
		if _, err := a.CodeAt(time.Unix(1_700_000_000, 0)); err != nil {
			t.Fatalf("accepted account cannot make a code: %v", err)
		}
		b, err := ParseURI(a.URI())
		if err != nil {
			t.Fatalf("URI() of %q does not parse: %v", s, err)
		}
		if b.Type != a.Type || b.Issuer != a.Issuer || b.Name != a.Name || string(b.Secret) != string(a.Secret) ||
			b.Algorithm != a.Algorithm || b.Digits != a.Digits || b.Period != a.Period || b.Counter != a.Counter {
			t.Fatalf("round trip of %q changed\n%+v\n%+v", s, a, b)
		}
	})
}

func FuzzParseMigration(f *testing.F) {
	f.Add(googleSample)
	f.Add(migrationURI([]otpParams{{secret: helloSecret, name: "B:bob", alg: 3, dig: 1, typ: 1, counter: 17}}, 2, 1, 5))
	f.Add("otpauth-migration://offline?data=CgA=")
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMigration(s)
		if err != nil {
			return
		}
		for _, a := range m.Accounts {
			if err := a.Validate(); err != nil {
				t.Fatalf("accepted invalid account: %v", err)
			}
			if strings.ContainsRune(a.Issuer, 0) && a.URI() == "" {
				t.Fatal("no URI")
			}
			if _, err := ParseURI(a.URI()); err != nil {
				t.Fatalf("migrated account's URI does not parse: %v", err)
			}
		}
	})
}

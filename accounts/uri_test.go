package accounts

import (
	"errors"
	"strings"
	"testing"
)

// JBSWY3DPEHPK3PXP is "Hello!\xde\xad\xbe\xef".
const helloKey = "JBSWY3DPEHPK3PXP"

var helloSecret = []byte("Hello!\xde\xad\xbe\xef")

func TestParseURIGood(t *testing.T) {
	tests := []struct {
		name, uri       string
		typ             Type
		issuer, account string
		alg             Algorithm
		digits, period  int
		counter         uint64
	}{
		{"google sample", "otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example", TOTP, "Example", "alice@google.com", SHA1, 6, 30, 0},
		{"minimal", "otpauth://totp/alice?secret=JBSWY3DPEHPK3PXP", TOTP, "", "alice", SHA1, 6, 30, 0},
		{"issuer only in label", "otpauth://totp/ACME:john?secret=JBSWY3DPEHPK3PXP", TOTP, "ACME", "john", SHA1, 6, 30, 0},
		{"issuer only in parameter", "otpauth://totp/john?secret=JBSWY3DPEHPK3PXP&issuer=ACME", TOTP, "ACME", "john", SHA1, 6, 30, 0},
		{"parameter wins over label", "otpauth://totp/Old:john?secret=JBSWY3DPEHPK3PXP&issuer=New", TOTP, "New", "john", SHA1, 6, 30, 0},
		{"url-encoded label", "otpauth://totp/ACME%20Co:john.doe%40email.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co", TOTP, "ACME Co", "john.doe@email.com", SHA1, 6, 30, 0},
		{"encoded colon", "otpauth://totp/ACME%3Ajohn?secret=JBSWY3DPEHPK3PXP", TOTP, "ACME", "john", SHA1, 6, 30, 0},
		{"space after colon", "otpauth://totp/ACME:%20john?secret=JBSWY3DPEHPK3PXP", TOTP, "ACME", "john", SHA1, 6, 30, 0},
		{"plus in issuer parameter", "otpauth://totp/john?secret=JBSWY3DPEHPK3PXP&issuer=ACME+Co", TOTP, "ACME Co", "john", SHA1, 6, 30, 0},
		{"lower-case secret", "otpauth://totp/a?secret=jbswy3dpehpk3pxp", TOTP, "", "a", SHA1, 6, 30, 0},
		{"secret with spaces", "otpauth://totp/a?secret=JBSW%20Y3DP%20EHPK%203PXP", TOTP, "", "a", SHA1, 6, 30, 0},
		{"secret with dashes", "otpauth://totp/a?secret=JBSW-Y3DP-EHPK-3PXP", TOTP, "", "a", SHA1, 6, 30, 0},
		{"secret with padding", "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP%3D%3D%3D", TOTP, "", "a", SHA1, 6, 30, 0},
		{"secret with raw padding", "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP===", TOTP, "", "a", SHA1, 6, 30, 0},
		{"upper-case scheme and type", "OTPAUTH://TOTP/a?secret=JBSWY3DPEHPK3PXP", TOTP, "", "a", SHA1, 6, 30, 0},
		{"sha256 8 digits", "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&algorithm=SHA256&digits=8", TOTP, "", "a", SHA256, 8, 30, 0},
		{"sha512 lower-case", "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&algorithm=sha512", TOTP, "", "a", SHA512, 6, 30, 0},
		{"algorithm with dash", "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&algorithm=SHA-256", TOTP, "", "a", SHA256, 6, 30, 0},
		{"7 digits 60 s", "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&digits=7&period=60", TOTP, "", "a", SHA1, 7, 60, 0},
		{"hotp with counter", "otpauth://hotp/a?secret=JBSWY3DPEHPK3PXP&counter=42", HOTP, "", "a", SHA1, 6, 0, 42},
		{"hotp without counter", "otpauth://hotp/a?secret=JBSWY3DPEHPK3PXP", HOTP, "", "a", SHA1, 6, 0, 0},
		{"steam type", "otpauth://steam/Steam:gabe?secret=JBSWY3DPEHPK3PXP", Steam, "Steam", "gabe", SHA1, 5, 30, 0},
		{"steam encoder", "otpauth://totp/Steam:gabe?secret=JBSWY3DPEHPK3PXP&issuer=Steam&encoder=steam", Steam, "Steam", "gabe", SHA1, 5, 30, 0},
		{"steam ignores digits", "otpauth://steam/gabe?secret=JBSWY3DPEHPK3PXP&digits=5", Steam, "", "gabe", SHA1, 5, 30, 0},
		{"unknown parameters", "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&image=https%3A%2F%2Fx%2Fy.png&color=red", TOTP, "", "a", SHA1, 6, 30, 0},
		{"parameters in any case", "otpauth://totp/a?SECRET=JBSWY3DPEHPK3PXP&Issuer=ACME&Digits=8", TOTP, "ACME", "a", SHA1, 8, 30, 0},
		{"empty label", "otpauth://totp/?secret=JBSWY3DPEHPK3PXP&issuer=ACME", TOTP, "ACME", "", SHA1, 6, 30, 0},
		{"no slash", "otpauth://totp?secret=JBSWY3DPEHPK3PXP&issuer=ACME", TOTP, "ACME", "", SHA1, 6, 30, 0},
		{"fragment dropped", "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP#x", TOTP, "", "a", SHA1, 6, 30, 0},
		{"surrounding whitespace", "  otpauth://totp/a?secret=JBSWY3DPEHPK3PXP\n", TOTP, "", "a", SHA1, 6, 30, 0},
		{"japanese label", "otpauth://totp/%E4%BA%8C%E6%AE%B5:%E5%A4%AA%E9%83%8E?secret=JBSWY3DPEHPK3PXP", TOTP, "二段", "太郎", SHA1, 6, 30, 0},
		{"raw utf-8 label", "otpauth://totp/二段:太郎?secret=JBSWY3DPEHPK3PXP", TOTP, "二段", "太郎", SHA1, 6, 30, 0},
		{"stray percent in label", "otpauth://totp/100%:me?secret=JBSWY3DPEHPK3PXP", TOTP, "100%", "me", SHA1, 6, 30, 0},
		{"empty issuer parameter keeps label", "otpauth://totp/ACME:me?secret=JBSWY3DPEHPK3PXP&issuer=", TOTP, "ACME", "me", SHA1, 6, 30, 0},
		{"semicolon separators", "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP;digits=8", TOTP, "", "a", SHA1, 8, 30, 0},
		{"repeated parameter first wins", "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&secret=AAAA", TOTP, "", "a", SHA1, 6, 30, 0},
		{"period with spaces", "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&period=%2045", TOTP, "", "a", SHA1, 6, 45, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := ParseURI(tt.uri)
			if err != nil {
				t.Fatalf("ParseURI: %v", err)
			}
			if a.Type != tt.typ || a.Issuer != tt.issuer || a.Name != tt.account || a.Algorithm != tt.alg ||
				a.Digits != tt.digits || a.Period != tt.period || a.Counter != tt.counter {
				t.Errorf("got %s %q %q %s %d %d %d", a.Type, a.Issuer, a.Name, a.Algorithm, a.Digits, a.Period, a.Counter)
			}
			if string(a.Secret) != string(helloSecret) {
				t.Errorf("secret %x", a.Secret)
			}
			if a.ID == "" || a.Created.IsZero() {
				t.Error("no ID or creation time")
			}
			assertRoundTrip(t, &a)
		})
	}
}

// assertRoundTrip checks that formatting and parsing again keeps the meaning.
func assertRoundTrip(t *testing.T, a *Account) {
	t.Helper()
	b, err := ParseURI(a.URI())
	if err != nil {
		t.Fatalf("ParseURI(URI()) = %v for %s", err, a.URI())
	}
	if b.Type != a.Type || b.Issuer != a.Issuer || b.Name != a.Name || string(b.Secret) != string(a.Secret) ||
		b.Algorithm != a.Algorithm || b.Digits != a.Digits || b.Period != a.Period || b.Counter != a.Counter {
		t.Errorf("round trip changed the account:\n%+v\n%+v", *a, b)
	}
}

func TestParseURIBad(t *testing.T) {
	tests := []struct {
		name, uri, field string
		err              error
	}{
		{"http url", "https://example.com/?secret=JBSWY3DPEHPK3PXP", "uri", ErrNotOTPAuth},
		{"plain text", "hello world", "uri", ErrNotOTPAuth},
		{"empty", "", "uri", ErrNotOTPAuth},
		{"migration uri", "otpauth-migration://offline?data=AAAA", "uri", ErrNotOTPAuth},
		{"unknown type", "otpauth://motp/a?secret=JBSWY3DPEHPK3PXP", "type", ErrUnknownType},
		{"missing secret", "otpauth://totp/a?issuer=ACME", "secret", ErrEmptySecret},
		{"empty secret", "otpauth://totp/a?secret=", "secret", ErrEmptySecret},
		{"only padding", "otpauth://totp/a?secret====", "secret", ErrEmptySecret},
		{"non-base32 secret", "otpauth://totp/a?secret=JBSWY3DPEHPK3PX1", "secret", ErrInvalidSecret},
		{"base64 secret", "otpauth://totp/a?secret=SGVsbG8h3q2%2B7w%3D%3D", "secret", ErrInvalidSecret},
		{"impossible base32 length", "otpauth://totp/a?secret=JBSWY3DPE", "secret", ErrInvalidSecret},
		{"digits 5", "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&digits=5", "digits", ErrDigits},
		{"digits 9", "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&digits=9", "digits", ErrDigits},
		{"digits word", "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&digits=six", "digits", ErrDigits},
		{"period 0", "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&period=0", "period", ErrPeriod},
		{"negative period", "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&period=-30", "period", ErrPeriod},
		{"huge period", "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&period=99999999999", "period", ErrPeriod},
		{"md5", "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&algorithm=MD5", "algorithm", ErrUnknownAlgorithm},
		{"unknown algorithm", "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&algorithm=SHA3", "algorithm", ErrUnknownAlgorithm},
		{"negative counter", "otpauth://hotp/a?secret=JBSWY3DPEHPK3PXP&counter=-1", "counter", ErrCounter},
		{"counter word", "otpauth://hotp/a?secret=JBSWY3DPEHPK3PXP&counter=ten", "counter", ErrCounter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseURI(tt.uri)
			if err == nil {
				t.Fatal("no error")
			}
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field {
				t.Errorf("error %q does not name field %q", err, tt.field)
			}
			if !errors.Is(err, tt.err) {
				t.Errorf("error %q is not %q", err, tt.err)
			}
			if strings.Contains(err.Error(), helloKey) && tt.field != "uri" {
				t.Errorf("error %q repeats the secret", err)
			}
		})
	}
}

func TestURIFormat(t *testing.T) {
	a := New(TOTP, "ACME Co", "john doe@x.com", helloSecret)
	want := "otpauth://totp/ACME%20Co:john%20doe@x.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME+Co&algorithm=SHA1&digits=6&period=30"
	if got := a.URI(); got != want {
		t.Errorf("URI() =\n%s, want\n%s", got, want)
	}
	h := New(HOTP, "", "x", helloSecret)
	h.Counter = 7
	if got := h.URI(); got != "otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP&algorithm=SHA1&digits=6&counter=7" {
		t.Errorf("HOTP URI() = %s", got)
	}
	// A colon inside the issuer or name must not move the split point.
	c := New(TOTP, "a:b", "c:d", helloSecret)
	assertRoundTrip(t, &c)
}

func TestDecodeSecret(t *testing.T) {
	for _, s := range []string{"JBSWY3DPEHPK3PXP", "jbsw y3dp ehpk 3pxp", "JBSW-Y3DP-EHPK-3PXP", "JBSWY3DPEHPK3PXP======", " jbswy3dpehpk3pxp\n"} {
		b, err := DecodeSecret(s)
		if err != nil || string(b) != string(helloSecret) {
			t.Errorf("DecodeSecret(%q) = %x, %v", s, b, err)
		}
	}
	if got := GroupSecret(helloSecret); got != "JBSW Y3DP EHPK 3PXP" {
		t.Errorf("GroupSecret = %q", got)
	}
	// The 1 KiB limit: exactly MaxSecretLen bytes pass, one more does not,
	// whether it comes as text, in a URI or straight into an Account.
	ok := EncodeSecret(make([]byte, MaxSecretLen))
	if b, err := DecodeSecret(ok); err != nil || len(b) != MaxSecretLen {
		t.Errorf("1 KiB secret: %d bytes, %v", len(b), err)
	}
	long := EncodeSecret(make([]byte, MaxSecretLen+1))
	if _, err := DecodeSecret(long); !errors.Is(err, ErrSecretTooLong) {
		t.Errorf("1 KiB + 1 secret: %v", err)
	}
	if _, err := DecodeSecret(strings.Repeat("A", 50<<20)); !errors.Is(err, ErrSecretTooLong) {
		t.Errorf("50 MB secret text: %v", err)
	}
	if _, err := ParseURI("otpauth://totp/x?secret=" + long); !errors.Is(err, ErrSecretTooLong) {
		t.Errorf("URI with a long secret: %v", err)
	}
	a := New(TOTP, "I", "n", make([]byte, MaxSecretLen+1))
	if err := a.Validate(); !errors.Is(err, ErrSecretTooLong) {
		t.Errorf("Validate of a long secret: %v", err)
	}
}

func TestAccountHelpers(t *testing.T) {
	a := New(TOTP, "GitHub", "octocat", helloSecret)
	if a.Label() != "GitHub (octocat)" {
		t.Errorf("Label = %q", a.Label())
	}
	a.Nickname = "work"
	if a.Label() != "work" || !a.Matches("WOR") || !a.Matches("git") || a.Matches("gitlab") {
		t.Error("Label/Matches with nickname")
	}
	b := a.Clone()
	b.Secret[0] ^= 1
	if a.Secret[0] == b.Secret[0] {
		t.Error("Clone shares the secret")
	}
	if a.SameKey(&b) {
		t.Error("SameKey with a different secret")
	}
	b.Secret[0] ^= 1
	b.ID = NewID()
	b.Issuer = "github"
	if !a.SameKey(&b) {
		t.Error("SameKey: same secret, issuer (any case) and name")
	}
}

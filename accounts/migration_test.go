package accounts

import (
	"encoding/base64"
	"errors"
	"net/url"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
)

// googleSample is the payload of a one-account export as Google Authenticator
// writes it: secret "Hello!\xde\xad\xbe\xef", name "Example:alice@google.com",
// issuer "Example", type TOTP, no batch fields.
const googleSample = "otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGEV4YW1wbGU6YWxpY2VAZ29vZ2xlLmNvbRoHRXhhbXBsZTAC"

func TestParseMigrationGoogleSample(t *testing.T) {
	m, err := ParseMigration(googleSample)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Accounts) != 1 {
		t.Fatalf("%d accounts", len(m.Accounts))
	}
	a := m.Accounts[0]
	if a.Issuer != "Example" || a.Name != "alice@google.com" || string(a.Secret) != string(helloSecret) ||
		a.Type != TOTP || a.Digits != 6 || a.Algorithm != SHA1 || a.Period != 30 {
		t.Errorf("got %+v", a)
	}
	if m.Part() != "1 of 1" {
		t.Errorf("Part() = %q", m.Part())
	}
}

type otpParams struct {
	secret        []byte
	name, issuer  string
	alg, dig, typ uint64
	counter       uint64
}

func migrationURI(params []otpParams, size, index, id int) string {
	var b []byte
	for _, p := range params {
		var o []byte
		o = protowire.AppendTag(o, 1, protowire.BytesType)
		o = protowire.AppendBytes(o, p.secret)
		o = protowire.AppendTag(o, 2, protowire.BytesType)
		o = protowire.AppendString(o, p.name)
		o = protowire.AppendTag(o, 3, protowire.BytesType)
		o = protowire.AppendString(o, p.issuer)
		for num, v := range map[protowire.Number]uint64{4: p.alg, 5: p.dig, 6: p.typ, 7: p.counter} {
			o = protowire.AppendTag(o, num, protowire.VarintType)
			o = protowire.AppendVarint(o, v)
		}
		b = protowire.AppendTag(b, 1, protowire.BytesType)
		b = protowire.AppendBytes(b, o)
	}
	for num, v := range map[protowire.Number]int{2: 1, 3: size, 4: index, 5: id} {
		b = protowire.AppendTag(b, num, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(v))
	}
	return "otpauth-migration://offline?data=" + url.QueryEscape(base64.StdEncoding.EncodeToString(b))
}

func TestParseMigrationBatchAndEnums(t *testing.T) {
	uri := migrationURI([]otpParams{
		{secret: helloSecret, name: "alice", issuer: "A", alg: 2, dig: 2, typ: 2},
		{secret: []byte("12345678901234567890"), name: "B:bob", alg: 3, dig: 1, typ: 1, counter: 17},
		{secret: []byte("xyz"), name: "carol", alg: 0, dig: 0, typ: 0},
	}, 3, 1, 77)
	m, err := ParseMigration(uri)
	if err != nil {
		t.Fatal(err)
	}
	if m.BatchSize != 3 || m.BatchIndex != 1 || m.BatchID != 77 || m.Part() != "2 of 3" {
		t.Errorf("batch %d/%d id %d", m.BatchIndex, m.BatchSize, m.BatchID)
	}
	if len(m.Accounts) != 3 {
		t.Fatalf("%d accounts", len(m.Accounts))
	}
	a, b, c := m.Accounts[0], m.Accounts[1], m.Accounts[2]
	if a.Algorithm != SHA256 || a.Digits != 8 || a.Type != TOTP || a.Issuer != "A" {
		t.Errorf("a: %+v", a)
	}
	if b.Algorithm != SHA512 || b.Digits != 6 || b.Type != HOTP || b.Counter != 17 || b.Issuer != "B" || b.Name != "bob" {
		t.Errorf("b: %+v", b)
	}
	if c.Algorithm != SHA1 || c.Digits != 6 || c.Type != TOTP {
		t.Errorf("c (unspecified enums): %+v", c)
	}
}

func TestParseMigrationBad(t *testing.T) {
	for name, uri := range map[string]string{
		"otpauth uri":       "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP",
		"no data":           "otpauth-migration://offline",
		"empty data":        "otpauth-migration://offline?data=",
		"not base64":        "otpauth-migration://offline?data=%%%%",
		"truncated":         googleSample[:len(googleSample)-8],
		"md5":               migrationURI([]otpParams{{secret: helloSecret, name: "x", alg: 4, typ: 2}}, 1, 0, 1),
		"unknown digits":    migrationURI([]otpParams{{secret: helloSecret, name: "x", dig: 9, typ: 2}}, 1, 0, 1),
		"unknown type":      migrationURI([]otpParams{{secret: helloSecret, name: "x", typ: 5}}, 1, 0, 1),
		"empty secret":      migrationURI([]otpParams{{name: "x", typ: 2}}, 1, 0, 1),
		"index beyond size": migrationURI([]otpParams{{secret: helloSecret, name: "x", typ: 2}}, 2, 2, 1),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseMigration(uri); err == nil {
				t.Error("no error")
			}
		})
	}
	if _, err := ParseMigration("otpauth://totp/x"); !errors.Is(err, ErrNotMigration) {
		t.Errorf("otpauth URI: %v", err)
	}
}

func TestMigrationURIsRoundTrip(t *testing.T) {
	var in []Account
	for i := range 25 {
		a := New(TOTP, "Issuer", "user"+string(rune('a'+i)), []byte{byte(i), 1, 2, 3, 4, 5, 6, 7, 8, 9})
		if i%5 == 0 {
			a.Type, a.Period, a.Counter = HOTP, 0, uint64(i)
		}
		if i%3 == 0 {
			a.Algorithm, a.Digits = SHA256, 8
		}
		in = append(in, a)
	}
	uris, err := MigrationURIs(in, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(uris) != 3 {
		t.Fatalf("%d codes for 25 accounts at 10 a code", len(uris))
	}
	var out []Account
	var batchID int
	for i, u := range uris {
		m, err := ParseMigration(u)
		if err != nil {
			t.Fatal(err)
		}
		if m.BatchSize != 3 || m.BatchIndex != i || (i > 0 && m.BatchID != batchID) {
			t.Errorf("code %d: batch %d/%d id %d", i, m.BatchIndex, m.BatchSize, m.BatchID)
		}
		batchID = m.BatchID
		out = append(out, m.Accounts...)
	}
	for i := range in {
		if !in[i].SameKey(&out[i]) || in[i].Type != out[i].Type || in[i].Digits != out[i].Digits ||
			in[i].Algorithm != out[i].Algorithm || in[i].Counter != out[i].Counter {
			t.Errorf("account %d changed: %+v → %+v", i, in[i], out[i])
		}
	}
	steam := New(Steam, "Steam", "x", helloSecret)
	if _, err := MigrationURIs([]Account{steam}, 10); err == nil {
		t.Error("a Steam account was exported to a format that cannot describe it")
	}
}

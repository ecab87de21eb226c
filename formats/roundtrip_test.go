package formats

import (
	"bytes"
	"cmp"
	"errors"
	"testing"

	"github.com/nidan-auth/nidan/accounts"
)

// Every writer's output imports back, by detection alone, as the accounts
// written (groups and presentation aside). Formats that cannot carry a kind
// of code say so with an error rather than drop the account.
func TestWritersRoundTrip(t *testing.T) {
	lowExportCost(t)
	for _, f := range Writers() {
		if f.WritesFolder() || f.Name == FormatNidan { // QR images: export_test.go; Nidan: vault's tests
			continue
		}
		t.Run(f.Name, func(t *testing.T) {
			accts := exportAccounts()
			var pw []byte
			if f.WritePassword == PasswordRequired {
				pw = []byte("round trip")
			}
			var buf bytes.Buffer
			err := f.Write(&buf, List(accts), pw)
			if errors.Is(err, errCXFKind) {
				accts = onlyTOTP(accts)
				buf.Reset()
				err = f.Write(&buf, List(accts), pw)
			}
			if errors.Is(err, errNoHOTP) {
				accts = dropHOTP(accts)
				buf.Reset()
				err = f.Write(&buf, List(accts), pw)
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := DetectFormat(buf.Bytes())
			if err != nil || got.Name != cmp.Or(f.readBy, f.Name) {
				t.Fatalf("written file detected as %q, %v", got.Name, err)
			}
			back, err := Import(buf.Bytes(), "", func() ([]byte, error) { return pw, nil })
			if err != nil {
				t.Fatal(err)
			}
			for i := range accts { // groups travel in some formats only
				accts[i].Group = ""
			}
			for i := range back {
				back[i].Group = ""
			}
			if g, w := render(back), render(accts); g != w {
				t.Errorf("round trip differs:\ngot:\n%s\nwant:\n%s", g, w)
			}
		})
	}
}

func dropHOTP(accts []accounts.Account) []accounts.Account {
	var out []accounts.Account
	for _, a := range accts {
		if a.Type != accounts.HOTP {
			out = append(out, a)
		}
	}
	return out
}

func onlyTOTP(accts []accounts.Account) []accounts.Account {
	var out []accounts.Account
	for _, a := range accts {
		if a.Type == accounts.TOTP {
			out = append(out, a)
		}
	}
	return out
}

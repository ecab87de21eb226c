package replica

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/nidan-auth/nidan/accounts"
)

// The logo fields (docs/vault-format.md, "Account fields: the logo") go
// with the winning copy of an account, survive the payload's JSON, and are
// not shared with the inputs.
func TestMergeCarriesLogo(t *testing.T) {
	icon := []byte("<svg xmlns='http://www.w3.org/2000/svg'/>")
	old := accounts.Account{ID: "x", Secret: []byte("k"), Issuer: "Initech"}
	edited := old
	edited.Logo, edited.Icon, edited.IconMIME = "icon", append([]byte(nil), icon...), "image/svg+xml"
	a := State{Accounts: []Entry{{Account: old, Stamp: Stamp{1, 0, "a1b2c3d4e5f60718"}}}}
	b := State{Accounts: []Entry{{Account: edited, Stamp: Stamp{2, 0, "0f1e2d3c4b5a6978"}}}}
	for _, m := range []State{Merge(a, b), Merge(b, a)} {
		got := m.Accounts[0]
		if got.Logo != "icon" || !bytes.Equal(got.Icon, icon) || got.IconMIME != "image/svg+xml" {
			t.Fatalf("merged account %+v lost the icon", got.Account)
		}
		got.Icon[0] = 'X'
		if b.Accounts[0].Icon[0] != '<' {
			t.Fatal("the merge shares the icon's bytes with its input")
		}
		js, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		var back State
		if err := json.Unmarshal(js, &back); err != nil {
			t.Fatal(err)
		}
		if back.Accounts[0].Logo != "icon" || back.Accounts[0].IconMIME != "image/svg+xml" || len(back.Accounts[0].Icon) != len(icon) {
			t.Fatalf("round trip lost the logo: %s", js)
		}
	}
	// A simple-icons choice made later on the other side wins the same way.
	edited2 := old
	edited2.Logo = "simple-icons:github"
	c := State{Accounts: []Entry{{Account: edited2, Stamp: Stamp{3, 0, "a1b2c3d4e5f60718"}}}}
	if m := Merge(Merge(a, b), c); m.Accounts[0].Logo != "simple-icons:github" || m.Accounts[0].Icon != nil {
		t.Fatalf("later choice: %+v", m.Accounts[0].Account)
	}
}

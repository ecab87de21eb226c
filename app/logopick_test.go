package app

import (
	"bytes"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/formats"
	"github.com/nidan-auth/nidan/internal/brandlogo"
)

// findLogoSearch returns the details screen's logo search.
func findLogoSearch(t *testing.T, u *ui) (*widget.Entry, []*logoPick) {
	t.Helper()
	var e *widget.Entry
	var picks []*logoPick
	walk(u.win.Content(), func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Entry:
			if w.PlaceHolder == "Search logo by app" {
				e = w
			}
		case *logoPick:
			picks = append(picks, w)
		}
	})
	if e == nil {
		t.Fatalf("no logo search; window shows %q", texts(u.win.Content()))
	}
	return e, picks
}

// Adding an account suggests its issuer's logo; the search finds others by
// name or alias and a tap chooses one; a colour swatch chooses the letter.
// The choice is saved with the account.
func TestDetailsLogoSearch(t *testing.T) {
	u, _ := newUnlockedUI(t)
	u.showNewAccount(testAccount(t, "Proton Mail", "me@proton.me", "JBSWY3DPEHPK3PXP"))
	e, picks := findLogoSearch(t, u)
	if e.Text != "Proton Mail" || len(picks) == 0 || picks[0].key != "protonmail" {
		t.Fatalf("search %q shows %d logos", e.Text, len(picks))
	}
	if picks[0].ring.StrokeWidth == 0 {
		t.Error("the suggested logo is not marked as chosen")
	}
	test.Tap(button(t, u, "Save"))
	got := u.vault.Accounts()
	if len(got) != 1 || got[0].Logo != brandlogo.Prefix+"protonmail" {
		t.Fatalf("saved logo %q", got[0].Logo)
	}

	// Edit: search "twitter" (an alias), choose X.
	u.onEdit(got[0].ID)
	e, _ = findLogoSearch(t, u)
	e.SetText("twitter")
	_, picks = findLogoSearch(t, u)
	var x *logoPick
	for _, p := range picks {
		if p.key == "x" {
			x = p
		}
	}
	if x == nil {
		t.Fatal("searching twitter does not offer X")
	}
	test.Tap(x)
	test.Tap(button(t, u, "Save"))
	if a, _ := u.vault.Account(got[0].ID); a.Logo != brandlogo.Prefix+"x" {
		t.Fatalf("logo %q, want X's", a.Logo)
	}

	// A colour: the letter on it, whatever the issuer.
	u.onEdit(got[0].ID)
	var sw *swatch
	walk(u.win.Content(), func(o fyne.CanvasObject) {
		if s, ok := o.(*swatch); ok && sw == nil {
			sw = s
		}
	})
	test.Tap(sw)
	test.Tap(button(t, u, "Save"))
	a, _ := u.vault.Account(got[0].ID)
	if a.Logo != brandlogo.Generic || a.Color != palette()[0] {
		t.Fatalf("logo %q colour %q, want generic on %s", a.Logo, a.Color, palette()[0])
	}
	u.showList()
	if l := rowFor(t, u, a.ID).logo; l.brand != "" || l.letter.Text != "P" {
		t.Fatalf("the list draws %q / %q", l.brand, l.letter.Text)
	}

	// No such brand: the search says so.
	u.onEdit(a.ID)
	e, _ = findLogoSearch(t, u)
	e.SetText("zzqqxx")
	mustShow(t, u, "No logo found: choose a colour for the letter.")
}

// Imported accounts get their brand's logo stored; others keep none.
func TestImportSuggestsLogos(t *testing.T) {
	u, _ := newUnlockedUI(t)
	var buf bytes.Buffer
	formats.ExportURIs(&buf, []accounts.Account{
		testAccount(t, "GitHub", "x", "JBSWY3DPEHPK3PXP"),
		testAccount(t, "Initech", "y", "GEZDGNBVGY3TQOJQ"),
	})
	u.importData(buf.Bytes(), "")
	test.Tap(button(t, u, "Add selected"))
	byIssuer := map[string]string{}
	for _, a := range u.vault.Accounts() {
		byIssuer[a.Issuer] = a.Logo
	}
	if byIssuer["GitHub"] != brandlogo.Prefix+"github" || byIssuer["Initech"] != "" {
		t.Fatalf("logos after import: %v", byIssuer)
	}
}

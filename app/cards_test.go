package app

import (
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// cardFor is the wide layout's card of an account.
func cardFor(t *testing.T, u *ui, id string) *row {
	t.Helper()
	for _, r := range u.list.rows {
		if r.card && r.acct.ID == id {
			return r
		}
	}
	t.Fatalf("no card shows account %s", id)
	return nil
}

// At 900 points and wider the list becomes cards; a click on a card, Enter
// on the grid and the card's menu work as on a row; narrower, rows again.
func TestWideLayoutCards(t *testing.T) {
	accts := demoAccounts(t)
	u, _ := newUnlockedUI(t, accts...)
	u.showList()
	if u.list.wide || !u.list.list.Visible() {
		t.Fatal("480 points wide: rows expected")
	}
	u.win.Resize(fyne.NewSize(1000, 640))
	u.win.Content().Refresh()
	if !u.list.wide || u.list.list.Visible() || !u.list.grid.Visible() {
		t.Fatalf("1000 points wide: wide %v, list %v, grid %v", u.list.wide, u.list.list.Visible(), u.list.grid.Visible())
	}
	if cols := u.list.grid.ColumnCount(); cols < 3 {
		t.Errorf("%d columns at 1000 points", cols)
	}
	c := cardFor(t, u, accts[1].ID) // Google
	if c.logo.brand != "google" || c.code.TextSize <= rowFor(t, u, accts[1].ID).code.TextSize {
		t.Errorf("card: logo %q, code size %v", c.logo.brand, c.code.TextSize)
	}
	if c.code.Color != c.tint {
		t.Errorf("Google's card code %v, want its brand colour %v", c.code.Color, c.tint)
	}

	cb := fyne.CurrentApp().Clipboard()
	want, _ := accts[1].CodeAt(testNow)
	test.Tap(c)
	if cb.Content() != want.Current {
		t.Fatalf("click on the card copied %q, want %q", cb.Content(), want.Current)
	}
	cb.SetContent("")
	u.win.Canvas().Focus(u.list.grid)
	u.list.grid.TypedKey(&fyne.KeyEvent{Name: fyne.KeyRight}) // from the first card to the second
	u.list.grid.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if cb.Content() != want.Current {
		t.Fatalf("Enter on the second card copied %q, want %q", cb.Content(), want.Current)
	}
	test.TapSecondary(c)
	if over := u.win.Canvas().Overlays().Top(); over == nil {
		t.Fatal("right click on a card opened no menu")
	} else {
		u.win.Canvas().Overlays().Remove(over)
	}

	if dir := os.Getenv("NIDAN_SCREENSHOTS"); dir != "" {
		u.win.Content().Refresh()
		savePNG(t, filepath.Join(dir, "en-light-17-wide.png"), u.win.Canvas().Capture())
	}

	u.win.Canvas().Focus(u.list.grid)
	u.win.Resize(fyne.NewSize(700, 640))
	u.win.Content().Refresh()
	if u.list.wide || !u.list.list.Visible() || u.list.grid.Visible() {
		t.Fatal("700 points wide: rows expected again")
	}
	if u.win.Canvas().Focused() != fyne.Focusable(u.list.list) {
		t.Error("the keyboard focus did not move from the grid to the list")
	}
}

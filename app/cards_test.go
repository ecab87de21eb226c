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

// The cards share the grid's width: as many columns as cards of the least
// width fit, each card as wide as its share, no empty strip at the right;
// resizing does not pile up cards in the list's rows.
func TestWideCardsFillWidth(t *testing.T) {
	accts := demoAccounts(t)
	u, _ := newUnlockedUI(t, accts...)
	u.showList()
	pad := u.list.grid.Theme().Size("padding")
	for _, c := range []struct {
		win  float32
		cols int
	}{{900, 3}, {1000, 3}, {1400, 4}, {1000, 3}, {900, 3}} {
		u.win.Resize(fyne.NewSize(c.win, 640))
		u.win.Content().Refresh()
		g := u.list.grid
		gw := g.Size().Width
		cols := g.ColumnCount()
		card := cardFor(t, u, accts[0].ID)
		cw := card.Size().Width
		if cols != c.cols {
			t.Errorf("%v points: %d columns, want %d", c.win, cols, c.cols)
		}
		if cw < cardMinWidth || cw > cardMaxWidth {
			t.Errorf("%v points: cards %v wide, want %d to %d", c.win, cw, cardMinWidth, cardMaxWidth)
		}
		used := float32(cols)*cw + float32(cols-1)*pad
		if used > gw || gw-used >= float32(cols) {
			t.Errorf("%v points: %d cards of %v use %v of the grid's %v", c.win, cols, cw, used, gw)
		}
		t.Logf("%v points: grid %v, %d columns of %v", c.win, gw, cols, cw)
	}
	if n := len(u.list.rows); n > 2*len(accts) {
		t.Errorf("%d rows and cards kept for %d accounts after resizing", n, len(accts))
	}
}

package app

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"

	"github.com/nidan-auth/nidan/accounts"
)

// The row's looks defects of issue 10: the avatar sits inside the same
// padding as the texts, the code and the ⋮ button stay clear of the
// scroll bar (which widens over the right edge on hover), and the ⋮
// appearing on hover does not move the code.
func TestRowLooks(t *testing.T) {
	a := testAccount(t, "GitHub", "alice", "JBSWY3DPEHPK3PXP")
	u, _ := newUnlockedUI(t, a)
	u.showList()
	r := rowFor(t, u, a.ID)
	th := r.Theme()
	if x := r.logo.Position().X; x < th.Size(theme.SizeNameInnerPadding) {
		t.Errorf("avatar at x=%v touches the row's edge", x)
	}
	bar := th.Size(theme.SizeNameScrollBar)
	limit := r.Size().Width - bar
	if end := r.code.Position().X + r.code.Size().Width; end > limit {
		t.Errorf("code ends at %v, under the scroll bar (from %v)", end, limit)
	}
	codeX := r.code.Position().X
	r.MouseIn(nil)
	if !r.menu.Visible() {
		t.Fatal("hover shows no menu button")
	}
	if end := r.menu.Position().X + r.menu.Size().Width; end > limit {
		t.Errorf("menu button ends at %v, under the scroll bar (from %v)", end, limit)
	}
	if r.code.Position().X != codeX {
		t.Errorf("the menu button moved the code from %v to %v", codeX, r.code.Position().X)
	}
	r.MouseOut()
}

// TestListTextStyles: the list screen draws its texts in no more than the
// regular, bold and monospace styles (and the small symbol font). Fyne
// parses every font again for each distinct style it meets, the bundled
// 4 MB emoji font and a system font among them, and keeps them for the
// session: a fourth style such as Monospace+Bold, which Fyne draws with
// the very glyphs of Monospace, cost about 6 MB of RSS (docs/gui.md,
// "make bench-ui").
func TestListTextStyles(t *testing.T) {
	hotp := testAccount(t, "Example", "counter", "JBSWY3DPEHPK3PXP")
	hotp.Type = accounts.HOTP
	u, now := newUnlockedUI(t, testAccount(t, "GitHub", "alice", "JBSWY3DPEHPK3PXP"), hotp)
	u.showList()
	// The last seconds of a period show the countdown and the next code.
	*now = now.Truncate(30 * time.Second).Add(27 * time.Second)
	u.tick(*now)
	allowed := map[fyne.TextStyle]bool{{}: true, {Bold: true}: true, {Monospace: true}: true, {Symbol: true}: true}
	seen := map[fyne.TextStyle]bool{}
	walk(u.win.Content(), func(o fyne.CanvasObject) {
		if tx, ok := o.(*canvas.Text); ok && tx.Text != "" {
			seen[tx.TextStyle] = true
			if !allowed[tx.TextStyle] {
				t.Errorf("text %q drawn in style %+v", tx.Text, tx.TextStyle)
			}
		}
	})
	if !seen[fyne.TextStyle{Monospace: true}] || !seen[fyne.TextStyle{Bold: true}] {
		t.Errorf("the walk missed the rows' texts: styles seen %v", seen)
	}
}

// In the last seconds the next code joins the countdown line and widens
// the code column; only the account name beside it may yield, not the
// issuer on the code's line (on a 360 pt phone "GitHub" turned "GitH…"
// for the last 5 s of every period).
func TestNextCodeLeavesTheIssuer(t *testing.T) {
	a := testAccount(t, "GitHub", "alice.long.name@example.com", "JBSWY3DPEHPK3PXP")
	u, _ := newUnlockedUI(t, a)
	// As narrow as the names fit beside the code: a 360 pt phone's row
	// in its larger phone fonts.
	u.win.Resize(fyne.NewSize(310, 640))
	r := rowFor(t, u, a.ID)
	u.tick(testNow) // 10 s left: no next code
	r.rend.Layout(r.Size())
	title := r.title.Text
	if r.next.Visible() {
		t.Fatal("the next code shows 10 s before the change")
	}
	u.tick(testNow.Add(6 * time.Second)) // 4 s left
	r.rend.Layout(r.Size())
	if !r.next.Visible() {
		t.Fatal("no next code 4 s before the change")
	}
	if r.title.Text != title {
		t.Errorf("with the next code on show the issuer reads %q, before %q", r.title.Text, title)
	}
	if end := r.sub.Position().X + fyne.MeasureText(r.sub.Text, r.sub.TextSize, r.sub.TextStyle).Width; end > r.next.Position().X {
		t.Errorf("the account name (%q, to x=%.0f) runs into the next code (x=%.0f)", r.sub.Text, end, r.next.Position().X)
	}
}

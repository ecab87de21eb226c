package app

import (
	"testing"

	"fyne.io/fyne/v2/theme"
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

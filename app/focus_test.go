package app

import (
	"image/color"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/nidan-auth/nidan/internal/brandlogo"
)

// A focused button is tinted with the focus colour. Fyne's own (the primary
// colour at half alpha) left a focused blue button exactly as blue; the
// app's tint must be seen on blue and on grey buttons in both themes.
func TestFocusedButtonsStandOut(t *testing.T) {
	bothThemes(func(choice string, th fyne.Theme, v fyne.ThemeVariant) {
		focus := th.Color(theme.ColorNameFocus, v)
		for _, bg := range []fyne.ThemeColorName{theme.ColorNamePrimary, theme.ColorNameButton} {
			base := th.Color(bg, v)
			tinted := over(focus, base)
			if r := brandlogo.ContrastRatio(tinted, base); r < 1.3 {
				t.Errorf("%s theme: a focused %s button is %v on %v, contrast %.2f: focus cannot be seen", choice, bg, tinted, base, r)
			}
		}
	})
}

// bothThemes calls f with the app's light and dark themes.
func bothThemes(f func(choice string, th fyne.Theme, v fyne.ThemeVariant)) {
	for _, choice := range []string{"light", "dark"} {
		v := theme.VariantDark
		if choice == "light" {
			v = theme.VariantLight
		}
		f(choice, themeFor(choice), v)
	}
}

// An unticked check box is drawn in the input border colour: it must stand
// out 3:1 (WCAG's minimum for a control) on the window and input
// backgrounds of both themes (Fyne's light one was 1.3:1).
func TestCheckBoxOutlineSeen(t *testing.T) {
	bothThemes(func(choice string, th fyne.Theme, v fyne.ThemeVariant) {
		line := th.Color(theme.ColorNameInputBorder, v)
		for _, bg := range []fyne.ThemeColorName{theme.ColorNameBackground, theme.ColorNameInputBackground} {
			if r := brandlogo.ContrastRatio(line, th.Color(bg, v)); r < 3 {
				t.Errorf("%s theme: the outline %v on %s has contrast %.2f, want 3", choice, line, bg, r)
			}
		}
	})
}

// over blends a translucent colour onto an opaque one.
func over(top, bottom color.Color) color.Color {
	tr, tg, tb, ta := top.RGBA()
	br, bg, bb, _ := bottom.RGBA()
	mix := func(t, b uint32) uint8 { return uint8((t + b*(0xffff-ta)/0xffff) >> 8) }
	return color.NRGBA{R: mix(tr, br), G: mix(tg, bg), B: mix(tb, bb), A: 0xff}
}

// The Menu key (and Shift+F10) opens the focused row's menu; Escape closes
// it and gives the focus back to the list, so the arrows carry on from the
// same row (it was left with nothing focused).
func TestMenuKeyOpensRowMenuAndEscapeReturns(t *testing.T) {
	if isMobile() {
		t.Skip("a phone has no Menu key, and Fyne's menus there do not take the keys")
	}
	a := testAccount(t, "GitHub", "alice", "JBSWY3DPEHPK3PXP")
	b := testAccount(t, "Example", "bob", "GEZDGNBVGY3TQOJQ")
	u, _ := newUnlockedUI(t, a, b)
	c := u.win.Canvas()
	c.Focus(u.list.codes())
	list := u.list.codes().(*codeList)
	list.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	for _, open := range []func(){
		func() { list.TypedKey(&fyne.KeyEvent{Name: desktop.KeyMenu}) },
		func() {
			list.KeyDown(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
			list.TypedKey(&fyne.KeyEvent{Name: fyne.KeyF10})
			list.KeyUp(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
		},
	} {
		open()
		m, ok := c.Focused().(*widget.PopUpMenu) // the keys go to the menu, as in the real window
		if !ok || c.Overlays().Top() == nil {
			t.Fatalf("no row menu has the keys: %T", c.Focused())
		}
		if !slices.Contains(texts(c.Overlays().Top()), tr("Show QR code…")) {
			t.Fatalf("the menu is not the row's: %q", texts(c.Overlays().Top()))
		}
		m.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
		if top := c.Overlays().Top(); top != nil && top.Visible() {
			t.Fatalf("Escape left %T open", top)
		}
		if c.Focused() != list {
			t.Fatalf("after the menu the focus is on %T, not on the list", c.Focused())
		}
	}
}

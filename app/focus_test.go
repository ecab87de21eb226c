package app

import (
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/nidan-auth/nidan/internal/brandlogo"
)

// A focused button is tinted with the focus colour. Fyne's own (the primary
// colour at half alpha) left a focused blue button exactly as blue; the
// app's tint must be seen on blue and on grey buttons in both themes.
func TestFocusedButtonsStandOut(t *testing.T) {
	for _, choice := range []string{"light", "dark"} {
		th := themeFor(choice)
		v := theme.VariantDark
		if choice == "light" {
			v = theme.VariantLight
		}
		focus := th.Color(theme.ColorNameFocus, v)
		for _, bg := range []fyne.ThemeColorName{theme.ColorNamePrimary, theme.ColorNameButton} {
			base := th.Color(bg, v)
			tinted := over(focus, base)
			if r := brandlogo.ContrastRatio(tinted, base); r < 1.3 {
				t.Errorf("%s theme: a focused %s button is %v on %v, contrast %.2f: focus cannot be seen", choice, bg, tinted, base, r)
			}
		}
	}
}

// over blends a translucent colour onto an opaque one.
func over(top, bottom color.Color) color.Color {
	tr, tg, tb, ta := top.RGBA()
	br, bg, bb, _ := bottom.RGBA()
	mix := func(t, b uint32) uint8 { return uint8((t + b*(0xffff-ta)/0xffff) >> 8) }
	return color.NRGBA{R: mix(tr, br), G: mix(tg, bg), B: mix(tb, bb), A: 0xff}
}

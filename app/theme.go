package app

import (
	"fmt"
	"hash/fnv"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// variantTheme is the default theme with light or dark forced, for the
// "theme" setting; "system" uses the default theme unchanged.
type variantTheme struct {
	fyne.Theme
	variant fyne.ThemeVariant
}

func (t variantTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.variant)
}

func themeFor(choice string) fyne.Theme {
	switch choice {
	case "light":
		return variantTheme{Theme: theme.DefaultTheme(), variant: theme.VariantLight}
	case "dark":
		return variantTheme{Theme: theme.DefaultTheme(), variant: theme.VariantDark}
	}
	return theme.DefaultTheme()
}

func (u *ui) applyTheme() { u.app.Settings().SetTheme(themeFor(u.prefs.theme())) }

// palette is the choice of logo colours: fyne's named primary colours, so
// that they fit both variants of the theme.
func palette() []string { return theme.PrimaryColorNames() }

// colorHex is the "#rrggbb" form Account.Color stores.
func colorHex(c color.Color) string {
	r, g, b, _ := c.RGBA()
	return fmt.Sprintf("#%02x%02x%02x", r>>8, g>>8, b>>8)
}

// paletteHex returns the stored form of a palette colour.
func paletteHex(name string) string { return colorHex(theme.PrimaryColorNamed(name)) }

// accountColor is the logo colour of an account: its chosen colour, or one
// of the palette picked from its ID so that it stays the same.
func accountColor(hex, id string) color.Color {
	if c, ok := parseHex(hex); ok {
		return c
	}
	h := fnv.New32a()
	h.Write([]byte(id))
	names := palette()
	return theme.PrimaryColorNamed(names[int(h.Sum32()%uint32(len(names)))])
}

func parseHex(s string) (color.Color, bool) {
	var r, g, b uint8
	if len(s) != 7 || s[0] != '#' {
		return nil, false
	}
	if _, err := fmt.Sscanf(s, "#%02x%02x%02x", &r, &g, &b); err != nil {
		return nil, false
	}
	return color.NRGBA{R: r, G: g, B: b, A: 0xff}, true
}

// logo is the generic account logo: the first letter on a coloured circle.
type logo struct {
	widget.BaseWidget
	circle *canvas.Circle
	letter *canvas.Text
}

var _ fyne.Widget = (*logo)(nil)

func newLogo() *logo {
	l := &logo{circle: &canvas.Circle{}, letter: &canvas.Text{TextStyle: fyne.TextStyle{Bold: true}, Alignment: fyne.TextAlignCenter}}
	l.ExtendBaseWidget(l)
	return l
}

// set changes the letter and colour, refreshing only what changed.
func (l *logo) set(label, hex, id string) {
	letter := "?"
	for _, r := range label {
		letter = string(r)
		break
	}
	c := accountColor(hex, id)
	if l.letter.Text != letter {
		l.letter.Text = letterUpper(letter)
		l.letter.Refresh()
	}
	if l.circle.FillColor != c {
		l.circle.FillColor = c
		l.circle.Refresh()
	}
}

func letterUpper(s string) string {
	if len(s) == 1 && s[0] >= 'a' && s[0] <= 'z' {
		return string(s[0] - 'a' + 'A')
	}
	return s
}

func (l *logo) CreateRenderer() fyne.WidgetRenderer {
	return &logoRenderer{l: l}
}

type logoRenderer struct{ l *logo }

func (r *logoRenderer) side() float32 {
	th := r.l.Theme()
	return th.Size(theme.SizeNameInlineIcon) + 2*th.Size(theme.SizeNamePadding)
}

func (r *logoRenderer) Layout(s fyne.Size) {
	d := r.side()
	pos := fyne.NewPos((s.Width-d)/2, (s.Height-d)/2)
	r.l.circle.Move(pos)
	r.l.circle.Resize(fyne.NewSquareSize(d))
	r.l.letter.TextSize = r.l.Theme().Size(theme.SizeNameSubHeadingText)
	if r.l.letter.Color == nil {
		r.l.letter.Color = r.l.Theme().Color(theme.ColorNameForegroundOnPrimary, fyne.CurrentApp().Settings().ThemeVariant())
	}
	ts := r.l.letter.MinSize()
	r.l.letter.Move(fyne.NewPos((s.Width-ts.Width)/2, (s.Height-ts.Height)/2))
	r.l.letter.Resize(ts)
}

func (r *logoRenderer) MinSize() fyne.Size { return fyne.NewSquareSize(r.side()) }
func (r *logoRenderer) Refresh() {
	r.l.letter.Color = r.l.Theme().Color(theme.ColorNameForegroundOnPrimary, fyne.CurrentApp().Settings().ThemeVariant())
	r.Layout(r.l.Size())
	canvas.Refresh(r.l)
}
func (r *logoRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.l.circle, r.l.letter}
}
func (r *logoRenderer) Destroy() {}

package app

import (
	"image/color"
	"runtime/debug"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/internal/brandlogo"
	"github.com/nidan-auth/nidan/internal/iconpack"
)

// logos is the app's brand-logo catalogue (internal/brandlogo) and the SVG
// resources drawn from it, made once per logo and kept: the list reuses a
// few rows for many accounts, and a resource of the same name lets fyne
// reuse its rasterised texture.
type logos struct {
	cat *brandlogo.Catalog
	res map[string]fyne.Resource // by slug; UI goroutine only

	packs     []*iconpack.Pack // the imported icon packs (iconpacks.go)
	packsRead bool
}

// newLogos decodes the catalogue off the UI goroutine (about a quarter of a
// second); until then avatars show letters, and onReady runs on the UI
// goroutine once the logos can be drawn. With sync (tests, Options.Sync)
// it decodes before it returns, and no goroutine touches the UI.
func newLogos(cat *brandlogo.Catalog, sync bool, onReady func()) *logos {
	if cat == nil {
		cat = brandlogo.New()
	}
	l := &logos{cat: cat, res: map[string]fyne.Resource{}}
	if sync {
		if err := cat.Load(); err != nil {
			fyne.LogError("brand logos", err)
		}
		return l
	}
	go func() {
		err := l.cat.Load()
		// Decoding grows the heap ~11 MB past the ~5 MB the catalogue
		// keeps (BenchmarkLoadHeap): hand that back now rather than carry
		// it in the idle RSS.
		debug.FreeOSMemory()
		if err != nil {
			fyne.LogError("brand logos", err) // letters everywhere: not worth a dialog
			return
		}
		fyne.Do(onReady)
	}()
	return l
}

// forAccount is the brand logo an account shows, if any (docs/brand-logos.md,
// "The logo stored in an account"). It never waits for the catalogue.
func (l *logos) forAccount(a *accounts.Account) *brandlogo.Icon {
	if l == nil || !l.cat.Loaded() {
		return nil
	}
	ic, _ := l.cat.ForAccount(a.Logo, a.Issuer)
	return ic
}

// resource is the logo as an SVG resource in the glyph colour its brand
// colour needs (white, or near-black on light colours).
func (l *logos) resource(ic *brandlogo.Icon) fyne.Resource {
	if r, ok := l.res[ic.Slug]; ok {
		return r
	}
	r := fyne.NewStaticResource("logo-"+ic.Slug+".svg", ic.SVG(colorHex(brandlogo.GlyphOn(ic.Colour()))))
	l.res[ic.Slug] = r
	return r
}

// logo is an account's round avatar: the brand logo on the brand colour,
// or the first letter on a theme colour.
type logo struct {
	widget.BaseWidget
	circle *canvas.Circle
	letter *canvas.Text
	image  *canvas.Image // the brand logo; hidden for a letter
	brand  string        // slug shown, "" for a letter
}

var _ fyne.Widget = (*logo)(nil)

func newLogo() *logo {
	l := &logo{
		circle: &canvas.Circle{},
		letter: &canvas.Text{TextStyle: fyne.TextStyle{Bold: true}, Alignment: fyne.TextAlignCenter},
		image:  &canvas.Image{FillMode: canvas.ImageFillContain},
	}
	l.image.Hide()
	l.ExtendBaseWidget(l)
	return l
}

// show draws the account's avatar: its brand logo if it has one, else its
// letter (set).
func (l *logo) show(a *accounts.Account, ls *logos) {
	title, _ := rowNames(a)
	if a.Logo == logoIcon && a.HasIcon() && ls != nil {
		l.setIcon(ls.iconResource(a))
		return
	}
	if ic := ls.forAccount(a); ic != nil {
		l.setBrand(ic, ls.resource(ic))
		return
	}
	l.set(title, a.Color, colourKey(a))
}

// setBrand shows a brand logo on its colour, refreshing only what changed.
func (l *logo) setBrand(ic *brandlogo.Icon, res fyne.Resource) {
	if l.brand == ic.Slug {
		return
	}
	l.brand = ic.Slug
	l.letter.Hide()
	l.image.Resource = res
	l.image.Show()
	l.image.Refresh() // an image decodes its resource on refresh, not on draw
	l.circle.FillColor = ic.Colour()
	l.Refresh() // the outline depends on the colour: the renderer decides
}

// setIcon shows an icon-pack image: a full-colour picture, on a light disc
// so that its own background reads in both themes.
func (l *logo) setIcon(res fyne.Resource) {
	if l.brand == res.Name() {
		return
	}
	l.brand = res.Name()
	l.letter.Hide()
	l.image.Resource = res
	l.image.Show()
	l.image.Refresh()
	l.circle.FillColor = iconDisc
	l.Refresh()
}

// iconDisc is the disc behind an icon-pack image.
var iconDisc = color.NRGBA{R: 0xf5, G: 0xf5, B: 0xf5, A: 0xff}

// set shows the letter and colour, refreshing only what changed.
func (l *logo) set(label, hex, id string) {
	letter := "?"
	for _, r := range label {
		letter = string(r)
		break
	}
	c := accountColor(hex, id)
	if l.brand != "" {
		l.brand = ""
		l.image.Hide()
		l.image.Resource = nil
		l.letter.Show()
		l.circle.FillColor = nil // so the colour below is set and the outline decided again
	}
	if l.letter.Text != letterUpper(letter) {
		l.letter.Text = letterUpper(letter)
		l.letter.Refresh()
	}
	if l.circle.FillColor != c {
		l.circle.FillColor = c
		l.Refresh()
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

// side is the disc's diameter: two icon heights, Authy's size beside a
// two-line name.
func (r *logoRenderer) side() float32 {
	return 2 * r.l.Theme().Size(theme.SizeNameInlineIcon)
}

func (r *logoRenderer) Layout(s fyne.Size) {
	d := r.side()
	pos := fyne.NewPos((s.Width-d)/2, (s.Height-d)/2)
	r.l.circle.Move(pos)
	r.l.circle.Resize(fyne.NewSquareSize(d))
	// The logo fills the disc's inscribed square less a margin, as brand
	// avatars do: simple-icons draw to the edges of their 24×24 box.
	g := d * 0.56
	r.l.image.Move(fyne.NewPos((s.Width-g)/2, (s.Height-g)/2))
	r.l.image.Resize(fyne.NewSquareSize(g))
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
	th, v := r.l.Theme(), fyne.CurrentApp().Settings().ThemeVariant()
	r.l.letter.Color = th.Color(theme.ColorNameForegroundOnPrimary, v)
	// A disc as dark (or light) as the window, Steam's black on the dark
	// theme, gets an outline so it still reads as a disc.
	r.l.circle.StrokeWidth, r.l.circle.StrokeColor = 0, nil
	if fill := r.l.circle.FillColor; fill != nil && brandlogo.NeedsOutline(fill, th.Color(theme.ColorNameBackground, v)) {
		r.l.circle.StrokeWidth = 1
		r.l.circle.StrokeColor = outlineColour(th.Color(theme.ColorNameForeground, v))
	}
	r.Layout(r.l.Size())
	canvas.Refresh(r.l)
}

// outlineColour is the foreground at half strength: enough to trace the
// disc, not a ring that draws the eye.
func outlineColour(fg color.Color) color.Color {
	c := color.NRGBAModel.Convert(fg).(color.NRGBA)
	c.A /= 2
	return c
}

func (r *logoRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.l.circle, r.l.image, r.l.letter}
}
func (r *logoRenderer) Destroy() {}

// onLogosReady draws the brand logos into the rows on screen, which showed
// letters while the catalogue was decoding.
func (u *ui) onLogosReady() {
	if u.list == nil {
		return
	}
	for _, r := range u.list.rows {
		if r.acct.ID != "" {
			r.logo.show(&r.acct, r.logos)
		}
	}
}

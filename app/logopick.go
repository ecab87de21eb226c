package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/internal/brandlogo"
	"github.com/nidan-auth/nidan/internal/iconpack"
)

// maxLogoResults is how many logos the search shows at once: a row of
// discs to scroll through, not all 3 000.
const maxLogoResults = 24

// logoSearch is the "Search logo by app" part of the details screen: an
// entry (filled with the issuer to start with) and the matching brand
// logos; tapping one chooses it. The colour swatches below it are the
// other choice: the generic logo in a theme colour.
type logoSearch struct {
	u        *ui
	entry    *widget.Entry
	results  *fyne.Container
	none     *wrapLabel
	onChoose func(slug string)
	onIcon   func(*iconpack.Icon) // a pack's icon was chosen
	chosen   string               // the chosen pick's key (logoPick.key)
}

func newLogoSearch(u *ui, query, chosen string, onChoose func(string), onIcon func(*iconpack.Icon)) *logoSearch {
	s := &logoSearch{u: u, onChoose: onChoose, onIcon: onIcon, chosen: chosen,
		results: container.NewHBox(),
		none:    wrapped(&widget.Label{Text: lang.L("No logo found: choose a colour for the letter."), Importance: widget.LowImportance}),
	}
	s.entry = &widget.Entry{Text: query, PlaceHolder: lang.L("Search logo by app")}
	s.entry.OnChanged = func(string) { s.refresh() }
	s.refresh()
	return s
}

func (s *logoSearch) content() fyne.CanvasObject {
	pack := &widget.Button{Text: lang.L("Add icon pack…"), Importance: widget.LowImportance,
		OnTapped: func() { s.u.onImportPack(s.refresh) }}
	return container.NewVBox(s.entry, container.NewHScroll(s.results), s.none, container.NewHBox(pack))
}

// refresh shows the icon packs' and then simple-icons' logos matching the
// entry, the chosen one first.
func (s *logoSearch) refresh() {
	s.results.RemoveAll()
	n := 0
	for _, ic := range s.u.logos.packSearch(s.entry.Text, maxLogoResults) {
		disc := newLogo()
		disc.setIcon(s.u.logos.iconResource(&accounts.Account{Icon: ic.Data, IconMIME: ic.MIME}))
		key := disc.brand
		s.results.Add(newLogoPick(disc, key, ic.Name, key == s.chosen, func(string) {
			s.choose(key)
			if s.onIcon != nil {
				s.onIcon(ic)
			}
		}))
		n++
	}
	var found []*brandlogo.Icon
	if s.u.logos.cat.Loaded() {
		found = s.u.logos.cat.Search(s.entry.Text, maxLogoResults)
		if ic, ok := s.u.logos.cat.Get(s.chosen); ok && !containsIcon(found, ic) {
			found = append([]*brandlogo.Icon{ic}, found...)
		}
	}
	for _, ic := range found {
		disc := newLogo()
		disc.setBrand(ic, s.u.logos.resource(ic))
		s.results.Add(newLogoPick(disc, ic.Slug, ic.Title, ic.Slug == s.chosen, func(slug string) {
			s.choose(slug)
			if s.onChoose != nil {
				s.onChoose(slug)
			}
		}))
		n++
	}
	s.none.Hidden = n > 0 || s.entry.Text == ""
	s.results.Refresh()
	s.none.Refresh()
}

func containsIcon(l []*brandlogo.Icon, ic *brandlogo.Icon) bool {
	for _, x := range l {
		if x.Slug == ic.Slug {
			return true
		}
	}
	return false
}

// choose rings the pick with key ("" for none: the letter was chosen).
func (s *logoSearch) choose(key string) {
	s.chosen = key
	for _, o := range s.results.Objects {
		p := o.(*logoPick)
		p.setSelected(p.key == key)
	}
}

// logoPick is one search result: the logo's disc, its name under it, a
// ring when chosen.
type logoPick struct {
	widget.BaseWidget
	key      string // a simple-icons slug, or the resource name of a pack's icon
	disc     *logo
	name     *widget.Label
	ring     *canvas.Circle
	onTapped func(string)
}

func newLogoPick(disc *logo, key, title string, selected bool, onTapped func(string)) *logoPick {
	p := &logoPick{key: key, disc: disc, onTapped: onTapped,
		name: &widget.Label{Text: title, Truncation: fyne.TextTruncateEllipsis, Alignment: fyne.TextAlignCenter, SizeName: theme.SizeNameCaptionText}}
	p.ring = &canvas.Circle{}
	p.ExtendBaseWidget(p)
	p.setSelected(selected)
	return p
}

func (p *logoPick) setSelected(on bool) {
	w := float32(0)
	if on {
		w = 2 * p.Theme().Size(theme.SizeNameInputBorder)
	}
	if p.ring.StrokeWidth != w {
		p.ring.StrokeWidth = w
		p.ring.StrokeColor = p.Theme().Color(theme.ColorNameForeground, fyne.CurrentApp().Settings().ThemeVariant())
		p.ring.Refresh()
	}
}

func (p *logoPick) Tapped(*fyne.PointEvent) { p.onTapped(p.key) }

func (p *logoPick) CreateRenderer() fyne.WidgetRenderer {
	side := p.disc.MinSize().Width + 2*p.Theme().Size(theme.SizeNamePadding)
	box := container.NewStack(container.New(&fixedSize{s: fyne.NewSquareSize(side)}, p.ring), p.disc)
	return widget.NewSimpleRenderer(container.New(&fixedWidth{w: side + 16}, container.NewVBox(box, p.name)))
}

// fixedWidth makes its objects one width (the name under a logo is cut to
// it), as tall as they need.
type fixedWidth struct{ w float32 }

func (f *fixedWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := float32(0)
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(f.w, h)
}

func (f *fixedWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Resize(fyne.NewSize(f.w, size.Height))
		o.Move(fyne.NewPos((size.Width-f.w)/2, 0))
	}
}

// suggestLogo sets the logo of a new account to its issuer's brand logo,
// when it has none chosen and one is found: the choice is then the
// account's, kept if the issuer is renamed or the asset changes.
func (u *ui) suggestLogo(a *accounts.Account) {
	if a.Logo != "" {
		return
	}
	if ic, ok := u.logos.packMatch(a.Issuer); ok { // the person's own pack first, as in Aegis
		useIcon(a, ic)
		return
	}
	if !u.logos.cat.Loaded() {
		return
	}
	if ic, ok := u.logos.cat.Lookup(a.Issuer); ok {
		a.Logo = brandlogo.Prefix + ic.Slug
	}
}

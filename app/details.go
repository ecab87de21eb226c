package app

import (
	"strings"

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

// detailsScreen is the last step of adding, and the edit screen: nickname,
// logo colour and group (and, when editing, issuer and account name).
type detailsScreen struct {
	u     *ui
	acct  accounts.Account
	isNew bool

	issuer   *widget.Entry
	name     *widget.Entry
	nickname *widget.Entry
	group    *widget.SelectEntry
	preview  *logo
	swatches []*swatch
	logos    *logoSearch
}

func (s *detailsScreen) build() fyne.CanvasObject {
	a := &s.acct
	s.issuer = &widget.Entry{Text: a.Issuer}
	s.name = &widget.Entry{Text: a.Name}
	s.nickname = &widget.Entry{Text: a.Nickname, PlaceHolder: lang.L("Optional: a name you recognise")}
	s.group = widget.NewSelectEntry(s.groups())
	s.group.SetText(a.Group)
	s.group.PlaceHolder = lang.L("Optional: Work, Personal…")
	s.preview = newLogo()
	for _, e := range []*widget.Entry{s.issuer, s.name, s.nickname} {
		e.OnChanged = func(string) { s.onPreview() }
	}
	colours := container.NewHBox()
	for _, hex := range palette() {
		sw := newSwatch(hex, s.onColour)
		s.swatches = append(s.swatches, sw)
		colours.Add(sw)
	}
	if a.Color == "" {
		a.Color = colorHex(accountColor("", colourKey(a))) // what the list would show anyway
	}
	if s.isNew {
		s.u.suggestLogo(a)
	}
	chosen := strings.TrimPrefix(a.Logo, brandlogo.Prefix)
	if a.Logo == logoIcon && a.HasIcon() {
		chosen = s.u.logos.iconResource(a).Name()
	}
	s.logos = newLogoSearch(s.u, a.Issuer, chosen, s.onLogo, s.onIcon)
	s.u.loadPacks(s.logos.refresh) // the imported packs' icons join the search
	s.markColour()
	s.onPreview()

	items := []*widget.FormItem{}
	if !s.isNew {
		items = append(items, widget.NewFormItem(lang.L("Issuer"), s.issuer), widget.NewFormItem(lang.L("Account"), s.name))
	}
	items = append(items,
		widget.NewFormItem(lang.L("Nickname"), s.nickname),
		widget.NewFormItem(lang.L("Logo"), s.logos.content()),
		&widget.FormItem{Text: lang.L("Colour"), Widget: container.NewHScroll(colours), HintText: lang.L("Or the first letter on a colour")},
		widget.NewFormItem(lang.L("Group"), s.group))
	form := phoneForm(items...)
	save := &widget.Button{Text: lang.L("Save"), Icon: theme.DocumentSaveIcon(), Importance: widget.HighImportance, OnTapped: s.onSave}
	title := lang.L("Edit account")
	if s.isNew {
		title = lang.L("Account details")
	}
	header := container.NewBorder(nil, nil, s.preview, nil, container.NewVBox(
		&widget.Label{Text: a.Issuer, TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis},
		&widget.Label{Text: a.Name, Importance: widget.LowImportance, Truncation: fyne.TextTruncateEllipsis}))
	return screenWithAction(s.u, title, save, header, form)
}

func (s *detailsScreen) groups() []string {
	var gs []string
	if s.u.vault == nil {
		return nil
	}
	for _, a := range s.u.vault.Accounts() {
		if a.Group != "" && !containsString(gs, a.Group) {
			gs = append(gs, a.Group)
		}
	}
	return gs
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// onColour chooses the generic logo (the letter) on a colour.
func (s *detailsScreen) onColour(hex string) {
	s.acct.Color, s.acct.Logo, s.acct.Icon, s.acct.IconMIME = hex, brandlogo.Generic, nil, ""
	s.logos.choose("")
	s.markColour()
	s.onPreview()
}

// onLogo chooses a brand logo from the search.
func (s *detailsScreen) onLogo(slug string) {
	s.acct.Logo, s.acct.Icon, s.acct.IconMIME = brandlogo.Prefix+slug, nil, ""
	s.markColour()
	s.onPreview()
}

// onIcon chooses an icon-pack icon: its bytes go into the account.
func (s *detailsScreen) onIcon(ic *iconpack.Icon) {
	useIcon(&s.acct, ic)
	s.markColour()
	s.onPreview()
}

// markColour rings the chosen colour while the letter is what shows.
func (s *detailsScreen) markColour() {
	letter := s.u.logos.forAccount(&s.acct) == nil && !(s.acct.Logo == logoIcon && s.acct.HasIcon())
	for _, sw := range s.swatches {
		sw.setSelected(letter && sw.hex == s.acct.Color)
	}
}

func (s *detailsScreen) onPreview() {
	a := s.acct
	a.Issuer, a.Name, a.Nickname = s.issuer.Text, s.name.Text, s.nickname.Text
	s.preview.show(&a, s.u.logos)
}

func (s *detailsScreen) onSave() {
	u := s.u
	if u.vault == nil {
		u.showList()
		return
	}
	a := s.acct
	if !s.isNew {
		a.Issuer, a.Name = strings.TrimSpace(s.issuer.Text), strings.TrimSpace(s.name.Text)
	}
	a.Nickname = strings.TrimSpace(s.nickname.Text)
	a.Group = strings.TrimSpace(s.group.Text)
	if s.isNew {
		rep, err := u.vault.Add(a)
		if err != nil {
			u.showError("Could not add the account", err, vaultHint(err))
			return
		}
		u.showList()
		if rep.Duplicates > 0 {
			u.list.showNotice(lang.L("This account is already in Nidan; nothing was added."))
		} else {
			u.list.showNotice(lang.X("notice.added", "Added {{.Name}}.", map[string]any{"Name": a.Label()}))
		}
		return
	}
	if err := u.vault.Update(a); err != nil {
		u.showError("Could not save the account", err, vaultHint(err))
		return
	}
	u.showList()
	u.list.showNotice(lang.L("Saved."))
}

// swatch is one colour of the logo palette; the chosen one has a ring.
type swatch struct {
	widget.BaseWidget
	hex      string
	circle   *canvas.Circle
	onTapped func(string)
}

func newSwatch(hex string, onTapped func(string)) *swatch {
	c, _ := parseHex(hex)
	s := &swatch{hex: hex, circle: &canvas.Circle{FillColor: c}, onTapped: onTapped}
	s.ExtendBaseWidget(s)
	return s
}

func (s *swatch) setSelected(on bool) {
	w := float32(0)
	if on {
		w = s.Theme().Size(theme.SizeNameInputBorder) * 2
	}
	if s.circle.StrokeWidth != w {
		s.circle.StrokeWidth = w
		s.circle.StrokeColor = s.Theme().Color(theme.ColorNameForeground, fyne.CurrentApp().Settings().ThemeVariant())
		s.circle.Refresh()
	}
}

func (s *swatch) Tapped(*fyne.PointEvent) { s.onTapped(s.hex) }

func (s *swatch) CreateRenderer() fyne.WidgetRenderer {
	side := s.Theme().Size(theme.SizeNameInlineIcon) + s.Theme().Size(theme.SizeNamePadding)
	if isMobile() {
		side = touchTarget
	}
	return widget.NewSimpleRenderer(container.New(&fixedSize{s: fyne.NewSquareSize(side)}, s.circle))
}

// fixedSize gives its objects one size, centred.
type fixedSize struct{ s fyne.Size }

func (f *fixedSize) MinSize([]fyne.CanvasObject) fyne.Size { return f.s }
func (f *fixedSize) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Resize(f.s)
		o.Move(fyne.NewPos((size.Width-f.s.Width)/2, (size.Height-f.s.Height)/2))
	}
}

// showNewAccount shows the details of an account read from a QR code or
// typed in, not saved yet. Back asks first: the account is only in this
// screen, and the website may no longer show its QR code.
func (u *ui) showNewAccount(a accounts.Account) {
	u.show((&detailsScreen{u: u, acct: a, isNew: true}).build())
	u.back = func() {
		u.confirmDanger(lang.L("Discard this account?"),
			lang.L("It is not saved yet: going back forgets it, and you would have to scan or type it again."),
			lang.L("Discard"), u.showList)
	}
}

package app

import (
	"image/color"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/nidan-auth/nidan/accounts"
)

// warnSeconds is when the countdown turns to the warning colour and the next
// code appears beside it.
const warnSeconds = 5

// row is one account of the list: logo, issuer and name, the code large and
// grouped, a countdown, the next code near expiry, and for HOTP a "next
// code" button. The list keeps the rows it creates; the ticker calls tick,
// which sets text only where it changed, so a tick costs no list refresh.
//
// The texts are bare canvas.Text objects laid out by the row's own renderer
// (rowRenderer), not Labels in boxes: each second the whole window is
// repainted, and a Label is three objects (Label, RichText, Text) whose
// refresh re-measures and re-shapes its text, which on every visible row
// cost more than the paint itself. A tick only swaps a Text's string and
// refreshes that one object.
type row struct {
	widget.BaseWidget

	logo      *logo
	title     *canvas.Text
	sub       *canvas.Text
	code      *canvas.Text
	countdown *canvas.Text   // the seconds left, inside the ring
	ring      *canvas.Arc    // the time left of the period, draining clockwise
	track     *canvas.Circle // the ring's empty part
	next      *canvas.Text
	hotp      *tipButton
	menu      *tipButton

	// full texts of title and sub; the canvas.Texts hold them truncated
	// with an ellipsis to the width they get.
	titleText, subText string

	acct     accounts.Account
	listed   bool // in the list's rows, which the ticker walks (listScreen.showRow)
	book     *accounts.Codebook
	logos    *logos
	card     bool              // a token card of the wide layout (cards.go), not a list row
	cardW    func() float32    // the card's width for the grid's width
	bg       *canvas.Rectangle // the card's background; hidden in a row
	tint     color.Color       // the card's code colour: the account's, where it reads
	warn     bool
	nextWord string
	onTap    func(id string)
	onHOTP   func(id string)
	onMenu   func(id string, at fyne.Position)
	rend     *rowRenderer

	// The pointer is on the row, or on one of its buttons. A button is a
	// hover target of its own: moving onto it takes the hover from the row,
	// which must not hide the menu button then.
	overRow, overButton bool
}

var (
	_ fyne.Widget            = (*row)(nil)
	_ desktop.Hoverable      = (*row)(nil)
	_ fyne.Tappable          = (*row)(nil)
	_ fyne.SecondaryTappable = (*row)(nil)
)

func newRow(u *ui, book *accounts.Codebook, ls *logos, onTap, onHOTP func(string), onMenu func(string, fyne.Position)) *row {
	// The code is Monospace, not Monospace+Bold: Fyne bundles one
	// monospace font and draws both with the same glyphs, but it parses
	// all the fonts again for every distinct style, the 4 MB emoji font
	// among them (about 6 MB of heap for the session; docs/gui.md, "make
	// bench-ui"). TestListTextStyles keeps the list to four styles.
	r := &row{
		book:      book,
		logos:     ls,
		logo:      newLogo(),
		title:     &canvas.Text{TextStyle: fyne.TextStyle{Bold: true}},
		sub:       &canvas.Text{},
		code:      &canvas.Text{TextStyle: fyne.TextStyle{Monospace: true}, Alignment: fyne.TextAlignTrailing},
		countdown: &canvas.Text{TextStyle: fyne.TextStyle{Monospace: true}, Alignment: fyne.TextAlignCenter},
		ring:      &canvas.Arc{CutoutRatio: ringCutout},
		track:     &canvas.Circle{},
		// In Japanese the line starts with 次, which the monospace font
		// lacks: Fyne then draws the line from the fallback CJK font's
		// baseline into a texture as tall as the monospace font, and the
		// real window cut off the bottom of the digits. The regular font
		// is as tall as the CJK one.
		next:   &canvas.Text{TextStyle: fyne.TextStyle{Monospace: currentLanguage() != "ja"}, Alignment: fyne.TextAlignTrailing},
		onTap:  onTap,
		onHOTP: onHOTP,
		onMenu: onMenu,
	}
	r.hotp = u.iconButton(theme.ViewRefreshIcon(), lang.L("Next code"), widget.LowImportance, r.onNextCode)
	r.menu = u.iconButton(theme.MoreVerticalIcon(), lang.L("More actions"), widget.LowImportance, func() {
		d := fyne.CurrentApp().Driver()
		r.openMenu(d.AbsolutePositionForObject(r.menu).AddXY(0, r.menu.Size().Height))
	})
	for _, b := range []*tipButton{r.hotp, r.menu} {
		b.onHover = func(in bool) {
			r.overButton = in
			r.showMenuButton()
		}
	}
	r.bg = &canvas.Rectangle{}
	r.bg.Hide()
	r.next.Hide()
	r.hotp.Hide()
	if !isMobile() {
		r.menu.Hide() // shown on hover: a button per row costs every repaint
	}
	r.ExtendBaseWidget(r)
	r.applyTheme()
	return r
}

func (r *row) CreateRenderer() fyne.WidgetRenderer {
	r.rend = &rowRenderer{r: r, titleW: -1, subW: -1, objects: []fyne.CanvasObject{
		r.bg, r.logo, r.title, r.sub, r.code, r.track, r.ring, r.countdown, r.next, r.hotp, r.menu}}
	return r.rend
}

// themeColor is a colour of the row's theme in the current variant.
func (r *row) themeColor(n fyne.ThemeColorName) color.Color {
	return r.Theme().Color(n, fyne.CurrentApp().Settings().ThemeVariant())
}

// applyTheme sets the texts' sizes and colours from the theme: the same as
// the Labels they replace (bold title, heading-size code, "low importance"
// next code, warning colour in the last seconds).
func (r *row) applyTheme() {
	th := r.Theme()
	text := th.Size(theme.SizeNameText)
	r.title.TextSize, r.sub.TextSize, r.next.TextSize = text, text, text
	r.countdown.TextSize = th.Size(theme.SizeNameCaptionText) // it sits inside the ring
	r.code.TextSize = th.Size(theme.SizeNameHeadingText)
	if isMobile() {
		// A phone's row is narrow: a smaller next code leaves the names
		// room in the last seconds.
		r.next.TextSize = th.Size(theme.SizeNameCaptionText)
	}
	fg := r.themeColor(theme.ColorNameForeground)
	r.title.Color, r.sub.Color, r.code.Color = fg, fg, fg
	if r.card {
		r.applyCardTheme()
	}
	r.next.Color = r.themeColor(theme.ColorNameDisabled)
	r.countdown.Color = r.countdownColor()
	r.ring.FillColor = r.ringColor()
	r.track.StrokeColor = r.themeColor(theme.ColorNameInputBorder)
}

func (r *row) countdownColor() color.Color {
	if r.warn {
		return r.themeColor(theme.ColorNameWarning)
	}
	return r.themeColor(theme.ColorNameForeground)
}

// ringColor is the theme's primary colour, the warning colour in the last
// seconds.
func (r *row) ringColor() color.Color {
	if r.warn {
		return r.themeColor(theme.ColorNameWarning)
	}
	return r.themeColor(theme.ColorNamePrimary)
}

// ringCutout is the ring's hole: the inner diameter over the outer one.
const ringCutout = 0.78

// set changes a text only when it differs, and then refreshes that object
// alone (no widget refresh, no layout): the ticker calls this for every
// visible row each second.
func set(t *canvas.Text, s string) {
	if t.Text != s {
		t.Text = s
		t.Refresh()
	}
}

// rowRenderer lays the row out as the boxes it replaces did: logo on the
// left, the two name lines, and on the right the code over the countdown
// (with the next code before it), then the HOTP and menu buttons. Texts sit
// inside the same inner padding a Label has.
type rowRenderer struct {
	r       *row
	objects []fyne.CanvasObject

	// truncation cache: the widths title and sub were last cut for
	titleW, subW float32
	// the code's width at the last layout: a code of another length (a
	// Steam or 8-digit code, "—") moves the names' edge
	codeW float32
}

func (rr *rowRenderer) Objects() []fyne.CanvasObject { return rr.objects }
func (rr *rowRenderer) Destroy()                     {}

func (rr *rowRenderer) Refresh() {
	rr.r.applyTheme()
	rr.titleW, rr.subW = -1, -1
	rr.Layout(rr.r.Size())
	canvas.Refresh(rr.r)
}

// metrics of the theme, looked up once per layout.
type rowMetrics struct {
	pad, inner   float32
	textH, codeH float32 // a name line; the code
	statusH      float32 // countdown and next code (monospace)
	countW       float32 // the countdown ring's diameter
	logoW        float32
	ellipsis     float32
	scroll       float32 // the room kept for the scroll bar at the right
}

func (rr *rowRenderer) metrics() rowMetrics {
	th := rr.r.Theme()
	r := rr.r
	return rowMetrics{
		pad:      th.Size(theme.SizeNamePadding),
		inner:    th.Size(theme.SizeNameInnerPadding),
		textH:    fyne.MeasureText("0", r.sub.TextSize, r.sub.TextStyle).Height,
		codeH:    fyne.MeasureText("0", r.code.TextSize, r.code.TextStyle).Height,
		statusH:  max(fyne.MeasureText("0", r.countdown.TextSize, r.countdown.TextStyle).Height, fyne.MeasureText(r.nextPrefix()+"0", r.next.TextSize, r.next.TextStyle).Height), // 次 (CJK font) is taller than "0": it was clipped
		countW:   fyne.MeasureText("0", r.next.TextSize, r.next.TextStyle).Height + 2*th.Size(theme.SizeNameInnerPadding) - th.Size(theme.SizeNamePadding),
		logoW:    r.logo.MinSize().Width,
		ellipsis: fyne.MeasureText("…", r.sub.TextSize, fyne.TextStyle{}).Width,
		scroll:   th.Size(theme.SizeNameScrollBar),
	}
}

// rightWidth is the width of the code column and the visible buttons.
func (rr *rowRenderer) rightWidth(m rowMetrics) (w, codesW float32) {
	r := rr.r
	codesW = r.code.MinSize().Width + 2*m.inner
	status := float32(0)
	if r.countdown.Visible() {
		status = m.countW + 2*m.inner
	}
	if r.next.Visible() {
		if status > 0 {
			status += m.pad
		}
		status += r.next.MinSize().Width + 2*m.inner
	}
	codesW = max(codesW, status)
	w = codesW
	for _, b := range []*tipButton{r.hotp, r.menu} {
		// The menu button's room is kept while it is hidden, so that it
		// appearing on hover does not push the code aside.
		if b.Visible() || b == r.menu {
			w += m.pad + rr.buttonW(b)
		}
	}
	return w, codesW
}

func (rr *rowRenderer) MinSize() fyne.Size {
	if rr.r.card {
		return rr.cardMinSize()
	}
	m := rr.metrics()
	r := rr.r
	names := 2*(m.textH+2*m.inner) + m.pad
	codes := m.codeH + 2*m.inner + m.pad + m.statusH + 2*m.inner
	right, _ := rr.rightWidth(m)
	if r.next.Visible() { // the row's width must not change near expiry
		saved := r.next.Hidden
		r.next.Hidden = true
		right, _ = rr.rightWidth(m)
		r.next.Hidden = saved
	}
	h := max(r.logo.MinSize().Height, names, codes)
	return fyne.NewSize(m.inner+m.logoW+m.pad+m.ellipsis+2*m.inner+m.pad+right+m.scroll, h)
}

func (rr *rowRenderer) Layout(s fyne.Size) {
	if rr.r.card {
		rr.layoutCard(s)
		return
	}
	r := rr.r
	m := rr.metrics()
	// The logo sits inside the same inner padding as the texts, not
	// against the row's edge.
	r.logo.Move(fyne.NewPos(m.inner, 0))
	r.logo.Resize(fyne.NewSize(m.logoW, s.Height))

	right, codesW := rr.rightWidth(m)
	rr.codeW = r.code.MinSize().Width
	// The list's scroll bar widens over the rows' right edge on hover:
	// the code and buttons stop short of it.
	right += m.scroll
	x := s.Width - right
	codeX := x + m.inner
	textW := codesW - 2*m.inner
	r.code.Move(fyne.NewPos(codeX, m.inner))
	r.code.Resize(fyne.NewSize(textW, m.codeH))
	statusY := m.codeH + 2*m.inner + m.pad + m.inner
	cw := m.countW
	if !r.countdown.Visible() {
		cw = -2*m.inner - m.pad
	}
	cx := s.Width - right + codesW - m.inner - cw
	ringY := statusY + (m.statusH-cw)/2
	r.ring.Move(fyne.NewPos(cx, ringY))
	r.ring.Resize(fyne.NewSquareSize(max(cw, 0)))
	r.track.Move(fyne.NewPos(cx, ringY))
	r.track.Resize(fyne.NewSquareSize(max(cw, 0)))
	r.track.StrokeWidth = cw * (1 - ringCutout) / 2
	ch := r.countdown.MinSize().Height
	r.countdown.Move(fyne.NewPos(cx, ringY+(cw-ch)/2))
	r.countdown.Resize(fyne.NewSize(cw, ch))
	nw := r.next.MinSize().Width
	r.next.Move(fyne.NewPos(s.Width-right+codesW-m.inner-cw-2*m.inner-m.pad-nw, statusY))
	r.next.Resize(fyne.NewSize(nw, m.statusH))
	bx := x + codesW
	for _, b := range []*tipButton{r.hotp, r.menu} {
		if b.Visible() || b == r.menu {
			bw := rr.buttonW(b)
			b.Move(fyne.NewPos(bx+m.pad, 0))
			b.Resize(fyne.NewSize(bw, s.Height))
			bx += m.pad + bw
		}
	}

	nameX := m.inner + m.logoW + m.pad + m.inner
	// The next code widens the code column in the last seconds; the code
	// itself does not move, so only the second name line, beside the next
	// code, yields to it (on a phone both names were cut short, "GitH…",
	// then grew back each period).
	nameEnd, subEnd := x, x
	if r.next.Visible() {
		r.next.Hidden = true
		without, _ := rr.rightWidth(m)
		r.next.Hidden = false
		nameEnd = s.Width - without - m.scroll
		subEnd = min(nameEnd, r.next.Position().X-m.pad)
	}
	nameW := max(0, nameEnd-m.pad-m.inner-nameX)
	subW := max(0, subEnd-m.pad-m.inner-nameX)
	r.title.Move(fyne.NewPos(nameX, m.inner))
	r.title.Resize(fyne.NewSize(nameW, m.textH))
	r.sub.Move(fyne.NewPos(nameX, m.textH+2*m.inner+m.pad+m.inner))
	r.sub.Resize(fyne.NewSize(subW, m.textH))
	rr.cutNames(nameW, subW)
}

// cutNames truncates the two name lines to their widths, when they changed.
func (rr *rowRenderer) cutNames(titleW, subW float32) {
	r := rr.r
	if titleW != rr.titleW {
		rr.titleW = titleW
		set(r.title, ellipsize(r.titleText, titleW, r.title))
	}
	if subW != rr.subW {
		rr.subW = subW
		set(r.sub, ellipsize(r.subText, subW, r.sub))
	}
}

// buttonW is an icon button's width. A button never shown yet (the menu
// until the first hover) measures without its icon's padding, so the
// theme's icon-button width is the floor: the menu's room is then the
// same before and after it appears.
func (rr *rowRenderer) buttonW(b *tipButton) float32 {
	th := rr.r.Theme()
	return max(b.MinSize().Width, th.Size(theme.SizeNameInlineIcon)+2*th.Size(theme.SizeNameInnerPadding))
}

// ellipsize cuts s to fit width w in t's style, ending in "…" as a Label
// with TextTruncateEllipsis does.
func ellipsize(s string, w float32, t *canvas.Text) string {
	if s == "" || fyne.MeasureText(s, t.TextSize, t.TextStyle).Width <= w {
		return s
	}
	rs := []rune(s)
	lo, hi := 0, len(rs) // lo fits, hi does not
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if fyne.MeasureText(string(rs[:mid])+"…", t.TextSize, t.TextStyle).Width <= w {
			lo = mid
		} else {
			hi = mid
		}
	}
	if lo == 0 {
		return "…"
	}
	return string(rs[:lo]) + "…"
}

// relayout places the row's objects again after something changed size
// (the next code, a button shown or hidden). Before the row is first drawn
// there is nothing to place.
func (r *row) relayout() {
	if r.rend != nil {
		r.rend.Layout(r.Size())
	}
}

// show points the row at an account (UpdateItem) and draws its code now.
func (r *row) show(a accounts.Account, now time.Time) {
	r.acct = a
	title, sub := rowNames(&a)
	r.logo.show(&a, r.logos)
	if r.card {
		r.setTint()
	}
	hotp := a.Type == accounts.HOTP
	if title != r.titleText || sub != r.subText || hotp != r.hotp.Visible() {
		r.titleText, r.subText = title, sub
		r.hotp.Hidden, r.countdown.Hidden, r.ring.Hidden, r.track.Hidden = !hotp, hotp, hotp, hotp
		if r.rend != nil {
			r.rend.titleW, r.rend.subW = -1, -1
		}
		r.relayout()
		r.title.Refresh()
		r.sub.Refresh()
		r.hotp.Refresh()
	}
	r.tick(now)
}

// rowNames is what the two text lines say: issuer (or nickname) on top, the
// nickname or account name below.
func rowNames(a *accounts.Account) (string, string) {
	switch {
	case a.Issuer == "" && a.Nickname == "":
		return a.Name, ""
	case a.Issuer == "":
		return a.Nickname, a.Name
	case a.Nickname != "":
		return a.Issuer, a.Nickname
	}
	return a.Issuer, a.Name
}

// clear forgets the account, so a locked window keeps no secret in a row.
func (r *row) clear() {
	r.acct = accounts.Account{}
	r.setCode("")
	set(r.next, "")
}

// tick updates the code, countdown and next code for now. It sets text only
// where it changed, and what it draws changes only every ringStep seconds
// until the last warnSeconds (see ringStep).
func (r *row) tick(now time.Time) {
	if r.acct.ID == "" {
		return
	}
	c, err := r.book.Code(&r.acct, now)
	if err != nil {
		r.setCode("—")
		return
	}
	r.setCode(accounts.GroupCode(c.Current))
	if r.acct.Type == accounts.HOTP {
		if r.next.Visible() { // the row showed a TOTP account near expiry
			r.next.Hidden = true
			r.relayout()
		}
		return
	}
	left := c.SecondsLeft()
	warn := left <= warnSeconds
	if warn != r.warn {
		r.warn = warn
		r.countdown.Color = r.countdownColor()
		r.countdown.Text = "-" // so that set refreshes it just below
		r.ring.FillColor = r.ringColor()
		r.ring.EndAngle = -1 // refreshed just below
	}
	drawn := left
	if !warn {
		drawn = ringSeconds(left)
	}
	set(r.countdown, countdownText(left, warn))
	r.setRing(drawn)
	if warn {
		set(r.next, r.nextPrefix()+accounts.GroupCode(c.Next))
	}
	if warn != r.next.Visible() {
		// Twice a period: the code column changes width, so lay the row
		// out again (the texts' positions only: nothing is re-measured).
		r.next.Hidden = !warn
		r.relayout()
		r.next.Refresh()
	}
}

// ringStep is how many seconds the ring stays put before the last
// warnSeconds, where it drains and counts down every second. Any change in
// the window repaints all of it (Fyne has no partial repaint; about 6–12 ms
// of CPU under Mesa's software renderer), and a second-by-second ring made
// the idle app cost twice a bare window; 3 s steps (36° of a 30 s period)
// still read as draining. A multiple of 3 divides the usual periods (30 s,
// 60 s), so every row steps in the same frames.
const ringStep = 3

// ringSeconds is the time left the ring shows: rounded up to a whole step,
// so a fresh code shows a full ring.
func ringSeconds(left int) int {
	return (left + ringStep - 1) / ringStep * ringStep
}

// setRing drains the ring to the seconds left of the period; the arc is
// refreshed alone, and only when its angle changes.
func (r *row) setRing(left int) {
	period := max(r.acct.Period, 1)
	end := 360 * float32(min(left, period)) / float32(period)
	if r.ring.EndAngle != end {
		r.ring.EndAngle = end
		r.ring.Refresh()
	}
}

// setCode shows a code; once a period. A code of another width than the
// last one laid out (the first code, or another account's) moves the
// column's edge, so the row is laid out again.
func (r *row) setCode(s string) {
	if r.code.Text == s {
		return
	}
	set(r.code, s)
	if r.rend != nil && r.code.MinSize().Width != r.rend.codeW {
		r.relayout()
	}
}

// nextPrefix is the translated "next" word, looked up once per row.
func (r *row) nextPrefix() string {
	if r.nextWord == "" {
		r.nextWord = lang.L("next") + " "
	}
	return r.nextWord
}

// MouseIn shows the row's menu button; each tick repaints the whole window,
// so the list draws as few objects as it can while nobody points at it.
func (r *row) MouseIn(*desktop.MouseEvent) {
	r.overRow = true
	r.showMenuButton()
}
func (r *row) MouseMoved(*desktop.MouseEvent) {}
func (r *row) MouseOut() {
	r.overRow = false
	r.showMenuButton()
}

// showMenuButton shows the menu button while the pointer is on the row or
// its buttons (always on a phone). The driver tells the row the pointer
// left before it tells the button it came, so the button hides and shows
// again within one event, never drawn hidden.
func (r *row) showMenuButton() {
	show := isMobile() || (r.acct.ID != "" && (r.overRow || r.overButton))
	if show == r.menu.Visible() {
		return
	}
	if show {
		r.menu.Show()
	} else {
		r.menu.Hide()
	}
	r.relayout()
	if !show {
		canvas.Refresh(r.title) // the names widen again
	}
}

// Tapped (a left click, a tap on a phone) copies the code. Both drivers
// hand a click to the topmost widget that takes taps of any kind, and a row
// takes hover and right clicks (long presses on a phone), so the list's own
// item beneath never hears the click: the row must handle it itself.
func (r *row) Tapped(*fyne.PointEvent) {
	if r.onTap != nil && r.acct.ID != "" {
		r.onTap(r.acct.ID)
	}
}

// TappedSecondary (right click) opens the row's menu where the pointer is.
func (r *row) TappedSecondary(ev *fyne.PointEvent) { r.openMenu(ev.AbsolutePosition) }

func (r *row) onNextCode() {
	if r.onHOTP != nil && r.acct.ID != "" {
		r.onHOTP(r.acct.ID)
	}
}

func (r *row) openMenu(at fyne.Position) {
	if r.onMenu != nil && r.acct.ID != "" {
		r.onMenu(r.acct.ID, at)
	}
}

// countdownText is the seconds left, centred in the ring (whose size does
// not depend on the text, so 5 → 4 costs no layout). Only the last seconds
// are counted: a number changing each second would repaint the window each
// second (see ringStep), and an empty text draws nothing.
func countdownText(n int, warn bool) string {
	if !warn {
		return ""
	}
	return strconv.Itoa(n)
}

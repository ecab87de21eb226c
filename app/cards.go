package app

import (
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/internal/brandlogo"
)

// The wide layout: at wideWidth and more the list becomes columns of token
// cards (a row in card mode: logo and names on top, the code big and in
// the account's colour, the ring beside it), and back to rows when
// narrower. Cards are rows, so ticks, copy on click, the menu and the
// keyboard work the same in both.
const (
	wideWidth    = 900 // window width, in points, from which cards are shown
	cardMinWidth = 280 // a card's least width: three columns at 900
	cardMaxWidth = 400 // a card's widest: wider, the code is lost in it
)

// cardWidthFor is the width of each card in a grid w wide with gaps of
// pad: as many columns as cards of cardMinWidth fit, sharing the width,
// so no strip stays empty at the right. Whole points, so that the grid's
// own column count (from the width of one card) comes out the same.
func cardWidthFor(w, pad float32) float32 {
	cols := max(1, float32(math.Floor(float64((w+pad)/(cardMinWidth+pad)))))
	cw := float32(math.Floor(float64((w - (cols-1)*pad) / cols)))
	return min(cardMaxWidth, max(cardMinWidth, cw))
}

// cardCodeScale is the card's code size over the theme's heading size.
const cardCodeScale = 1.5

// newCard is a row drawn as a card.
func newCard(u *ui, book *accounts.Codebook, ls *logos, onTap, onHOTP func(string), onMenu func(string, fyne.Position)) *row {
	r := newRow(u, book, ls, onTap, onHOTP, onMenu)
	r.card = true
	r.bg.Show()
	r.code.Alignment = fyne.TextAlignLeading
	r.applyTheme()
	return r
}

// applyCardTheme sets what differs in a card: the big code in its tint,
// the background.
func (r *row) applyCardTheme() {
	th := r.Theme()
	r.code.TextSize = th.Size(theme.SizeNameHeadingText) * cardCodeScale
	r.bg.FillColor = r.themeColor(theme.ColorNameInputBackground)
	r.bg.CornerRadius = th.Size(theme.SizeNameInputRadius) * 2
	if r.tint != nil {
		r.code.Color = r.readableTint()
	}
}

// setTint takes the card's colour from what its avatar shows: the brand
// colour of its logo, else its theme colour.
func (r *row) setTint() {
	var c color.Color
	if r.logo.brand != "" {
		c = r.logo.circle.FillColor
	} else {
		c = accountColor(r.acct.Color, colourKey(&r.acct))
	}
	if c != r.tint {
		r.tint = c
		r.code.Color = r.readableTint()
		r.code.Refresh()
	}
}

// readableTint is the tint where it reads on the card (3:1), else the
// foreground: black brands on the dark theme, pale ones on the light.
func (r *row) readableTint() color.Color {
	if brandlogo.ContrastRatio(r.tint, r.bg.FillColor) >= 3 {
		return r.tint
	}
	return r.themeColor(theme.ColorNameForeground)
}

func (rr *rowRenderer) cardMetrics() (m rowMetrics, codeH, ringD float32) {
	m = rr.metrics()
	codeH = fyne.MeasureText("0", rr.r.code.TextSize, rr.r.code.TextStyle).Height
	return m, codeH, codeH * 0.8
}

func (rr *rowRenderer) cardMinSize() fyne.Size {
	m, codeH, _ := rr.cardMetrics()
	h := m.inner + max(m.logoW, 2*m.textH+m.pad) + 2*m.pad + codeH + m.pad + m.statusH + m.inner
	w := float32(cardMinWidth)
	if rr.r.cardW != nil {
		w = max(w, rr.r.cardW())
	}
	return fyne.NewSize(w, h)
}

// layoutCard places a card's objects: logo and names on top with the menu
// button at the right, the code below, the ring (or HOTP button) to its
// right, the next code under it in the last seconds.
func (rr *rowRenderer) layoutCard(s fyne.Size) {
	r := rr.r
	m, codeH, ringD := rr.cardMetrics()
	r.bg.Move(fyne.NewPos(0, 0))
	r.bg.Resize(s)

	top := max(m.logoW, 2*m.textH+m.pad)
	r.logo.Move(fyne.NewPos(m.inner, m.inner))
	r.logo.Resize(fyne.NewSize(m.logoW, top))
	menuW := rr.buttonW(r.menu)
	r.menu.Move(fyne.NewPos(s.Width-menuW-m.pad, m.pad))
	r.menu.Resize(fyne.NewSize(menuW, top))
	nameX := m.inner + m.logoW + m.pad + m.inner
	nameW := max(0, s.Width-nameX-menuW-2*m.pad)
	namesY := m.inner + (top-2*m.textH-m.pad)/2
	r.title.Move(fyne.NewPos(nameX, namesY))
	r.title.Resize(fyne.NewSize(nameW, m.textH))
	r.sub.Move(fyne.NewPos(nameX, namesY+m.textH+m.pad))
	r.sub.Resize(fyne.NewSize(nameW, m.textH))
	rr.cutNames(nameW, nameW)

	codeY := m.inner + top + 2*m.pad
	codeX := m.inner + m.inner
	rr.codeW = r.code.MinSize().Width
	r.code.Move(fyne.NewPos(codeX, codeY))
	r.code.Resize(fyne.NewSize(s.Width-codeX-ringD-2*m.inner, codeH))
	rx := s.Width - m.inner - m.inner - ringD
	ry := codeY + (codeH-ringD)/2
	for _, o := range []fyne.CanvasObject{r.ring, r.track} {
		o.Move(fyne.NewPos(rx, ry))
		o.Resize(fyne.NewSquareSize(ringD))
	}
	r.track.StrokeWidth = ringD * (1 - ringCutout) / 2
	ch := r.countdown.MinSize().Height
	r.countdown.Move(fyne.NewPos(rx, ry+(ringD-ch)/2))
	r.countdown.Resize(fyne.NewSize(ringD, ch))
	hb := r.hotp.MinSize()
	r.hotp.Move(fyne.NewPos(s.Width-m.inner-hb.Width, codeY+(codeH-hb.Height)/2))
	r.hotp.Resize(hb)
	nw := r.next.MinSize().Width
	r.next.Move(fyne.NewPos(codeX, codeY+codeH+m.pad))
	r.next.Resize(fyne.NewSize(nw, m.statusH))
}

// codeGrid is the wide layout's grid of cards, with the list's keys: Enter
// copies the focused card's code, Delete deletes, Menu or Shift+F10 opens
// its menu, typing searches.
type codeGrid struct {
	widget.GridWrap
	shiftKeys
	u      *ui
	action listAction
	cardW  float32 // each card's width for the grid's width (cardWidthFor)
}

var _ desktop.Keyable = (*codeGrid)(nil)

// cardWidth is what the cards measure as their width. GridWrap gives
// every item the size of a freshly made one, so the cards ask the grid.
func (g *codeGrid) cardWidth() float32 { return g.cardW }

// Resize shares the new width among the columns. GridWrap takes its items'
// size only when refreshed, so a new card width refreshes it first; its
// Resize then counts the columns with that width.
func (g *codeGrid) Resize(s fyne.Size) {
	if w := cardWidthFor(s.Width, g.Theme().Size(theme.SizeNamePadding)); w != g.cardW {
		g.cardW = w
		g.Refresh()
	}
	g.GridWrap.Resize(s)
}

func newCodeGrid(length func() int, create func() fyne.CanvasObject, update func(widget.GridWrapItemID, fyne.CanvasObject)) *codeGrid {
	g := &codeGrid{}
	g.Length, g.CreateItem, g.UpdateItem = length, create, update
	g.ExtendBaseWidget(g)
	return g
}

func (g *codeGrid) FocusLost() {
	g.shift = false
	g.GridWrap.FocusLost()
}

// actOnFocused selects the focused card with action set, as codeList does.
func (g *codeGrid) actOnFocused(a listAction) {
	g.action = a
	g.GridWrap.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	g.action = actionCopy
}

func (g *codeGrid) TypedKey(k *fyne.KeyEvent) {
	listKey(g.u, k, g.shift, g.actOnFocused, g.GridWrap.TypedKey)
}

func (g *codeGrid) TypedRune(r rune) {
	if g.u != nil && g.u.list != nil && r != ' ' {
		g.u.typeToSearch(r)
	}
}

func (g *codeGrid) TypedShortcut(s fyne.Shortcut) { listShortcut(g.u, s) }

// wideSwitch lays the list or the grid out, whichever the window's width
// asks for, and swaps them when the width crosses wideWidth.
type wideSwitch struct{ l *listScreen }

func (w *wideSwitch) MinSize(objs []fyne.CanvasObject) fyne.Size { return visibleMin(objs) }

func (w *wideSwitch) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w.l.setWide(w.l.u.win.Canvas().Size().Width >= wideWidth)
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

// setWide shows the cards or the rows; the keyboard focus goes along.
func (l *listScreen) setWide(wide bool) {
	if wide == l.wide {
		return
	}
	l.wide = wide
	c := l.u.win.Canvas()
	had := c.Focused() == fyne.Focusable(l.list) || c.Focused() == fyne.Focusable(l.grid)
	l.list.Hidden, l.grid.Hidden = wide, !wide
	if wide {
		l.grid.Refresh()
	} else {
		l.list.Refresh()
	}
	if had {
		c.Focus(l.codes())
	}
}

// codes is the list or the grid, whichever is shown.
func (l *listScreen) codes() fyne.Focusable {
	if l.wide {
		return l.grid
	}
	return l.list
}

package app

import (
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Tooltips for icon buttons. Fyne 2.7 has none. A tip shows after the
// pointer rests on a button for tipDelay and goes when it leaves or
// clicks. Like a toast it is drawn in the window's content layer, not as
// an overlay, so it never takes the keyboard. Phones have no pointer to
// rest: no tips there.

const timerTip = "tooltip"

// tipDelay is how long the pointer rests before a tip shows: long enough
// not to flash tips while the pointer crosses the bar.
const tipDelay = 700 * time.Millisecond

// tipButton is an icon button with a tooltip.
type tipButton struct {
	widget.Button
	u       *ui
	tip     string
	cancel  func()
	focused bool
	onHover func(in bool) // the pointer came onto the button (true) or left
}

var _ desktop.Hoverable = (*tipButton)(nil)

// iconButton makes an icon button whose tooltip says what it does (and
// its shortcut).
func (u *ui) iconButton(icon fyne.Resource, tip string, imp widget.Importance, tapped func()) *tipButton {
	b := &tipButton{u: u, tip: tip}
	b.Icon, b.Importance, b.OnTapped = icon, imp, tapped
	b.ExtendBaseWidget(b)
	return b
}

func (b *tipButton) MouseIn(e *desktop.MouseEvent) {
	b.Button.MouseIn(e)
	if b.onHover != nil {
		b.onHover(true)
	}
	if isMobile() || b.tip == "" {
		return
	}
	b.stop()
	b.cancel = b.u.timers.after(timerTip, tipDelay, func() {
		b.cancel = nil
		b.u.tips.show(b)
	})
}

func (b *tipButton) MouseOut() {
	b.Button.MouseOut()
	b.stop()
	if b.onHover != nil {
		b.onHover(false)
	}
}

func (b *tipButton) Tapped(e *fyne.PointEvent) {
	b.stop()
	b.Button.Tapped(e)
}

// A focused button is outlined in the foreground colour. Fyne marks focus
// with a faint tint that cannot be seen on the blue + button.

func (b *tipButton) FocusGained() {
	b.Button.FocusGained()
	b.focused = true
	b.Refresh()
}

func (b *tipButton) FocusLost() {
	b.Button.FocusLost()
	b.focused = false
	b.Refresh()
}

func (b *tipButton) CreateRenderer() fyne.WidgetRenderer {
	ring := &canvas.Rectangle{StrokeWidth: 2}
	ring.Hide()
	return &ringRenderer{WidgetRenderer: b.Button.CreateRenderer(), b: b, ring: ring}
}

// ringRenderer is the button's renderer with the focus outline on top.
type ringRenderer struct {
	fyne.WidgetRenderer
	b    *tipButton
	ring *canvas.Rectangle
}

func (r *ringRenderer) Layout(s fyne.Size) {
	r.WidgetRenderer.Layout(s)
	r.ring.Resize(s)
}

func (r *ringRenderer) Refresh() {
	r.WidgetRenderer.Refresh()
	r.ring.StrokeColor = theme.ColorForWidget(theme.ColorNameForeground, r.b)
	r.ring.CornerRadius = theme.SizeForWidget(theme.SizeNameInputRadius, r.b)
	r.ring.Hidden = !r.b.focused
	r.ring.Refresh()
}

func (r *ringRenderer) Objects() []fyne.CanvasObject {
	return append(slices.Clone(r.WidgetRenderer.Objects()), r.ring)
}

// stop cancels a tip about to show and hides one on show.
func (b *tipButton) stop() {
	if b.cancel != nil {
		b.cancel()
		b.cancel = nil
	}
	b.u.tips.hide(b)
}

// tipper shows the window's one tooltip in a layer over the screen.
type tipper struct {
	layer *fyne.Container
	owner *tipButton
}

func newTipper() *tipper { return &tipper{layer: container.NewWithoutLayout()} }

// show puts b's tip under it (above it near the bottom), inside the
// window.
func (t *tipper) show(b *tipButton) {
	drv := fyne.CurrentApp().Driver()
	if drv.CanvasForObject(b) == nil || !b.Visible() {
		return // the button's screen went away meanwhile
	}
	tip := &tooltip{text: &widget.Label{Text: b.tip, SizeName: theme.SizeNameCaptionText}}
	tip.ExtendBaseWidget(tip)
	t.owner = b
	t.layer.Objects = []fyne.CanvasObject{tip}
	area := t.layer.Size()
	at := drv.AbsolutePositionForObject(b).Subtract(drv.AbsolutePositionForObject(t.layer))
	s := tip.MinSize()
	x := min(max(0, at.X+(b.Size().Width-s.Width)/2), area.Width-s.Width)
	y := at.Y + b.Size().Height + theme.Padding()
	if y+s.Height > area.Height {
		y = at.Y - s.Height - theme.Padding()
	}
	tip.Move(fyne.NewPos(max(0, x), max(0, y)))
	tip.Resize(s)
	t.layer.Refresh()
	trace("tooltip " + b.tip)
}

// hide takes down the tip if b owns it (nil: any tip).
func (t *tipper) hide(b *tipButton) {
	if t.owner == nil || (b != nil && t.owner != b) {
		return
	}
	t.owner = nil
	t.layer.Objects = nil
	t.layer.Refresh()
}

// text is the tip on show, "" when none (tests).
func (t *tipper) text() string {
	if t.owner == nil {
		return ""
	}
	return t.owner.tip
}

// tooltip is the tip itself: a caption on a panel, like a small toast.
type tooltip struct {
	widget.BaseWidget
	text *widget.Label
}

func (t *tooltip) CreateRenderer() fyne.WidgetRenderer { return newPanelRenderer(t, t.text) }

package app

import (
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Toasts: short notices ("Copied", "Saved", "Imported", "Deleted — Undo")
// drawn over the bottom of the window for a few seconds. They are part of
// the window's content, not an overlay: Fyne gives every overlay a focus
// manager of its own and sends the keys there, so a popup notice would take
// the keyboard from the search field or the list. Always the same place,
// the bottom middle, at most one at a time (a new one replaces the old).

// toastMaxWidth keeps a notice a readable line length on a wide window.
const toastMaxWidth = 440

// toastAction is a button on a toast (Undo), and what to do when the
// toast goes without it being pressed (wipe what the undo kept).
type toastAction struct {
	label  string
	icon   fyne.Resource
	do     func()
	expire func()
}

// toaster shows the toasts of one window. layer is stacked over every
// screen by ui.show; it has no size of its own, so a long notice never
// widens the window.
type toaster struct {
	u      *ui
	layer  *fyne.Container
	cur    *toast
	action *toastAction
	cancel func()
	// left is the time the toast had left when the pointer came over it:
	// a notice being read or reached for does not go away under the
	// pointer (with an Undo on it, that would lose the way back).
	deadline time.Time
	left     time.Duration
	paused   bool
}

func newToaster(u *ui) *toaster {
	return &toaster{u: u, layer: container.New(&toastLayout{})}
}

// show puts msg up, replacing any toast on show, for a time that grows
// with its length; with an action, longer, so that there is time to reach
// the button.
func (t *toaster) show(msg string, action *toastAction) {
	t.hide()
	t.cur = newToast(t, msg, action)
	t.action = action
	t.layer.Objects = []fyne.CanvasObject{t.cur}
	t.layer.Refresh()
	t.paused = false
	t.schedule(toastDuration(msg, action != nil))
	trace("toast")
}

func (t *toaster) schedule(d time.Duration) {
	t.deadline = time.Now().Add(d)
	t.cancel = t.u.timers.after(timerNotice, d, t.hide)
}

// hover holds the toast while the pointer is over it, and gives it back
// the time it had left (3 s at least, to read or reach the button) when the
// pointer leaves.
func (t *toaster) hover(in bool) {
	if t.cur == nil || in == t.paused {
		return
	}
	t.paused = in
	if in {
		if t.cancel != nil {
			t.cancel()
			t.cancel = nil
		}
		t.left = time.Until(t.deadline)
		trace("toast held")
		return
	}
	t.schedule(max(t.left, 3*time.Second))
}

// toastDuration is 4 s for a short notice, about a second more per 15
// characters beyond 40 (reading time), at most 10 s; 8 s at least when
// there is something to undo.
func toastDuration(msg string, action bool) time.Duration {
	d := 4*time.Second + time.Duration(max(0, utf8.RuneCountInString(msg)-40))*time.Second/15
	if action {
		d = max(d, 8*time.Second)
	}
	return min(d, 10*time.Second)
}

// hide takes the toast down; an action not taken expires.
func (t *toaster) hide() {
	if t.cancel != nil {
		t.cancel()
		t.cancel = nil
	}
	if a := t.action; a != nil {
		t.action = nil
		if a.expire != nil {
			a.expire()
		}
	}
	if t.cur == nil {
		return
	}
	t.cur = nil
	t.paused = false
	t.layer.Objects = nil
	t.layer.Refresh()
	trace("toast hidden")
}

// act runs the toast's action once and takes the toast down.
func (t *toaster) act() {
	a := t.action
	if a == nil {
		return
	}
	t.action = nil // taken: it does not expire
	t.hide()
	a.do()
}

// text is the message on show, "" when none (tests).
func (t *toaster) text() string {
	if t.cur == nil {
		return ""
	}
	return t.cur.msg.Text()
}

// toast is the notice itself: the message and an optional button on a
// rounded panel in the theme's overlay colour with a border, so it reads
// as lifted above the list in the light and the dark theme alike; the
// text is the theme's foreground on it, as in a menu.
type toast struct {
	widget.BaseWidget
	t   *toaster
	msg *wrapLabel
	btn *toastButton
}

// toastButton is the toast's button; the pointer over it holds the toast
// as over the rest of it (Fyne sends hover events to the button, not to
// the toast beneath).
type toastButton struct {
	widget.Button
	t *toaster
}

func (b *toastButton) MouseIn(e *desktop.MouseEvent) {
	b.Button.MouseIn(e)
	b.t.hover(true)
}

func (b *toastButton) MouseOut() {
	b.Button.MouseOut()
	b.t.hover(false)
}

// MouseIn, MouseMoved and MouseOut hold the toast under the pointer.
func (o *toast) MouseIn(*desktop.MouseEvent)    { o.t.hover(true) }
func (o *toast) MouseMoved(*desktop.MouseEvent) {}
func (o *toast) MouseOut()                      { o.t.hover(false) }

func newToast(t *toaster, msg string, action *toastAction) *toast {
	o := &toast{t: t, msg: wrapped(&widget.Label{Text: msg})}
	if action != nil {
		o.btn = &toastButton{Button: widget.Button{Text: action.label, Icon: action.icon, OnTapped: t.act}, t: t}
		o.btn.ExtendBaseWidget(o.btn)
	}
	o.ExtendBaseWidget(o)
	return o
}

// natural is the width of the toast on one line: the text as measured,
// the label's and the panel's padding, and the button.
func (o *toast) natural() float32 {
	th := o.Theme()
	w := fyne.MeasureText(o.msg.Text(), th.Size(theme.SizeNameText), fyne.TextStyle{}).Width
	w += 2*th.Size(theme.SizeNameInnerPadding) + 2*th.Size(theme.SizeNamePadding) + 2 // +2: rounding
	if o.btn != nil {
		w += o.btn.MinSize().Width + th.Size(theme.SizeNamePadding)
	}
	return w
}

// Tapped takes a click on the panel, so it does not reach the row beneath,
// and dismisses the notice.
func (o *toast) Tapped(*fyne.PointEvent) {
	if o.t.cur == o && o.t.action == nil {
		o.t.hide()
	}
}

func (o *toast) CreateRenderer() fyne.WidgetRenderer {
	var content fyne.CanvasObject = o.msg
	if o.btn != nil {
		content = container.NewBorder(nil, nil, nil, container.NewCenter(o.btn), o.msg)
	}
	return newPanelRenderer(o, content)
}

// panelRenderer draws content on a rounded panel in the theme's overlay
// colour with a border, for toasts and tooltips.
type panelRenderer struct {
	w       fyne.Widget
	bg      *canvas.Rectangle
	content fyne.CanvasObject
}

func newPanelRenderer(w fyne.Widget, content fyne.CanvasObject) *panelRenderer {
	r := &panelRenderer{w: w, bg: &canvas.Rectangle{StrokeWidth: 1}, content: content}
	r.Refresh()
	return r
}

func (r *panelRenderer) pad() float32 { return theme.SizeForWidget(theme.SizeNamePadding, r.w) }

func (r *panelRenderer) Layout(s fyne.Size) {
	r.bg.Resize(s)
	p := r.pad()
	r.content.Move(fyne.NewPos(p, p))
	r.content.Resize(s.SubtractWidthHeight(2*p, 2*p))
}

func (r *panelRenderer) MinSize() fyne.Size {
	p := r.pad()
	return r.content.MinSize().AddWidthHeight(2*p, 2*p)
}

// Refresh reads the theme again, so a light/dark switch while a panel is
// up redraws it in the new colours.
func (r *panelRenderer) Refresh() {
	v := fyne.CurrentApp().Settings().ThemeVariant()
	th := fyne.CurrentApp().Settings().Theme()
	r.bg.FillColor = th.Color(theme.ColorNameOverlayBackground, v)
	r.bg.StrokeColor = th.Color(theme.ColorNameInputBorder, v)
	r.bg.CornerRadius = th.Size(theme.SizeNameInputRadius)
	r.bg.Refresh()
	r.content.Refresh()
}

func (r *panelRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.bg, r.content} }
func (r *panelRenderer) Destroy()                     {}

// toastLayout puts the one toast at the bottom middle, as wide as its text
// needs up to toastMaxWidth and the window's width, its height measured at
// that width (wrapped text is taller when narrower). Its own minimum size
// is zero: the window never grows for a notice.
type toastLayout struct{}

func (*toastLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.Size{} }

func (*toastLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	p := theme.Padding()
	for _, o := range objs {
		w := min(size.Width-4*p, toastMaxWidth)
		if t, ok := o.(*toast); ok {
			w = min(w, t.natural())
		}
		o.Resize(fyne.NewSize(w, o.MinSize().Height))
		h := o.MinSize().Height
		o.Resize(fyne.NewSize(w, h))
		o.Move(fyne.NewPos((size.Width-w)/2, size.Height-h-3*p))
	}
}

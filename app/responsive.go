package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The seams between the desktop and the phone layout. Screens ask isMobile
// instead of using build tags, so that `go test -tags mobile ./app/` (fyne's
// test driver then reports a mobile device) runs the phone code paths and
// the plain test run the desktop ones.

// isMobile reports whether Nidan runs on a phone or tablet (or fyne's phone
// simulation, `go build -tags mobile`): touch only, no hover, no tray, no
// screen to capture, no keyboard shortcuts.
func isMobile() bool { return fyne.CurrentDevice().IsMobile() }

// touchTarget is the smallest height and width of anything a finger taps,
// in points (Apple's 44 pt; Android's 48 dp is about the same size).
const touchTarget = 44

// phoneTheme makes fyne's default sizes touch-sized on phones: more inner
// padding lifts buttons, entries, selects and list rows to touchTarget, and
// 16 pt text is the size phones' own apps use for body text.
type phoneTheme struct{ fyne.Theme }

func (t phoneTheme) Size(n fyne.ThemeSizeName) float32 {
	switch n {
	case theme.SizeNameText:
		return 16
	case theme.SizeNameInnerPadding:
		return 13
	}
	return t.Theme.Size(n)
}

// forDevice is th, made touch-sized on phones.
func forDevice(th fyne.Theme) fyne.Theme {
	if isMobile() {
		return phoneTheme{th}
	}
	return th
}

// column lays its objects out in a centred column at most w wide. The
// column is as wide as the space it gets, up to w, so on a phone narrower
// than w it fills the width and wrapped text wraps to it, instead of
// demanding w and running off the right edge. Its minimum width is only
// what its objects need. With room to spare it sits in the middle
// vertically when middle is set, else at the top.
type column struct {
	w      float32
	middle bool
}

func (c *column) MinSize(objs []fyne.CanvasObject) fyne.Size { return visibleMin(objs) }

// visibleMin is the smallest size that holds each visible object.
func visibleMin(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		if o.Visible() {
			s = s.Max(o.MinSize())
		}
	}
	return s
}

func (c *column) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		m := o.MinSize()
		w := max(m.Width, min(size.Width, c.w))
		h := max(m.Height, size.Height)
		y := float32(0)
		if c.middle {
			// The min height depends on the width for wrapped text:
			// measure again now that the width is known.
			o.Resize(fyne.NewSize(w, m.Height))
			h = o.MinSize().Height
			y = max(0, (size.Height-h)/2)
		}
		o.Move(fyne.NewPos((size.Width-w)/2, y))
		o.Resize(fyne.NewSize(w, h))
	}
}

// scrollColumn is the body of every full-window screen: a column of limited
// width in a vertical scroll, so a screen taller than a phone (or than the
// space left above the soft keyboard) scrolls instead of being cut off.
func scrollColumn(w float32, middle bool, objs ...fyne.CanvasObject) *container.Scroll {
	col := container.New(&column{w: w, middle: middle}, container.NewVBox(objs...))
	s := container.NewVScroll(container.NewPadded(col))
	return s
}

// fitDialog sizes a dialog to width w, or to the window's width less a
// margin where the window (a phone) is narrower, and never below what the
// dialog needs. It sizes twice: a wrapped label asks for the height of its
// text at the width it last had, narrow before the first pass, which left
// an empty band under a short message.
func fitDialog(d dialog.Dialog, win fyne.Window, w float32) {
	if avail := win.Canvas().Size().Width - 2*theme.Padding(); avail > 0 && avail < w {
		w = avail
	}
	d.Resize(fyne.NewSize(w, 0).Max(d.MinSize()))
	d.Resize(fyne.NewSize(w, 0).Max(d.MinSize()))
}

// keepFocusVisible wraps a screen's scroll. When the screen shrinks, as it
// does on a phone when the soft keyboard opens over its bottom part, it
// scrolls so that the field being typed into stays in sight.
type keepFocusVisible struct {
	widget.BaseWidget
	win    fyne.Window
	scroll *container.Scroll
}

func newKeepFocusVisible(win fyne.Window, s *container.Scroll) *keepFocusVisible {
	k := &keepFocusVisible{win: win, scroll: s}
	k.ExtendBaseWidget(k)
	return k
}

func (k *keepFocusVisible) CreateRenderer() fyne.WidgetRenderer {
	return &keepFocusRenderer{k: k}
}

type keepFocusRenderer struct {
	k    *keepFocusVisible
	last fyne.Size
}

func (r *keepFocusRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.k.scroll} }
func (r *keepFocusRenderer) MinSize() fyne.Size           { return r.k.scroll.MinSize() }
func (r *keepFocusRenderer) Refresh()                     { r.k.scroll.Refresh() }
func (r *keepFocusRenderer) Destroy()                     {}

func (r *keepFocusRenderer) Layout(s fyne.Size) {
	r.k.scroll.Resize(s)
	shrunk := s.Height < r.last.Height
	r.last = s
	if shrunk {
		r.k.showFocused()
	}
}

// showFocused scrolls the focused object into view if it is inside the
// scroll and out of sight.
func (k *keepFocusVisible) showFocused() {
	f, ok := k.win.Canvas().Focused().(fyne.CanvasObject)
	if !ok || f == nil || k.scroll.Content == nil {
		return
	}
	d := fyne.CurrentApp().Driver()
	top := d.AbsolutePositionForObject(k.scroll.Content)
	pos := d.AbsolutePositionForObject(f).Subtract(top) // in the content
	cs := k.scroll.Content.Size()
	if pos.X < 0 || pos.Y < 0 || pos.X > cs.Width || pos.Y > cs.Height {
		return // not in this scroll (a dialog's field)
	}
	view := k.scroll.Size().Height
	off := k.scroll.Offset.Y
	switch {
	case pos.Y+f.Size().Height > off+view:
		off = pos.Y + f.Size().Height - view + theme.Padding()
	case pos.Y < off:
		off = pos.Y - theme.Padding()
	default:
		return
	}
	k.scroll.ScrollToOffset(fyne.NewPos(0, max(0, off)))
}

// onDevice is desktop, or phone on a phone: texts that say "this
// computer" say "this phone" there.
func onDevice(desktop, phone string) string {
	if isMobile() {
		return phone
	}
	return desktop
}

// phoneForm is widget.NewForm, made to fit a phone: labels above the
// fields, and each hint (or the field's validation message) in a wrapped
// label under its field. Fyne draws form hints as one unwrapped line, which
// runs off a phone's edge.
func phoneForm(items ...*widget.FormItem) *widget.Form {
	f := widget.NewForm(phoneItems(items)...)
	if isMobile() {
		f.Orientation = widget.Vertical
	}
	return f
}

// phoneItems moves the items' hints into wrapped labels on a phone (see
// phoneForm); form dialogs use it directly.
func phoneItems(items []*widget.FormItem) []*widget.FormItem {
	if !isMobile() {
		return items
	}
	for _, it := range items {
		hint := it.HintText
		v, validates := it.Widget.(fyne.Validatable)
		if hint == "" && !validates {
			continue
		}
		// A wrapLabel: a plain label's character wrap split Japanese
		// words (クリップボー|ド, バックグラ|ウンド).
		l := wrapped(&widget.Label{Text: hint, Importance: widget.LowImportance})
		l.Hidden = hint == ""
		if validates {
			// The form no longer sees the field (it sees the box), so
			// the field reports to the label instead.
			v.SetOnValidationChanged(func(err error) {
				text, importance, hidden := hint, widget.LowImportance, hint == ""
				if err != nil {
					text, importance, hidden = err.Error(), widget.DangerImportance, false
				}
				l.l.Importance = importance
				l.SetText(text)
				if hidden {
					l.Hide()
				} else {
					l.Show()
				}
			})
		}
		it.HintText = ""
		it.Widget = container.NewVBox(it.Widget, l)
	}
	return items
}

package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/nidan-auth/nidan/internal/linebreak"
)

// wrapLabel is a label whose text wraps at the width it is given. English
// wraps at spaces (Fyne's word wrap). Japanese has no spaces: Fyne's word
// wrap would keep a sentence on one line and widen the window, and its
// character wrap starts lines with 。 or ー and splits バックアップ. So in
// Japanese the lines are broken by internal/linebreak, measured with
// fyne.MeasureText at the label's width, and given to the label with
// newlines; the label keeps character wrap as a net, which has a minimum
// width of one character, so the window never grows for a long text.
type wrapLabel struct {
	widget.BaseWidget
	l    *widget.Label
	full string  // the text as set, without the breaks
	at   float32 // the width the breaks were made for; -1: none yet
	ja   bool
	// minLines keeps room for that many lines, so that a hint changing
	// from one line to two does not move what is below it as one types.
	minLines int
}

// wrapped makes l (its text, importance, alignment, size, style) a
// wrapping label in the current language.
func wrapped(l *widget.Label) *wrapLabel {
	w := &wrapLabel{}
	w.init(l)
	w.ExtendBaseWidget(w)
	return w
}

func (w *wrapLabel) init(l *widget.Label) {
	w.l, w.full, w.at, w.ja = l, l.Text, -1, currentLanguage() == "ja"
	l.Wrapping = wrapMode()
}

// Text is the text as set.
func (w *wrapLabel) Text() string { return w.full }

// SetText changes the text; it is broken again for the width on show.
func (w *wrapLabel) SetText(s string) {
	w.full = s
	w.at = -1
	w.l.SetText(w.lines(w.Size().Width))
}

// lines is the text broken for a label of width (Japanese only).
func (w *wrapLabel) lines(width float32) string {
	if !w.ja || width <= 0 {
		return w.full
	}
	th := w.l.Theme()
	size := th.Size(w.l.SizeName)
	if w.l.SizeName == "" {
		size = th.Size(theme.SizeNameText)
	}
	style := w.l.TextStyle
	avail := width - 2*th.Size(theme.SizeNameInnerPadding)
	measure := func(s string) float32 { return fyne.MeasureText(s, size, style).Width }
	return strings.Join(linebreak.Wrap(w.full, avail, measure), "\n")
}

func (w *wrapLabel) CreateRenderer() fyne.WidgetRenderer { return &wrapRenderer{w: w} }

type wrapRenderer struct{ w *wrapLabel }

// Layout breaks the lines again when the width changed, then lays the
// label out; the label's new height reaches the parent's layout through
// Fyne's minimum-size check on the next frame.
func (r *wrapRenderer) Layout(s fyne.Size) {
	w := r.w
	if w.ja && s.Width != w.at {
		w.at = s.Width
		if t := w.lines(s.Width); t != w.l.Text {
			w.l.Text = t
			w.l.Refresh()
			trace("wrap " + strings.ReplaceAll(t, "\n", "|")) // the real-window tests check the breaks
		}
	}
	w.l.Resize(s)
}

func (r *wrapRenderer) MinSize() fyne.Size {
	m := r.w.l.MinSize()
	if n := r.w.minLines; n > 1 {
		probe := &widget.Label{Text: strings.Repeat("M\n", n-1) + "M", SizeName: r.w.l.SizeName, TextStyle: r.w.l.TextStyle}
		m.Height = max(m.Height, probe.MinSize().Height)
	}
	return m
}

func (r *wrapRenderer) Refresh()                     { r.w.l.Refresh() }
func (r *wrapRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.w.l} }
func (r *wrapRenderer) Destroy()                     {}

// hinted puts a hint under a form field as a wrapped caption. A form
// item's own hint line never wraps, so a long hint (in Japanese, any hint)
// widened the window, and it stayed wide after leaving the screen.
func hinted(field fyne.CanvasObject, hint string) fyne.CanvasObject {
	return container.NewVBox(field, wrapped(&widget.Label{Text: hint, Importance: widget.LowImportance, SizeName: theme.SizeNameCaptionText}))
}

// tapWrap is a wrapLabel that does something when clicked: the text of a
// check box, which Fyne's Check cannot wrap (a long one widened the
// window).
type tapWrap struct {
	wrapLabel
	onTap func()
}

func (t *tapWrap) Tapped(*fyne.PointEvent) {
	if t.onTap != nil {
		t.onTap()
	}
}

// wrappedCheck lays a check box out with its text as a wrapped label
// beside it; a click on the text toggles the box, as on the box's own text.
func wrappedCheck(c *keyCheck) fyne.CanvasObject {
	text := c.Text
	c.Text = ""
	t := &tapWrap{onTap: func() {
		if !c.Disabled() {
			c.SetChecked(!c.Checked)
		}
	}}
	t.init(&widget.Label{Text: text})
	t.ExtendBaseWidget(t)
	return container.NewBorder(nil, nil, c, nil, t)
}

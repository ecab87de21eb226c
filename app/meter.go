package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// strengthMeter is a thin bar of four segments under the password field:
// as many light up as the password scores, red for weak, amber for fair,
// green for good. A progress bar would be as tall as a button.
type strengthMeter struct {
	widget.BaseWidget
	segs  [4]*canvas.Rectangle
	score int
}

var _ fyne.Widget = (*strengthMeter)(nil)

func newStrengthMeter() *strengthMeter {
	m := &strengthMeter{}
	for i := range m.segs {
		m.segs[i] = &canvas.Rectangle{CornerRadius: 2}
	}
	m.ExtendBaseWidget(m)
	return m
}

func (m *strengthMeter) set(score int) {
	if score == m.score {
		return
	}
	m.score = score
	m.Refresh()
}

func (m *strengthMeter) CreateRenderer() fyne.WidgetRenderer {
	objs := make([]fyne.CanvasObject, len(m.segs))
	for i, r := range m.segs {
		objs[i] = r
	}
	r := &meterRenderer{m: m, grid: container.NewGridWithColumns(len(m.segs), objs...)}
	r.Refresh()
	return r
}

type meterRenderer struct {
	m    *strengthMeter
	grid *fyne.Container
}

func (r *meterRenderer) Layout(s fyne.Size) { r.grid.Resize(s) }

// MinSize is one padding high: a line, not a control.
func (r *meterRenderer) MinSize() fyne.Size {
	return fyne.NewSize(r.grid.MinSize().Width, r.m.Theme().Size(theme.SizeNamePadding))
}

func (r *meterRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.grid} }

func (r *meterRenderer) Destroy() {}

func (r *meterRenderer) Refresh() {
	th := r.m.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	on := th.Color(theme.ColorNameError, v)
	switch {
	case r.m.score >= 3:
		on = th.Color(theme.ColorNameSuccess, v)
	case r.m.score == 2:
		on = th.Color(theme.ColorNameWarning, v)
	}
	off := th.Color(theme.ColorNameInputBorder, v)
	for i, seg := range r.m.segs {
		seg.FillColor = off
		if i < r.m.score {
			seg.FillColor = on
		}
		seg.Refresh()
	}
}

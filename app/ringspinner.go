package app

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// ringSpinner is the unlock screen's busy indicator while Argon2id derives
// the key: an arc turning over a track, drawn as the rows' countdown rings
// are.
//
// It is drawn with an arc as the list's first frame is. A GL driver
// compiles a kind of drawing the first time it meets it, and with llvmpipe
// the first arc cost ~80 ms of CPU, which fell on the first frame after
// unlocking (Fyne's own spinner draws only circles). Now that happens
// during the key derivation, which keeps one core busy for about a second
// anyway (docs/gui.md, "make bench-ui").
type ringSpinner struct {
	widget.BaseWidget
	track *canvas.Circle
	arc   *canvas.Arc
	anim  *fyne.Animation
}

// spinArc is the turning arc's length in degrees.
const spinArc = 100

func newRingSpinner() *ringSpinner {
	s := &ringSpinner{
		track: &canvas.Circle{},
		arc:   &canvas.Arc{CutoutRatio: ringCutout, EndAngle: spinArc},
	}
	s.anim = fyne.NewAnimation(time.Second, func(f float32) {
		s.arc.StartAngle = 360 * f
		s.arc.EndAngle = s.arc.StartAngle + spinArc
		s.arc.Refresh()
	})
	s.anim.Curve = fyne.AnimationLinear
	s.anim.RepeatCount = fyne.AnimationRepeatForever
	s.ExtendBaseWidget(s)
	return s
}

// Start turns the arc; Stop ends the animation, so none outlives the wait.
func (s *ringSpinner) Start() { s.anim.Start() }
func (s *ringSpinner) Stop()  { s.anim.Stop() }

func (s *ringSpinner) CreateRenderer() fyne.WidgetRenderer {
	r := &ringSpinnerRenderer{s: s}
	r.Refresh()
	return r
}

type ringSpinnerRenderer struct{ s *ringSpinner }

// diameter is the ring's: twice an inline icon, a row's avatar size.
func (r *ringSpinnerRenderer) diameter() float32 {
	return 2 * r.s.Theme().Size(theme.SizeNameInlineIcon)
}

func (r *ringSpinnerRenderer) MinSize() fyne.Size { return fyne.NewSquareSize(r.diameter()) }

func (r *ringSpinnerRenderer) Layout(size fyne.Size) {
	d := r.diameter()
	pos := fyne.NewPos((size.Width-d)/2, (size.Height-d)/2)
	for _, o := range []fyne.CanvasObject{r.s.track, r.s.arc} {
		o.Move(pos)
		o.Resize(fyne.NewSquareSize(d))
	}
	r.s.track.StrokeWidth = d * (1 - ringCutout) / 2
}

func (r *ringSpinnerRenderer) Refresh() {
	th, v := r.s.Theme(), fyne.CurrentApp().Settings().ThemeVariant()
	r.s.arc.FillColor = th.Color(theme.ColorNamePrimary, v)
	r.s.track.StrokeColor = th.Color(theme.ColorNameInputBorder, v)
	r.Layout(r.s.Size())
	canvas.Refresh(r.s)
}

func (r *ringSpinnerRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.s.track, r.s.arc}
}

func (r *ringSpinnerRenderer) Destroy() {}

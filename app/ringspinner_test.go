package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
)

// TestUnlockBusyDrawsAnArc: while the key is derived, the unlock screen
// shows the ring spinner, an arc over a circle as the rows' rings, so that
// the GL driver compiles the arc's drawing during the wait rather than in
// the list's first frame (ringSpinner). Once the wait is over no arc stays
// on screen.
func TestUnlockBusyDrawsAnArc(t *testing.T) {
	u, _ := newTestUI(t)
	u.setupWindow()
	u.showLocked(false)
	s := u.locked
	kinds := func() (arc, circle bool) {
		walk(u.win.Content(), func(o fyne.CanvasObject) {
			switch o := o.(type) {
			case *canvas.Arc:
				arc = arc || o.FillColor != nil && o.StartAngle != o.EndAngle
			case *canvas.Circle:
				circle = true
			}
		})
		return
	}
	if a, _ := kinds(); a {
		t.Fatal("the unlock screen shows an arc before Unlock")
	}
	s.setBusy(true)
	if a, c := kinds(); !a || !c {
		t.Errorf("while busy: arc %v, circle %v; want both", a, c)
	}
	if h := s.spinner.MinSize().Height; h < 2*s.spinner.Theme().Size(theme.SizeNameInlineIcon) {
		t.Errorf("spinner %v high, smaller than a row's avatar", h)
	}
	s.setBusy(false)
	if a, _ := kinds(); a {
		t.Error("after the wait an arc is still shown")
	}
}

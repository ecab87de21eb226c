package app

import (
	"image"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

	"github.com/nidan-auth/nidan/internal/brandlogo"
)

// Logos whose minified paths have arcs (Discord's "0 00-4.88") drew as
// empty discs: Fyne's rasteriser read the run-together flags as one number.
// Each must now put glyph pixels on the canvas.
func TestArcLogosDraw(t *testing.T) {
	test.NewTempApp(t)
	ls := newLogos(brandlogo.New(), true, nil)
	w := test.NewWindow(nil)
	defer w.Close()
	for _, slug := range []string{"discord", "docker", "firefox", "ebay", "coinbase", "nordvpn"} {
		ic, ok := ls.cat.Get(slug)
		if !ok {
			t.Fatalf("no %s logo in the catalogue", slug)
		}
		img := canvas.NewImageFromResource(ls.resource(ic))
		w.SetContent(container.NewStack(canvas.NewRectangle(ic.Colour()), img))
		w.Resize(fyne.NewSize(48, 48))
		px := w.Canvas().Capture()
		ink := 0
		pos, sz := fyne.CurrentApp().Driver().AbsolutePositionForObject(img), img.Size()
		b := image.Rect(int(pos.X), int(pos.Y), int(pos.X+sz.Width), int(pos.Y+sz.Height)).Inset(3) // clear of the edges
		br, bg, bb, _ := ic.Colour().RGBA()
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				r, g, bl, _ := px.At(x, y).RGBA()
				if max(absDiff(r, br), absDiff(g, bg), absDiff(bl, bb)) > 0x4000 {
					ink++
				}
			}
		}
		if ink < 100 {
			t.Errorf("%s: %d pixels of logo drawn, want a glyph", slug, ink)
		}
		if slug != "discord" {
			continue
		}
		// Drawn right, not as a blob: the eyes (at 8, 12.9 and 16, 12.9 of
		// its 24 × 24 box) are holes showing the disc, and so is the notch
		// between the ears at the top middle.
		at := func(x, y float64) bool { // glyph ink there?
			r, g, bl, _ := px.At(int(pos.X+float32(x)/24*sz.Width), int(pos.Y+float32(y)/24*sz.Height)).RGBA()
			return max(absDiff(r, br), absDiff(g, bg), absDiff(bl, bb)) > 0x4000
		}
		if at(8, 12.9) || at(16, 12.9) || at(12, 5) || !at(4, 12) || !at(20, 12) {
			t.Errorf("Discord's logo is misdrawn: ink at eyes %v %v, notch %v; cheeks %v %v", at(8, 12.9), at(16, 12.9), at(12, 5), at(4, 12), at(20, 12))
		}
	}
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

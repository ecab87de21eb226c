package scanner

import (
	"image"
	"image/draw"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nidan-auth/nidan/internal/synth"
)

func TestFitHomography(t *testing.T) {
	want := homography{1.2, 0.3, 40, -0.2, 0.9, 15, 0.001, -0.0005, 1}
	var from, to []fpoint
	for _, p := range []fpoint{{0, 0}, {30, 0}, {30, 30}, {0, 30}, {15, 7}, {3, 22}} {
		q, _ := want.apply(p)
		from, to = append(from, p), append(to, q)
	}
	for _, n := range []int{4, 6} {
		h, ok := fitHomography(from[:n], to[:n])
		if !ok {
			t.Fatalf("%d points: no fit", n)
		}
		for _, p := range []fpoint{{0, 0}, {100, 50}, {-20, 80}} {
			a, _ := want.apply(p)
			b, _ := h.apply(p)
			if dist(a, b) > 1e-6 {
				t.Errorf("%d points: H%v = %v, want %v", n, p, b, a)
			}
		}
	}
	if _, ok := fitHomography(from[:3], to[:3]); ok {
		t.Error("fit from 3 points succeeded")
	}
	line := []fpoint{{0, 0}, {1, 1}, {2, 2}, {3, 3}}
	if _, ok := fitHomography(line, line); ok {
		t.Error("fit from collinear points succeeded")
	}
}

// binarize thresholds img at mid-grey into a gozxing matrix the way the
// passes see it.
func binarizeForTest(img image.Image) (gray, *blockStats) {
	g := toGray(img)
	return g, newBlockStats(g)
}

// warpedCode is a code turned by deg degrees and seen in perspective
// (one side pulled in), on a white page.
func warpedCode(t *testing.T, text string, module int, deg float64) *image.RGBA {
	t.Helper()
	c := mustCode(t, text, module)
	w := float64(c.Bounds().Dx())
	a := deg * math.Pi / 180
	// The square's corners, the right side shortened to 70 %, then
	// turned about the centre.
	sq := [4][2]float64{{0, 0}, {w, 0.15 * w}, {w, 0.85 * w}, {0, w}}
	var q [4][2]float64
	for i, p := range sq {
		x, y := p[0]-w/2, p[1]-w/2
		q[i] = [2]float64{x*math.Cos(a) - y*math.Sin(a) + w, x*math.Sin(a) + y*math.Cos(a) + w}
	}
	out, _ := synth.Warp(c, q, white)
	page := image.NewRGBA(out.Bounds().Inset(-40))
	draw.Draw(page, page.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(page, out.Bounds(), out, out.Bounds().Min, draw.Over)
	return page
}

func TestTraceFinder(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	img := warpedCode(t, synth.OTPAuth(r), 8, 40)
	_, st := binarizeForTest(img)
	dark, _ := st.threshold(false, false)
	cands := &candidates{}
	for _, p := range localStats(func() *blockStats { return st }, 1, fpoint{}, false, cands) {
		p.run()
	}
	var cs []candidate
	for _, c := range cands.pts {
		cs = addCandidate(cs, c)
	}
	var qs []finderQuad
	for _, c := range cs {
		if q, ok := traceFinder(dark, c.p, c.module); ok {
			qs = append(qs, q)
		}
	}
	if len(qs) < 3 {
		t.Fatalf("traced %d finders of %d candidates, want 3", len(qs), len(cs))
	}
	for _, q := range qs {
		// Modules are 8 px, shrunk to 70–100 % by the perspective.
		if q.module < 0.6*8 || q.module > 1.15*8 {
			t.Errorf("finder at %v: module %.1f px, want 5.6–8", q.centre, q.module)
		}
	}
	ts := quadTriples(qs)
	if len(ts) == 0 {
		t.Fatal("no triple of traced finders")
	}
	f, ok := decodePerspective(dark, [3]finderQuad{qs[ts[0][0]], qs[ts[0][1]], qs[ts[0][2]]})
	if !ok {
		t.Fatal("perspective sampler did not decode the turned, tilted code")
	}
	if f.module < 5 || f.module > 9 {
		t.Errorf("module %.1f", f.module)
	}
}

// TestDecodeCamera covers what a phone camera sees: a code turned and
// tilted, and a close-up whose modules are wider than the local
// threshold's window and whose quiet zone the frame cuts off.
func TestDecodeCamera(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	text := synth.OTPAuth(r)
	// A version 1 code has no alignment pattern for gozxing's detector
	// to correct its parallelogram with: turned and tilted, it read
	// none of these before the perspective sampler.
	for _, deg := range []float64{30, 45, 60, 160} {
		v1 := "VERSION 1 6CM"
		img := warpedCode(t, v1, 6, deg)
		rs, err := Decode(img)
		if err != nil || len(rs) != 1 || rs[0].Text != v1 {
			t.Errorf("turned %v° and tilted: %q, %v", deg, Texts(rs), err)
		}
	}
	c := mustCode(t, text, 60)
	// Keep one module of quiet zone: the frame is filled by the code.
	quiet := (c.Bounds().Dx() - 60*(c.Bounds().Dx()/60-8)) / 2
	crop := c.Bounds().Inset(quiet - 60)
	close := image.NewRGBA(image.Rect(0, 0, crop.Dx(), crop.Dy()))
	draw.Draw(close, close.Bounds(), c, crop.Min, draw.Src)
	rs, err := Decode(synth.Blur(close, 3))
	if err != nil || len(rs) != 1 || rs[0].Text != text {
		t.Errorf("close-up %v: %q, %v", close.Bounds(), Texts(rs), err)
	}
}

func TestPyramid(t *testing.T) {
	g := gray{pix: make([]byte, 3000*4000), w: 3000, h: 4000}
	lv := pyramid(g)
	var scales []int
	for _, l := range lv {
		scales = append(scales, l.scale)
	}
	if len(scales) != 3 || scales[0] != 8 || scales[2] != 2 {
		t.Fatalf("pyramid of 3000×4000: scales %v, want [8 4 2]", scales)
	}
	if c := lv[0].gray(); c.w != 375 || c.h != 500 {
		t.Errorf("coarsest level %d×%d", c.w, c.h)
	}
	if len(pyramid(gray{w: 640, h: 480, pix: make([]byte, 640*480)})) != 0 {
		t.Error("a webcam frame got a pyramid")
	}
}

// TestDecodeForeshortened is a code photographed at a steep angle from
// the side: half as wide as it is tall, and narrowing away from the
// camera. Its finder patterns fail gozxing's check that a pattern is as
// tall as wide; the squeeze stage halves the height to restore it.
func TestDecodeForeshortened(t *testing.T) {
	text := "TEST 10 CM"
	c := mustCode(t, text, 8)
	w := float64(c.Bounds().Dx())
	q := [4][2]float64{{0, 0}, {0.42 * w, 0.06 * w}, {0.42 * w, 0.94 * w}, {0, w}}
	out, _ := synth.Warp(c, q, white)
	page := image.NewRGBA(out.Bounds().Inset(-60))
	draw.Draw(page, page.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(page, out.Bounds(), out, out.Bounds().Min, draw.Over)
	rs, err := Decode(page)
	if err != nil || len(rs) != 1 || rs[0].Text != text {
		t.Fatalf("foreshortened: %q, %v", Texts(rs), err)
	}
}

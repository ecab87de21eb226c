package scanner

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
	"github.com/nidan-auth/nidan/internal/synth"
)

// washedFinder is a code with module px modules and one finder pattern
// (0 top-left, 1 top-right, 2 bottom-left) covered in flat light grey,
// as glare leaves it, turned by deg degrees on a white page.
func washedFinder(t *testing.T, text string, module, which int, deg float64) *image.RGBA {
	t.Helper()
	c := mustCode(t, text, module)
	n := c.Bounds().Dx() / module // modules, with the 4-module quiet zone
	x0, y0 := 4, 4
	switch which {
	case 1:
		x0 = n - 11
	case 2:
		y0 = n - 11
	}
	r := image.Rect(x0*module, y0*module, (x0+7)*module, (y0+7)*module)
	draw.Draw(c, r, image.NewUniform(color.Gray{225}), image.Point{}, draw.Src)
	if deg != 0 {
		c = synth.Rotate(c, deg, white)
	}
	page := image.NewRGBA(c.Bounds().Inset(-30))
	draw.Draw(page, page.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(page, c.Bounds(), c, c.Bounds().Min, draw.Src)
	return page
}

// TestDecodeTwoFinders reads codes of which one finder pattern is
// washed out: the neighbours case (top-left or bottom-left missing,
// the other two in line) and the diagonal case (top-left missing).
func TestDecodeTwoFinders(t *testing.T) {
	const text = "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example"
	for which := range 3 {
		for _, deg := range []float64{0, 25, 200} {
			img := washedFinder(t, text, 6, which, deg)
			rs, err := Decode(img)
			if err != nil || len(rs) != 1 || rs[0].Text != text {
				t.Errorf("finder %d washed out, turned %v°: %q, %v", which, deg, Texts(rs), err)
			}
		}
	}
}

// TestPairGuesses checks the guessed third finder against the real one.
func TestPairGuesses(t *testing.T) {
	const text = "PAIR GUESS"
	for _, deg := range []float64{0, 33} {
		img := synth.Rotate(mustCode(t, text, 8), deg, white)
		_, st := binarizeForTest(img)
		dark, _ := st.threshold(false, false)
		var qs []finderQuad
		for _, c := range looseFinders(dark) {
			if q, ok := traceFinder(dark, c.p, c.module); ok {
				qs = append(qs, q)
			}
		}
		if len(qs) != 3 {
			t.Fatalf("turned %v°: traced %d finders, want 3", deg, len(qs))
		}
		w, h := dark.GetWidth(), dark.GetHeight()
		for k := range 3 {
			a, b, miss := qs[(k+1)%3], qs[(k+2)%3], qs[k]
			best := math.Inf(1)
			for _, g := range pairGuesses(a, b, w, h) {
				best = min(best, dist(g.centre, miss.centre))
			}
			// Within two modules: the sampler's alignment search and
			// the timing patterns correct the rest.
			if best > 2*miss.module {
				t.Errorf("turned %v°: finder at %v guessed %.1f px off", deg, miss.centre, best)
			}
		}
	}
}

// TestLooseFinders covers a finder whose outer corner runs into a dark
// smudge: gozxing's diagonal check rejects it, the row and column
// checks alone accept it.
func TestLooseFinders(t *testing.T) {
	const module = 8
	img := mustCode(t, "SMUDGED CORNER", module)
	// A dark blot on the top-left finder's outer corner, reaching out
	// diagonally into the quiet zone.
	for i := range 3 * module {
		for j := range 3 * module / 2 {
			x, y := 4*module-i/2-j/2+module/2, 4*module-i/2+j/2-module
			img.Set(x, y, color.Black)
			img.Set(x-j/2, y+j/2+module/2, color.Black)
		}
	}
	_, st := binarizeForTest(img)
	dark, _ := st.threshold(false, false)
	tl := fpoint{7.5 * module, 7.5 * module}
	near := func(p fpoint) bool { return dist(p, tl) < module }
	strict := false
	detector.NewFinderPatternFinder(dark, gozxing.ResultPointCallback(func(rp gozxing.ResultPoint) {
		if near(fpoint{rp.GetX(), rp.GetY()}) {
			strict = true
		}
	})).Find(map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if strict {
		t.Fatal("gozxing's finder search accepts the smudged finder: the test image does not test anything")
	}
	loose := false
	for _, c := range looseFinders(dark) {
		if near(c.p) {
			loose = true
			if math.Abs(c.module-module) > 1.5 {
				t.Errorf("smudged finder: module %.1f, want %d", c.module, module)
			}
		}
	}
	if !loose {
		t.Error("looseFinders missed the smudged finder")
	}
}

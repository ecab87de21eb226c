package scanner

import (
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
)

// TestTimingAgrees checks the timing-pattern gate on module grids of
// generated codes: read right, with a fifth of the timing modules
// damaged, sampled at a wrong dimension, and with half of them wrong.
func TestTimingAgrees(t *testing.T) {
	for _, text := range []string{"short", "otpauth://totp/Nidan:timing@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Nidan"} {
		img := mustCode(t, text, 1)
		dim := img.Bounds().Dx() - 8 // the quiet zone is four modules a side
		grid := func(d int) *gozxing.BitMatrix {
			// The code resampled to d×d modules (nearest module).
			bits, _ := gozxing.NewSquareBitMatrix(d)
			for y := range d {
				for x := range d {
					if img.RGBAAt(4+x*dim/d, 4+y*dim/d).R < 128 {
						bits.Set(x, y)
					}
				}
			}
			return bits
		}
		bits := grid(dim)
		if !timingAgrees(bits, dim) {
			t.Errorf("%d×%d code read right fails the timing check", dim, dim)
		}
		if _, err := decoder.NewDecoder().Decode(grid(dim), nil); err != nil {
			t.Fatalf("%d×%d grid does not decode: %v", dim, dim, err)
		}
		damaged := grid(dim)
		flipped := 0
		for i := 8; i < dim-8; i += 5 {
			damaged.Flip(i, 6)
			damaged.Flip(6, i)
			flipped += 2
		}
		if !timingAgrees(damaged, dim) {
			t.Errorf("%d×%d code with %d of %d timing modules damaged fails the timing check", dim, dim, flipped, 2*(dim-16))
		}
		if d := dim + 4; timingAgrees(grid(d), d) {
			t.Errorf("%d×%d code sampled as %d×%d passes the timing check", dim, dim, d, d)
		}
		half := grid(dim)
		for i := 8; i < dim-8; i += 2 {
			half.Flip(i, 6)
			half.Flip(6, i)
		}
		if timingAgrees(half, dim) {
			t.Errorf("%d×%d code with every dark timing module flipped passes the timing check", dim, dim)
		}
	}
}

// TestSampleAtTiming checks that sampleAt refuses a grid whose timing
// patterns read wrong and returns a right one whole, as sampling the
// whole grid and then checking it would.
func TestSampleAtTiming(t *testing.T) {
	const text = "otpauth://totp/Nidan:sample@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Nidan"
	img := mustCode(t, text, 3) // 3 px modules, a quiet zone of four modules
	m, _ := gozxing.NewBitMatrix(img.Bounds().Dx(), img.Bounds().Dy())
	for y := range m.GetHeight() {
		for x := range m.GetWidth() {
			if img.RGBAAt(x, y).R < 128 {
				m.Set(x, y)
			}
		}
	}
	dim := m.GetWidth()/3 - 8
	// at maps module centres of a d×d grid over the code's d modules.
	at := func(d int, shift float64) func(x, y int) (fpoint, bool) {
		s := 3 * float64(dim) / float64(d)
		return func(x, y int) (fpoint, bool) {
			return fpoint{12 + (float64(x)+0.5)*s + shift, 12 + (float64(y)+0.5)*s}, true
		}
	}
	bits, ok := sampleAt(m, dim, at(dim, 0))
	if !ok {
		t.Fatalf("%d×%d code sampled right is refused", dim, dim)
	}
	if res, err := decoder.NewDecoder().Decode(bits, nil); err != nil || res.GetText() != text {
		t.Fatalf("sampled grid decodes to %v, %v", res, err)
	}
	if _, ok := sampleAt(m, dim+4, at(dim+4, 0)); ok {
		t.Errorf("%d×%d code sampled as %d×%d is accepted", dim, dim, dim+4, dim+4)
	}
	// A grid shifted by a module: its timing modules all read wrong.
	if bits, ok := sampleAt(m, dim, at(dim, 3)); ok {
		t.Errorf("grid shifted by a module is accepted (timing agrees: %v)", timingAgrees(bits, dim))
	}
	// Mostly outside the image.
	if _, ok := sampleAt(m, dim, at(dim, float64(m.GetWidth())/2)); ok {
		t.Error("grid half outside the image is accepted")
	}
}

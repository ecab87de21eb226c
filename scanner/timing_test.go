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

package scanner

import (
	"image"
	"image/color"
	"math"
	"strings"
	"testing"
)

// bentCode is a dense code on a page that bows: each row is shifted
// sideways and each column up or down by up to amp px along a sine, as
// paper curling over a finger or a wide-angle lens bends a photographed
// code. No single homography follows it.
func bentCode(t *testing.T, text string, module int, amp float64) *image.Gray {
	t.Helper()
	src := toGray(mustCode(t, text, module))
	out := image.NewGray(image.Rect(0, 0, src.w+40, src.h+40))
	for y := range out.Rect.Dy() {
		for x := range out.Rect.Dx() {
			u := float64(x-20) - amp*math.Sin(math.Pi*float64(y)/float64(out.Rect.Dy()))
			v := float64(y-20) - amp*math.Sin(math.Pi*float64(x)/float64(out.Rect.Dx()))
			c := byte(255)
			if iu, iv := int(math.Round(u)), int(math.Round(v)); iu >= 0 && iv >= 0 && iu < src.w && iv < src.h {
				c = src.pix[iv*src.w+iu]
			}
			out.SetGray(x, y, color.Gray{c})
		}
	}
	return out
}

// TestDecodeBentDense reads a version 15 code bowed by a few modules in
// the middle: the finders and the bottom-right alignment pattern are
// where a homography puts them, the modules between them are not.
func TestDecodeBentDense(t *testing.T) {
	text := strings.Repeat("otpauth://totp/Bent:alice?secret=JBSWY3DPEHPK3PXP ", 8)[:380]
	for _, amp := range []float64{0, 9} {
		img := bentCode(t, text, 4, amp)
		rs, err := Decode(img)
		if err != nil || len(rs) != 1 || rs[0].Text != text {
			t.Errorf("bowed by %v px: %d results, %v", amp, len(rs), err)
		}
	}
}

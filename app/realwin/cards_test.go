//go:build linux

package realwin

import (
	"fmt"
	"image"
	"testing"
	"time"
)

// googleBlue is Google's brand colour in simple-icons, the disc behind its
// logo.
var googleBlue = [3]int{0x42, 0x85, 0xf4}

// discCentre finds the centre of the pixels of colour c (a brand's disc)
// and how many there are.
func discCentre(img image.Image, c [3]int) (image.Point, int) {
	var sx, sy, n int
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if near(int(r>>8), c[0]) && near(int(g>>8), c[1]) && near(int(bl>>8), c[2]) {
				sx, sy, n = sx+x, sy+y, n+1
			}
		}
	}
	if n == 0 {
		return image.Point{}, 0
	}
	return image.Pt(sx/n, sy/n), n
}

// discordBlurple is Discord's brand colour in simple-icons.
var discordBlurple = [3]int{0x58, 0x65, 0xf2}

// whiteAround counts the near-white pixels within r of c.
func whiteAround(img image.Image, c image.Point, r int) int {
	n := 0
	for y := c.Y - r; y <= c.Y+r; y++ {
		for x := c.X - r; x <= c.X+r; x++ {
			if cr, cg, cb, _ := img.At(x, y).RGBA(); cr > 0xe000 && cg > 0xe000 && cb > 0xe000 {
				n++
			}
		}
	}
	return n
}

func near(a, b int) bool { return a-b < 8 && b-a < 8 }

// The real window with brand logos: Google's disc is drawn in its brand
// colour in the list; at 1000 px wide the list becomes cards, Google's
// card is in the second column, and a click on it copies its code.
func TestLogosAndWideCards(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	s.addTOTP("GitHub", "alice@example.com", "JBSWY3DPEHPK3PXP")
	s.addTOTP("Google", "bob@example.org", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
	s.addTOTP("Amazon Web Services", "root", "MFRGGZDFMZTWQ2LK")
	s.addTOTP("Discord", "carol", "KRSXG5CTMVRXEZLU")
	p := s.launch()
	p.waitWindow()
	p.unlock()
	var at image.Point
	var n int
	p.until("logos-list", func(img image.Image) bool {
		at, n = discCentre(img, googleBlue)
		return n > 300 && at.X < 100
	}, func() string {
		return fmt.Sprintf("Google's blue disc: %d pixels around %v, want a disc at the row's left", n, at)
	})
	// Discord's logo has arcs written the minified way ("0 00-4.88"), which
	// Fyne's rasteriser drew as an empty disc: white glyph pixels on it now.
	var glyph int
	p.until("logos-discord", func(img image.Image) bool {
		at, n = discCentre(img, discordBlurple)
		glyph = whiteAround(img, at, 10)
		return n > 200 && glyph > 40
	}, func() string {
		return fmt.Sprintf("Discord's disc: %d pixels around %v, %d white glyph pixels in its middle", n, at, glyph)
	})

	s.xdo("windowsize", "--sync", p.window, "1000", "700")
	p.until("logos-cards", func(img image.Image) bool {
		at, n = discCentre(img, googleBlue)
		return n > 300 && at.X > 290 && at.X < 600 && img.Bounds().Dx() >= 1000
	}, func() string {
		return fmt.Sprintf("Google's disc at %v (%d pixels): not in the second card column", at, n)
	})
	from := time.Now()
	p.click(at.X+100, at.Y+40, 1) // the card's code, right of and below its logo
	s.checkCopied("bob@example.org", from)
}

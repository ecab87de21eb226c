// Package synth draws the synthetic images that the scanner's unit tests
// and benchmark corpus are made of: QR codes at a chosen module size,
// cluttered desktop screenshots, and the degradations real captures
// suffer (rotation, perspective, blur, JPEG, low contrast, dark mode).
//
// Everything is deterministic for a given *rand.Rand, so a failing case
// can be regenerated from its seed.
package synth

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"math"
	"math/rand/v2"

	qrcode "github.com/skip2/go-qrcode"
)

// Code renders text as a QR code with module px per module and the
// standard four-module quiet zone, black on white.
func Code(text string, module int, level qrcode.RecoveryLevel) (*image.RGBA, error) {
	q, err := qrcode.New(text, level)
	if err != nil {
		return nil, fmt.Errorf("encode %d bytes: %w", len(text), err)
	}
	bm := q.Bitmap() // includes the quiet zone
	n := len(bm)
	img := image.NewRGBA(image.Rect(0, 0, n*module, n*module))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	for y, row := range bm {
		for x, on := range row {
			if on {
				r := image.Rect(x*module, y*module, (x+1)*module, (y+1)*module)
				draw.Draw(img, r, image.Black, image.Point{}, draw.Src)
			}
		}
	}
	return img, nil
}

// OTPAuth returns a plausible otpauth:// URI.
func OTPAuth(r *rand.Rand) string {
	const b32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	secret := make([]byte, 32)
	for i := range secret {
		secret[i] = b32[r.IntN(len(b32))]
	}
	issuers := []string{"Example", "GitHub", "ACME%20Corp", "Nidan"}
	is := issuers[r.IntN(len(issuers))]
	return fmt.Sprintf("otpauth://totp/%s:user%d@example.com?secret=%s&issuer=%s", is, r.IntN(10000), secret, is)
}

// Migration returns a dense otpauth-migration:// URI carrying n random
// bytes, like a Google Authenticator export (the payload is not a valid
// protobuf; only its density matters here).
func Migration(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.UintN(256))
	}
	return "otpauth-migration://offline?data=" + base64.URLEncoding.EncodeToString(b)
}

// Screenshot draws a w×h desktop-like scene: a gradient wallpaper,
// windows with title bars, lines of text-like glyphs, buttons and icons.
// dark draws it in dark-mode colours.
func Screenshot(r *rand.Rand, w, h int, dark bool) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	c0 := color.RGBA{uint8(40 + r.IntN(80)), uint8(60 + r.IntN(80)), uint8(100 + r.IntN(120)), 255}
	c1 := color.RGBA{uint8(120 + r.IntN(120)), uint8(80 + r.IntN(100)), uint8(60 + r.IntN(80)), 255}
	for y := 0; y < h; y++ {
		t := float64(y) / float64(h)
		c := color.RGBA{lerp(c0.R, c1.R, t), lerp(c0.G, c1.G, t), lerp(c0.B, c1.B, t), 255}
		draw.Draw(img, image.Rect(0, y, w, y+1), image.NewUniform(c), image.Point{}, draw.Src)
	}
	bg, fg, bar := color.RGBA{250, 250, 250, 255}, color.RGBA{30, 30, 30, 255}, color.RGBA{220, 220, 225, 255}
	if dark {
		bg, fg, bar = color.RGBA{32, 33, 36, 255}, color.RGBA{220, 220, 220, 255}, color.RGBA{50, 52, 56, 255}
	}
	scale := max(1, w/1400)
	for range 3 + r.IntN(4) {
		ww, wh := w/4+r.IntN(w/2), h/4+r.IntN(h/2)
		x, y := r.IntN(w-ww+1), r.IntN(h-wh+1)
		fill(img, image.Rect(x, y, x+ww, y+wh), bg)
		fill(img, image.Rect(x, y, x+ww, y+24*scale), bar)
		for i := range 3 { // window buttons
			fill(img, image.Rect(x+ww-(i+1)*20*scale, y+6*scale, x+ww-(i+1)*20*scale+12*scale, y+18*scale), fg)
		}
		Text(r, img, image.Rect(x+10*scale, y+34*scale, x+ww-10*scale, y+wh-10*scale), fg, scale)
	}
	for range 10 + r.IntN(10) { // icons and buttons
		s := (16 + r.IntN(48)) * scale
		x, y := r.IntN(max(1, w-s)), r.IntN(max(1, h-s))
		c := color.RGBA{uint8(r.IntN(256)), uint8(r.IntN(256)), uint8(r.IntN(256)), 255}
		fill(img, image.Rect(x, y, x+s, y+s*(1+r.IntN(2))/2), c)
	}
	return img
}

// Text fills rect with lines of glyph-like marks: short strokes and
// boxes at text size, the clutter most likely to fool a finder pattern
// search.
func Text(r *rand.Rand, img *image.RGBA, rect image.Rectangle, c color.Color, scale int) {
	lh := (12 + r.IntN(8)) * scale
	for y := rect.Min.Y; y+lh <= rect.Max.Y; y += lh + 4*scale {
		x := rect.Min.X
		end := rect.Max.X - r.IntN(max(1, rect.Dx()/3))
		for x < end {
			word := (3 + r.IntN(8))
			for range word {
				gw := (4 + r.IntN(5)) * scale
				if x+gw > end {
					break
				}
				gh := lh * (5 + r.IntN(5)) / 10
				switch r.IntN(4) {
				case 0: // box glyph like "o"
					fill(img, image.Rect(x, y+lh-gh, x+gw, y+lh), c)
					if gw > 2*scale && gh > 2*scale {
						fill(img, image.Rect(x+scale, y+lh-gh+scale, x+gw-scale, y+lh-scale), img.At(x-1, y))
					}
				case 1: // stem like "l"
					fill(img, image.Rect(x+gw/2, y, x+gw/2+max(1, scale), y+lh), c)
				default:
					fill(img, image.Rect(x, y+lh-gh, x+gw, y+lh-gh+max(1, scale)), c)
					fill(img, image.Rect(x, y+lh-gh, x+max(1, scale), y+lh), c)
					fill(img, image.Rect(x+gw-max(1, scale), y+lh-gh, x+gw, y+lh), c)
				}
				x += gw + scale
			}
			x += 5 * scale
		}
	}
}

func fill(img *image.RGBA, r image.Rectangle, c color.Color) {
	draw.Draw(img, r, image.NewUniform(c), image.Point{}, draw.Src)
}

func lerp(a, b uint8, t float64) uint8 {
	return uint8(float64(a)*(1-t) + float64(b)*t)
}

// Paste draws src onto dst with its top-left corner at p.
func Paste(dst *image.RGBA, src image.Image, p image.Point) {
	draw.Draw(dst, src.Bounds().Sub(src.Bounds().Min).Add(p), src, src.Bounds().Min, draw.Over)
}

// Warp maps src through the projective transform that takes its four
// corners (top-left, top-right, bottom-right, bottom-left) to quad,
// sampling bilinearly; pixels outside src are bg. The result is sized to
// quad's bounding box, and the offset of that box is returned.
func Warp(src *image.RGBA, quad [4][2]float64, bg color.RGBA) (*image.RGBA, image.Point) {
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, q := range quad {
		minX, minY = math.Min(minX, q[0]), math.Min(minY, q[1])
		maxX, maxY = math.Max(maxX, q[0]), math.Max(maxY, q[1])
	}
	off := image.Pt(int(math.Floor(minX)), int(math.Floor(minY)))
	out := image.NewRGBA(image.Rect(0, 0, int(math.Ceil(maxX))-off.X+1, int(math.Ceil(maxY))-off.Y+1))
	sw, sh := float64(src.Bounds().Dx()), float64(src.Bounds().Dy())
	// Homography from quad to the source square, by solving the inverse
	// direction directly.
	srcPts := [4][2]float64{{0, 0}, {sw, 0}, {sw, sh}, {0, sh}}
	var dst [4][2]float64
	for i, q := range quad {
		dst[i] = [2]float64{q[0] - float64(off.X), q[1] - float64(off.Y)}
	}
	h := homography(dst, srcPts)
	for y := 0; y < out.Bounds().Dy(); y++ {
		for x := 0; x < out.Bounds().Dx(); x++ {
			fx, fy := float64(x)+0.5, float64(y)+0.5
			d := h[6]*fx + h[7]*fy + 1
			u := (h[0]*fx + h[1]*fy + h[2]) / d
			v := (h[3]*fx + h[4]*fy + h[5]) / d
			out.SetRGBA(x, y, sample(src, u-0.5, v-0.5, bg))
		}
	}
	return out, off
}

// Rotate returns src turned by deg degrees about its centre, on a canvas
// large enough to hold it, with bg around it.
func Rotate(src *image.RGBA, deg float64, bg color.RGBA) *image.RGBA {
	w, h := float64(src.Bounds().Dx()), float64(src.Bounds().Dy())
	a := deg * math.Pi / 180
	cos, sin := math.Cos(a), math.Sin(a)
	cx, cy := w/2, h/2
	var q [4][2]float64
	for i, p := range [4][2]float64{{0, 0}, {w, 0}, {w, h}, {0, h}} {
		x, y := p[0]-cx, p[1]-cy
		q[i] = [2]float64{x*cos - y*sin + cx, x*sin + y*cos + cy}
	}
	out, _ := Warp(src, q, bg)
	return out
}

func sample(src *image.RGBA, u, v float64, bg color.RGBA) color.RGBA {
	b := src.Bounds()
	x0, y0 := int(math.Floor(u)), int(math.Floor(v))
	fx, fy := u-float64(x0), v-float64(y0)
	at := func(x, y int) color.RGBA {
		if x < 0 || y < 0 || x >= b.Dx() || y >= b.Dy() {
			return bg
		}
		return src.RGBAAt(b.Min.X+x, b.Min.Y+y)
	}
	c00, c10, c01, c11 := at(x0, y0), at(x0+1, y0), at(x0, y0+1), at(x0+1, y0+1)
	mix := func(a, b, c, d uint8) uint8 {
		top := float64(a)*(1-fx) + float64(b)*fx
		bot := float64(c)*(1-fx) + float64(d)*fx
		return uint8(math.Round(top*(1-fy) + bot*fy))
	}
	return color.RGBA{mix(c00.R, c10.R, c01.R, c11.R), mix(c00.G, c10.G, c01.G, c11.G), mix(c00.B, c10.B, c01.B, c11.B), 255}
}

// homography returns h (with h[8]=1 implied) mapping from[i] to to[i].
func homography(from, to [4][2]float64) [8]float64 {
	var a [8][9]float64
	for i := range 4 {
		x, y, u, v := from[i][0], from[i][1], to[i][0], to[i][1]
		a[2*i] = [9]float64{x, y, 1, 0, 0, 0, -u * x, -u * y, u}
		a[2*i+1] = [9]float64{0, 0, 0, x, y, 1, -v * x, -v * y, v}
	}
	for c := range 8 { // Gauss-Jordan with partial pivoting
		p := c
		for r := c + 1; r < 8; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[p][c]) {
				p = r
			}
		}
		a[c], a[p] = a[p], a[c]
		for r := range 8 {
			if r != c && a[c][c] != 0 {
				f := a[r][c] / a[c][c]
				for k := c; k < 9; k++ {
					a[r][k] -= f * a[c][k]
				}
			}
		}
	}
	var h [8]float64
	for i := range 8 {
		h[i] = a[i][8] / a[i][i]
	}
	return h
}

// Blur applies a box blur of the given radius, twice (close to Gaussian).
func Blur(src *image.RGBA, radius int) *image.RGBA {
	out := src
	for range 2 {
		out = boxBlur(boxBlur(out, radius, true), radius, false)
	}
	return out
}

func boxBlur(src *image.RGBA, r int, horizontal bool) *image.RGBA {
	b := src.Bounds()
	out := image.NewRGBA(b)
	w, h := b.Dx(), b.Dy()
	n, m := w, h
	if !horizontal {
		n, m = h, w
	}
	idx := func(line, i int) int {
		if horizontal {
			return line*src.Stride + i*4
		}
		return i*src.Stride + line*4
	}
	for line := range m {
		for ch := range 3 {
			sum, cnt := 0, 0
			for i := -r; i < n+r; i++ {
				if j := i + r; j < n {
					sum += int(src.Pix[idx(line, j)+ch])
					cnt++
				}
				if j := i - r - 1; j >= 0 {
					sum -= int(src.Pix[idx(line, j)+ch])
					cnt--
				}
				if i >= 0 && i < n {
					out.Pix[idx(line, i)+ch] = uint8(sum / cnt)
					out.Pix[idx(line, i)+3] = 255
				}
			}
		}
	}
	return out
}

// Contrast maps every channel from 0..255 into lo..hi.
func Contrast(src *image.RGBA, lo, hi uint8) *image.RGBA {
	out := image.NewRGBA(src.Bounds())
	for i, v := range src.Pix {
		if i%4 == 3 {
			out.Pix[i] = v
			continue
		}
		out.Pix[i] = uint8(int(lo) + int(v)*(int(hi)-int(lo))/255)
	}
	return out
}

// Invert turns black on white into white on black (dark mode).
func Invert(src *image.RGBA) *image.RGBA {
	out := image.NewRGBA(src.Bounds())
	for i, v := range src.Pix {
		if i%4 == 3 {
			out.Pix[i] = v
		} else {
			out.Pix[i] = 255 - v
		}
	}
	return out
}

// JPEG encodes img at quality q.
func JPEG(img image.Image, q int) ([]byte, error) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

package scanner

import (
	"encoding/binary"
	"image"
	"image/color"
)

// gray is an 8-bit luminance buffer, 0 black to 255 white, row-major
// with no padding. Every decoding pass works on one of these: gozxing
// then reads it through a PlanarYUVLuminanceSource without copying.
type gray struct {
	pix  []byte
	w, h int
}

// luma is ITU-R BT.601 luma in 10-bit fixed point.
func luma(r, g, b uint32) byte {
	return byte((r*306 + g*601 + b*117 + 512) >> 10)
}

// toGray converts img to luminance. Transparent pixels are composited over
// white, because a QR code exported as a PNG with a transparent background
// is meant to be seen on a light page.
//
// The common concrete types are read straight from their pixel buffers:
// going through image.Image.At allocates a color per pixel and is about
// ten times slower on a 4K screenshot.
func toGray(img image.Image) gray {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= 0 || h <= 0 {
		return gray{}
	}
	g := gray{pix: make([]byte, w*h), w: w, h: h}
	switch m := img.(type) {
	case *image.Gray:
		for y := 0; y < h; y++ {
			i := m.PixOffset(b.Min.X, b.Min.Y+y)
			copy(g.pix[y*w:(y+1)*w], m.Pix[i:i+w])
		}
	case *image.YCbCr:
		for y := 0; y < h; y++ {
			i := m.YOffset(b.Min.X, b.Min.Y+y)
			copy(g.pix[y*w:(y+1)*w], m.Y[i:i+w])
		}
	case *image.RGBA:
		// Premultiplied: over white is c + (255 - a).
		for y := 0; y < h; y++ {
			src := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			dst := g.pix[y*w : (y+1)*w]
			for x := range dst {
				p := src[x*4 : x*4+4 : x*4+4]
				l := uint32(luma(uint32(p[0]), uint32(p[1]), uint32(p[2])))
				l += 255 - uint32(p[3])
				if l > 255 {
					l = 255
				}
				dst[x] = byte(l)
			}
		}
	case *image.NRGBA:
		for y := 0; y < h; y++ {
			src := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			dst := g.pix[y*w : (y+1)*w]
			for x := range dst {
				p := src[x*4 : x*4+4 : x*4+4]
				l := uint32(luma(uint32(p[0]), uint32(p[1]), uint32(p[2])))
				if a := uint32(p[3]); a != 255 {
					l = (l*a + 255*(255-a) + 127) / 255
				}
				dst[x] = byte(l)
			}
		}
	case *image.Paletted:
		var lut [256]byte
		for i := range lut {
			lut[i] = 255 // out-of-palette index: treat as background
		}
		for i, c := range m.Palette {
			if i >= len(lut) {
				break
			}
			lut[i] = grayOverWhite(c)
		}
		for y := 0; y < h; y++ {
			src := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			dst := g.pix[y*w : (y+1)*w]
			for x := range dst {
				dst[x] = lut[src[x]]
			}
		}
	default:
		for y := 0; y < h; y++ {
			dst := g.pix[y*w : (y+1)*w]
			for x := range dst {
				dst[x] = grayOverWhite(img.At(b.Min.X+x, b.Min.Y+y))
			}
		}
	}
	return g
}

func grayOverWhite(c color.Color) byte {
	r, gg, bb, a := c.RGBA() // premultiplied, 16 bit
	l := uint32(luma(r>>8, gg>>8, bb>>8)) + (0xffff-a)>>8
	if l > 255 {
		l = 255
	}
	return byte(l)
}

// crop returns a copy of r ∩ g's bounds.
func (g gray) crop(r image.Rectangle) gray {
	r = r.Intersect(image.Rect(0, 0, g.w, g.h))
	out := gray{pix: make([]byte, r.Dx()*r.Dy()), w: r.Dx(), h: r.Dy()}
	for y := 0; y < out.h; y++ {
		i := (r.Min.Y+y)*g.w + r.Min.X
		copy(out.pix[y*out.w:(y+1)*out.w], g.pix[i:i+out.w])
	}
	return out
}

// half downsamples by two with a 2×2 box filter. Averaging (rather than
// dropping pixels) keeps modules of 4 px and more intact and smooths JPEG
// noise and sensor grain in photos.
func (g gray) half() gray {
	w, h := g.w/2, g.h/2
	out := gray{pix: make([]byte, w*h), w: w, h: h}
	for y := 0; y < h; y++ {
		r0 := g.pix[2*y*g.w : (2*y+1)*g.w]
		r1 := g.pix[(2*y+1)*g.w : (2*y+2)*g.w]
		dst := out.pix[y*w : (y+1)*w]
		// Four output pixels from eight input pixels of each row at
		// a time: the four sums of 2×2 in 16-bit lanes (at most
		// 4·255 + 2), rounded and shifted, then packed.
		x := 0
		for ; x+4 <= w; x += 4 {
			a := binary.LittleEndian.Uint64(r0[2*x:])
			b := binary.LittleEndian.Uint64(r1[2*x:])
			s := a&evenBytes + a>>8&evenBytes + b&evenBytes + b>>8&evenBytes + 2*0x0001000100010001
			s = s >> 2 & evenBytes
			binary.LittleEndian.PutUint32(dst[x:], uint32(s&0xFF|s>>8&0xFF00|s>>16&0xFF0000|s>>24&0xFF000000))
		}
		for ; x < w; x++ {
			s := uint32(r0[2*x]) + uint32(r0[2*x+1]) + uint32(r1[2*x]) + uint32(r1[2*x+1])
			dst[x] = byte((s + 2) >> 2)
		}
	}
	return out
}

// double upsamples by two with bilinear interpolation. Modules of only
// two pixels are too thin for the finder pattern search's run-length
// tolerances after binarization; a smooth upscale gives it four pixels
// with a clean threshold between them.
//
// Output pixel (x, y)'s centre lies at input (x/2 − 1/4, y/2 − 1/4), so
// its weights are 1/4 and 3/4 on two input rows and on two input columns
// (edges clamped). The weights are separable and the sums exact, so each
// output row first mixes its two input rows once per input column, and
// both output pixels of a column pair take their two horizontal taps from
// that one row of mixes: three multiply-adds a pixel instead of eight,
// with the same result as the per-pixel rule (TestDoubleExact).
func (g gray) double() gray {
	w, h := g.w*2, g.h*2
	out := gray{pix: make([]byte, w*h), w: w, h: h}
	if g.w == 0 || g.h == 0 {
		return out
	}
	v := make([]uint32, g.w+2) // the row's mixes, with the edge columns repeated
	for y := 0; y < h; y++ {
		// Between input rows sy and sy+1, with weight wy/4 on sy+1.
		sy, wy := y/2-1, uint32(3)
		if y%2 == 1 {
			sy, wy = y/2, 1
		}
		y0, y1 := clamp(sy, g.h), clamp(sy+1, g.h)
		r0 := g.pix[y0*g.w : (y0+1)*g.w]
		r1 := g.pix[y1*g.w : (y1+1)*g.w]
		m := v[1 : g.w+1]
		r1 = r1[:len(r0)]
		for i, a := range r0 {
			m[i] = uint32(a)*(4-wy) + uint32(r1[i])*wy
		}
		v[0], v[g.w+1] = m[0], m[g.w-1]
		// Output 2i mixes input columns i−1 and i (1:3), output 2i+1
		// columns i and i+1 (3:1); v is m shifted by one. (The loop
		// walks both slices, so that it needs no bounds checks.)
		dst, t := out.pix[y*w:(y+1)*w], v
		for len(dst) >= 2 && len(t) >= 3 {
			c := 3 * t[1]
			dst[0] = byte((t[0] + c + 8) >> 4)
			dst[1] = byte((c + t[2] + 8) >> 4)
			dst, t = dst[2:], t[1:]
		}
	}
	return out
}

func clamp(v, n int) int {
	if v < 0 {
		return 0
	}
	if v >= n {
		return n - 1
	}
	return v
}

// squeeze halves g along one axis (y when alongY), averaging pixel
// pairs.
func (g gray) squeeze(alongY bool) gray {
	if alongY {
		h := g.h / 2
		out := gray{pix: make([]byte, g.w*h), w: g.w, h: h}
		for y := 0; y < h; y++ {
			r0, r1 := g.pix[2*y*g.w:(2*y+1)*g.w], g.pix[(2*y+1)*g.w:(2*y+2)*g.w]
			dst := out.pix[y*g.w : (y+1)*g.w]
			for x := range dst {
				dst[x] = byte((uint32(r0[x]) + uint32(r1[x]) + 1) >> 1)
			}
		}
		return out
	}
	w := g.w / 2
	out := gray{pix: make([]byte, w*g.h), w: w, h: g.h}
	for y := 0; y < g.h; y++ {
		src := g.pix[y*g.w : (y+1)*g.w]
		dst := out.pix[y*w : (y+1)*w]
		for x := range dst {
			dst[x] = byte((uint32(src[2*x]) + uint32(src[2*x+1]) + 1) >> 1)
		}
	}
	return out
}

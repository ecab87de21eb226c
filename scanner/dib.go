package scanner

import (
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"math/bits"
)

// A packed DIB (device-independent bitmap) is what the Windows clipboard
// holds as CF_DIB and CF_DIBV5: a BMP file without its 14-byte file header.
// The variants read here, written down in docs/windows.md:
//
//	header   BITMAPINFOHEADER (40 bytes), V2 (52), V3 (56), V4 (108), V5 (124)
//	bits     1, 4, 8 (palette); 16, 24, 32 (direct colour)
//	layout   bottom-up (height > 0) or top-down (height < 0); rows padded
//	         to 4 bytes
//	masks    BI_RGB (defaults: 5-5-5 for 16 bits, 8-8-8 for 32) or
//	         BI_BITFIELDS: after a 40-byte header, or inside a V2+ header
//	alpha    from an alpha mask (V3+ headers with BI_BITFIELDS); an alpha
//	         channel that is zero everywhere means opaque (many programs
//	         leave it unset)
//
// x/image/bmp, which reads BMP files, takes neither masks after a 40-byte
// header nor 16-bit pixels, and both are common on the clipboard.

// errDIB is wrapped by every decodeDIB error, after what is wrong.
var errDIB = errors.New("bitmap on the clipboard not readable")

const (
	biRGB       = 0
	biBitfields = 3
	biAlphaBits = 6 // BI_ALPHABITFIELDS (Windows CE): masks with alpha after a 40-byte header
)

// decodeDIB decodes a packed DIB.
func decodeDIB(b []byte) (image.Image, error) {
	bad := func(format string, a ...any) (image.Image, error) {
		return nil, fmt.Errorf("%s: %w", fmt.Sprintf(format, a...), errDIB)
	}
	if len(b) < 40 {
		return bad("%d bytes, shorter than a bitmap header", len(b))
	}
	le := binary.LittleEndian
	hdr := le.Uint32(b[0:])
	switch hdr {
	case 40, 52, 56, 108, 124:
	default:
		return bad("header of %d bytes", hdr)
	}
	if uint32(len(b)) < hdr {
		return bad("header of %d bytes in %d", hdr, len(b))
	}
	w, h := int64(int32(le.Uint32(b[4:]))), int64(int32(le.Uint32(b[8:])))
	planes, bpp := le.Uint16(b[12:]), int(le.Uint16(b[14:]))
	compression, used := le.Uint32(b[16:]), le.Uint32(b[32:])
	topDown := h < 0
	if topDown {
		h = -h
	}
	if w <= 0 || h <= 0 {
		return bad("size %d×%d", w, h)
	}
	if w*h > MaxPixels {
		return nil, fmt.Errorf("clipboard bitmap of %d×%d: %w", w, h, ErrTooLarge)
	}
	if planes != 1 {
		return bad("%d planes", planes)
	}
	off := int64(hdr)

	var masks [4]uint32 // R, G, B, A
	palette := 0
	switch {
	case bpp == 1 || bpp == 4 || bpp == 8:
		if compression != biRGB {
			return bad("compression %d with %d bits per pixel", compression, bpp)
		}
		palette = 1 << bpp
		if used != 0 {
			if used > uint32(palette) {
				return bad("%d palette colours for %d bits", used, bpp)
			}
			palette = int(used)
		}
	case bpp == 16 || bpp == 32:
		switch compression {
		case biRGB:
			if bpp == 16 {
				masks = [4]uint32{0x7c00, 0x03e0, 0x001f, 0}
			} else {
				masks = [4]uint32{0xff0000, 0xff00, 0xff, 0}
			}
		case biBitfields, biAlphaBits:
			n := int64(3)
			if compression == biAlphaBits {
				n = 4
			}
			if hdr == 40 {
				// The masks follow the header.
				if int64(len(b)) < off+4*n {
					return bad("colour masks missing")
				}
				for i := range n {
					masks[i] = le.Uint32(b[off+4*i:])
				}
				off += 4 * n
			} else {
				for i := range 3 {
					masks[i] = le.Uint32(b[40+4*i:])
				}
				if hdr >= 56 {
					masks[3] = le.Uint32(b[52:])
				}
			}
		default:
			return bad("compression %d", compression)
		}
	case bpp == 24:
		if compression != biRGB {
			return bad("compression %d with 24 bits per pixel", compression)
		}
	default:
		return bad("%d bits per pixel", bpp)
	}
	for i, m := range masks {
		if m != 0 && !contiguous(m) {
			return bad("colour mask %d is %#x", i, m)
		}
	}
	if bpp <= 8 {
		// A palette is in colour tables of 4 bytes (blue, green, red, 0).
		if int64(len(b)) < off+4*int64(palette) {
			return bad("palette of %d colours missing", palette)
		}
	}
	pal := make([]color.NRGBA, palette)
	for i := range pal {
		p := b[off+4*int64(i):]
		pal[i] = color.NRGBA{R: p[2], G: p[1], B: p[0], A: 0xff}
	}
	off += 4 * int64(palette)

	stride := (w*int64(bpp) + 31) / 32 * 4
	need := stride * h
	// Some writers put the three BI_BITFIELDS masks after a V4/V5 header
	// as well, which it already holds: with exactly those 12 bytes more
	// than the pixels need, the pixels start after them.
	if compression == biBitfields && hdr >= 108 && int64(len(b)) == off+12+need {
		off += 12
	}
	if int64(len(b)) < off+need {
		return bad("%d×%d at %d bits needs %d bytes of pixels, has %d", w, h, bpp, need, int64(len(b))-off)
	}
	pix := b[off : off+need]

	img := image.NewNRGBA(image.Rect(0, 0, int(w), int(h)))
	var chans [4]channel
	for i, m := range masks {
		chans[i] = newChannel(m)
	}
	anyAlpha := false
	for y := range int(h) {
		row := pix[int64(y)*stride:]
		if !topDown {
			row = pix[(h-1-int64(y))*stride:]
		}
		out := img.Pix[y*img.Stride:]
		for x := range int(w) {
			var c color.NRGBA
			switch bpp {
			case 1, 4, 8:
				bit := x * bpp
				idx := int(row[bit/8]>>(8-bpp-bit%8)) & (1<<bpp - 1)
				if idx >= len(pal) {
					return bad("pixel (%d,%d) uses colour %d of %d", x, y, idx, len(pal))
				}
				c = pal[idx]
			case 24:
				p := row[3*x:]
				c = color.NRGBA{R: p[2], G: p[1], B: p[0], A: 0xff}
			case 16, 32:
				var v uint32
				if bpp == 16 {
					v = uint32(le.Uint16(row[2*x:]))
				} else {
					v = le.Uint32(row[4*x:])
				}
				c = color.NRGBA{R: chans[0].get(v), G: chans[1].get(v), B: chans[2].get(v), A: 0xff}
				if masks[3] != 0 {
					c.A = chans[3].get(v)
					anyAlpha = anyAlpha || c.A != 0
				}
			}
			o := out[4*x:]
			o[0], o[1], o[2], o[3] = c.R, c.G, c.B, c.A
		}
	}
	if masks[3] != 0 && !anyAlpha {
		// Alpha zero everywhere: a writer that left the channel unset,
		// not an invisible picture.
		for i := 3; i < len(img.Pix); i += 4 {
			img.Pix[i] = 0xff
		}
	}
	return img, nil
}

// contiguous reports whether the set bits of m are one run.
func contiguous(m uint32) bool {
	m >>= bits.TrailingZeros32(m)
	return m&(m+1) == 0
}

// channel extracts one colour channel through its mask and scales it to
// 8 bits.
type channel struct {
	mask  uint32
	shift int
	max   uint32
}

func newChannel(m uint32) channel {
	if m == 0 {
		return channel{}
	}
	s := bits.TrailingZeros32(m)
	return channel{mask: m, shift: s, max: m >> s}
}

func (c channel) get(v uint32) uint8 {
	if c.max == 0 {
		return 0
	}
	return uint8((uint64((v&c.mask)>>c.shift)*255 + uint64(c.max)/2) / uint64(c.max))
}

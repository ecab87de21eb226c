// Package greypng reads a PNG file (ISO/IEC 15948) straight into an 8-bit
// grey plane, which is all a QR scanner looks at. image/png first builds
// an RGBA or NRGBA image four times the size of the grey plane and the
// scanner then converts it; doing the conversion row by row as the rows
// are unfiltered saves that image's allocation and a pass over it.
//
// It reads non-interlaced files of 8-bit grey, grey+alpha, RGB and RGBA,
// 1/2/4/8-bit grey without tRNS and 1/2/4/8-bit palette. The grey values
// are exactly those of image/png's image converted by the scanner's rule
// (BT.601 luma in 10-bit fixed point, transparency composited over
// white). 16-bit samples, Adam7 interlacing and a tRNS chunk on a grey or
// RGB image are refused with ErrUnsupported, so that the caller can fall
// back to image/png.
package greypng

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image/color"
	"io"
)

var (
	// ErrUnsupported means the file is a kind of PNG this package does
	// not read; image/png may.
	ErrUnsupported = errors.New("greypng: unsupported PNG")
	// ErrFormat means the data is not a well-formed PNG.
	ErrFormat = errors.New("greypng: invalid PNG")
	// ErrTooLarge means the header declares more pixels than the caller
	// allows.
	ErrTooLarge = errors.New("greypng: image too large")
)

// Image is a decoded grey plane: Pix holds W×H samples, row-major, with
// no padding, 0 black to 255 white.
type Image struct {
	Pix  []byte
	W, H int
}

const signature = "\x89PNG\r\n\x1a\n"

// Colour types (ISO/IEC 15948 table 11.1).
const (
	ctGrey      = 0
	ctRGB       = 2
	ctPalette   = 3
	ctGreyAlpha = 4
	ctRGBA      = 6
)

type header struct {
	w, h         int
	depth, ctype int
}

// Decode reads the PNG in data. It refuses an image of more than
// maxPixels pixels with ErrTooLarge before allocating anything for it.
func Decode(data []byte, maxPixels int64) (Image, error) {
	if !bytes.HasPrefix(data, []byte(signature)) {
		return Image{}, fmt.Errorf("%w: no PNG signature", ErrFormat)
	}
	rest := data[len(signature):]
	var (
		hdr      header
		seenHdr  bool
		seenPLTE bool
		palette  [256]byte // grey of each index, over white
		plte     []byte
		trns     []byte
		idat     [][]byte
		idatDone bool // a chunk other than IDAT followed the IDATs
	)
	for {
		if len(rest) < 12 {
			return Image{}, fmt.Errorf("%w: truncated chunk", ErrFormat)
		}
		n := binary.BigEndian.Uint32(rest)
		if n > 0x7fffffff || uint64(n) > uint64(len(rest)-12) {
			return Image{}, fmt.Errorf("%w: chunk length %d past the end of the file", ErrFormat, n)
		}
		typ := string(rest[4:8])
		body := rest[8 : 8+n]
		if crc32.ChecksumIEEE(rest[4:8+n]) != binary.BigEndian.Uint32(rest[8+n:]) {
			return Image{}, fmt.Errorf("%w: %q chunk checksum", ErrFormat, typ)
		}
		rest = rest[12+n:]
		if !seenHdr && typ != "IHDR" {
			return Image{}, fmt.Errorf("%w: %q chunk before IHDR", ErrFormat, typ)
		}
		if len(idat) > 0 && typ != "IDAT" {
			idatDone = true
		}
		switch typ {
		case "IHDR":
			if seenHdr {
				return Image{}, fmt.Errorf("%w: second IHDR", ErrFormat)
			}
			var err error
			if hdr, err = parseHeader(body, maxPixels); err != nil {
				return Image{}, err
			}
			seenHdr = true
		case "PLTE":
			if seenPLTE || len(idat) > 0 || trns != nil {
				return Image{}, fmt.Errorf("%w: PLTE out of order", ErrFormat)
			}
			seenPLTE = true
			if hdr.ctype == ctGrey || hdr.ctype == ctGreyAlpha {
				return Image{}, fmt.Errorf("%w: PLTE in a grey image", ErrFormat)
			}
			if len(body)%3 != 0 || len(body) == 0 || len(body)/3 > 1<<hdr.depth {
				return Image{}, fmt.Errorf("%w: PLTE length %d", ErrFormat, len(body))
			}
			// In a true-colour image it is only a suggestion, which
			// image/png ignores too.
			if hdr.ctype == ctPalette {
				plte = body
			}
		case "tRNS":
			if hdr.ctype != ctPalette {
				// Single-colour transparency: image/png turns the
				// image into NRGBA; leave that to it.
				return Image{}, fmt.Errorf("%w: tRNS on colour type %d", ErrUnsupported, hdr.ctype)
			}
			if !seenPLTE || trns != nil || len(idat) > 0 || len(body) > 256 {
				return Image{}, fmt.Errorf("%w: tRNS out of order or too long", ErrFormat)
			}
			trns = body
		case "IDAT":
			if hdr.ctype == ctPalette && plte == nil {
				return Image{}, fmt.Errorf("%w: IDAT before PLTE", ErrFormat)
			}
			if !idatDone {
				idat = append(idat, body)
			}
			// Later IDATs after another chunk are ignored, as
			// image/png does.
		case "IEND":
			if len(idat) == 0 {
				return Image{}, fmt.Errorf("%w: no image data", ErrFormat)
			}
			if hdr.ctype == ctPalette {
				palette = paletteGrey(plte, trns)
			}
			z := idat[0]
			if len(idat) > 1 {
				z = bytes.Join(idat, nil)
			}
			return decodePixels(hdr, z, &palette)
		}
	}
}

func parseHeader(b []byte, maxPixels int64) (header, error) {
	if len(b) != 13 {
		return header{}, fmt.Errorf("%w: IHDR length %d", ErrFormat, len(b))
	}
	w := int64(binary.BigEndian.Uint32(b[0:]))
	h := int64(binary.BigEndian.Uint32(b[4:]))
	hd := header{depth: int(b[8]), ctype: int(b[9])}
	if w <= 0 || h <= 0 || w > 0x7fffffff || h > 0x7fffffff {
		return header{}, fmt.Errorf("%w: dimensions %d×%d", ErrFormat, w, h)
	}
	if b[10] != 0 || b[11] != 0 {
		return header{}, fmt.Errorf("%w: compression or filter method", ErrFormat)
	}
	switch b[12] {
	case 0:
	case 1:
		return header{}, fmt.Errorf("%w: interlaced", ErrUnsupported)
	default:
		return header{}, fmt.Errorf("%w: interlace method %d", ErrFormat, b[12])
	}
	switch {
	case hd.depth == 16 && hd.ctype != ctPalette:
		return header{}, fmt.Errorf("%w: 16-bit samples", ErrUnsupported)
	case hd.depth == 8 && (hd.ctype == ctGrey || hd.ctype == ctRGB || hd.ctype == ctPalette ||
		hd.ctype == ctGreyAlpha || hd.ctype == ctRGBA):
	case (hd.depth == 1 || hd.depth == 2 || hd.depth == 4) && (hd.ctype == ctGrey || hd.ctype == ctPalette):
	default:
		return header{}, fmt.Errorf("%w: bit depth %d, colour type %d", ErrFormat, hd.depth, hd.ctype)
	}
	if w*h > maxPixels {
		return header{}, fmt.Errorf("%w: %d×%d", ErrTooLarge, w, h)
	}
	hd.w, hd.h = int(w), int(h)
	return hd, nil
}

// paletteGrey is the grey of every index over white, the way image/png
// builds its palette (entries past PLTE are opaque black, alpha from
// tRNS) and the scanner converts a colour.
func paletteGrey(plte, trns []byte) (lut [256]byte) {
	for i := range lut {
		var r, g, b uint8
		if 3*i+2 < len(plte) {
			r, g, b = plte[3*i], plte[3*i+1], plte[3*i+2]
		}
		var c color.Color = color.RGBA{r, g, b, 0xff}
		if i < len(trns) {
			c = color.NRGBA{r, g, b, trns[i]}
		}
		rr, gg, bb, a := c.RGBA()
		l := uint32(luma(rr>>8, gg>>8, bb>>8)) + (0xffff-a)>>8
		lut[i] = byte(min(l, 255))
	}
	return lut
}

// luma is ITU-R BT.601 luma in 10-bit fixed point, the scanner's rule.
func luma(r, g, b uint32) byte {
	return byte((r*306 + g*601 + b*117 + 512) >> 10)
}

func decodePixels(hd header, idat []byte, palette *[256]byte) (Image, error) {
	// The zlib wrapper (RFC 1950) is read here rather than by
	// compress/zlib, whose byte-at-a-time Adler-32 was a sixth of the
	// decoding time (see adler.go): a two-byte header, which must name
	// deflate and no preset dictionary (image/png refuses one), the
	// deflate stream, then the Adler-32 of the inflated bytes.
	if len(idat) < 2 || idat[0]&0x0f != 8 || idat[0]>>4 > 7 || (uint(idat[0])<<8|uint(idat[1]))%31 != 0 {
		return Image{}, fmt.Errorf("%w: zlib header", ErrFormat)
	}
	if idat[1]&0x20 != 0 {
		return Image{}, fmt.Errorf("%w: zlib preset dictionary", ErrFormat)
	}
	// A bytes.Reader is an io.ByteReader, so flate reads no further than
	// the end of the deflate stream and the bytes left can be checked.
	br := bytes.NewReader(idat[2:])
	zr := flate.NewReader(br)
	defer zr.Close()
	ck := newAdler()
	channels := map[int]int{ctGrey: 1, ctRGB: 3, ctPalette: 1, ctGreyAlpha: 2, ctRGBA: 4}[hd.ctype]
	bitsPP := channels * hd.depth
	bpp := (bitsPP + 7) / 8         // filter unit, at least one byte
	rowLen := (hd.w*bitsPP + 7) / 8 // bytes of one row without its filter byte
	cur := make([]byte, bpp+rowLen) // bpp zero bytes before the row stand for the pixel left of the first
	prev := make([]byte, len(cur))
	out := Image{Pix: make([]byte, hd.w*hd.h), W: hd.w, H: hd.h}
	for y := 0; y < hd.h; y++ {
		// cur[bpp-1] holds the filter byte; the row starts at cur[bpp].
		if _, err := io.ReadFull(zr, cur[bpp-1:bpp+rowLen]); err != nil {
			return Image{}, fmt.Errorf("%w: image data: %v", ErrFormat, err)
		}
		ck.update(cur[bpp-1 : bpp+rowLen])
		filter := cur[bpp-1]
		cur[bpp-1] = 0
		same, err := unfilter(filter, cur, prev, bpp)
		if err != nil {
			return Image{}, err
		}
		if dst := out.Pix[y*hd.w : (y+1)*hd.w]; same && y > 0 {
			// The same bytes as the row above: the same grey.
			copy(dst, out.Pix[(y-1)*hd.w:y*hd.w])
		} else {
			convertRow(dst, cur[bpp:bpp+rowLen], hd, palette)
		}
		cur, prev = prev, cur
	}
	// image/png refuses data past the last row.
	var one [1]byte
	n, err := io.ReadFull(zr, one[:])
	if n != 0 || err != io.EOF {
		return Image{}, fmt.Errorf("%w: data after the last row (%v)", ErrFormat, err)
	}
	var sum [4]byte
	if _, err := io.ReadFull(br, sum[:]); err != nil {
		return Image{}, fmt.Errorf("%w: zlib checksum missing", ErrFormat)
	}
	if binary.BigEndian.Uint32(sum[:]) != ck.sum() {
		return Image{}, fmt.Errorf("%w: zlib checksum", ErrFormat)
	}
	if br.Len() != 0 {
		return Image{}, fmt.Errorf("%w: %d bytes after the zlib stream", ErrFormat, br.Len())
	}
	return out, nil
}

// convertRow turns one unfiltered row into grey.
func convertRow(dst, src []byte, hd header, palette *[256]byte) {
	switch {
	case hd.ctype == ctGrey && hd.depth == 8:
		copy(dst, src)
	case hd.ctype == ctGrey:
		// Sub-byte grey: image/png scales 1, 2 and 4 bits to 8.
		scale := byte(map[int]int{1: 0xff, 2: 0x55, 4: 0x11}[hd.depth])
		unpack(dst, src, hd.depth, func(v byte) byte { return v * scale })
	case hd.ctype == ctPalette && hd.depth == 8:
		for x := range dst {
			dst[x] = palette[src[x]]
		}
	case hd.ctype == ctPalette:
		unpack(dst, src, hd.depth, func(v byte) byte { return palette[v] })
	case hd.ctype == ctGreyAlpha:
		for x := range dst {
			dst[x] = overWhite(uint32(src[2*x]), uint32(src[2*x+1]))
		}
	case hd.ctype == ctRGB:
		for x := range dst {
			p := src[3*x : 3*x+3 : 3*x+3]
			dst[x] = luma(uint32(p[0]), uint32(p[1]), uint32(p[2]))
		}
	case hd.ctype == ctRGBA:
		for x := range dst {
			p := src[4*x : 4*x+4 : 4*x+4]
			dst[x] = overWhite(uint32(luma(uint32(p[0]), uint32(p[1]), uint32(p[2]))), uint32(p[3]))
		}
	}
}

// overWhite composites grey l of non-premultiplied alpha a over white,
// rounding as the scanner does for an NRGBA image.
func overWhite(l, a uint32) byte {
	if a != 255 {
		l = (l*a + 255*(255-a) + 127) / 255
	}
	return byte(l)
}

// unpack splits sub-byte samples, most significant bits first.
func unpack(dst, src []byte, depth int, f func(byte) byte) {
	perByte := 8 / depth
	mask := byte(1<<depth - 1)
	for x := range dst {
		b := src[x/perByte]
		shift := 8 - depth*(x%perByte+1)
		dst[x] = f(b >> shift & mask)
	}
}

package scanner

import (
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"testing"
)

// dibSpec describes a packed DIB for dibBytes to lay out.
type dibSpec struct {
	hdr         uint32 // 40, 52, 56, 108, 124
	w, h        int32  // h < 0: top-down
	bpp         uint16
	compression uint32
	masks       []uint32 // BI_BITFIELDS: after a 40-byte header, else in the header
	trailing    bool     // masks after a V4/V5 header as well
	palette     [][4]byte
	used        uint32
	pixels      []byte // rows as stored, padding included
}

func dibBytes(s dibSpec) []byte {
	le := binary.LittleEndian
	b := make([]byte, s.hdr)
	le.PutUint32(b[0:], s.hdr)
	le.PutUint32(b[4:], uint32(s.w))
	le.PutUint32(b[8:], uint32(s.h))
	le.PutUint16(b[12:], 1)
	le.PutUint16(b[14:], s.bpp)
	le.PutUint32(b[16:], s.compression)
	le.PutUint32(b[20:], uint32(len(s.pixels)))
	le.PutUint32(b[32:], s.used)
	if s.hdr > 40 {
		for i, m := range s.masks {
			if 40+4*i+4 <= int(s.hdr) {
				le.PutUint32(b[40+4*i:], m)
			}
		}
	}
	if s.hdr == 40 || s.trailing {
		n := len(s.masks)
		if s.trailing {
			n = 3
		}
		for _, m := range s.masks[:n] {
			b = le.AppendUint32(b, m)
		}
	}
	for _, p := range s.palette {
		b = append(b, p[:]...)
	}
	return append(b, s.pixels...)
}

func nrgba(r, g, b, a uint8) color.NRGBA { return color.NRGBA{r, g, b, a} }

// TestDecodeDIBVectors decodes hand-laid-out bitmaps of every variant
// docs/windows.md lists, pixel by pixel.
func TestDecodeDIBVectors(t *testing.T) {
	red, green, blue, white, black := nrgba(255, 0, 0, 255), nrgba(0, 255, 0, 255), nrgba(0, 0, 255, 255), nrgba(255, 255, 255, 255), nrgba(0, 0, 0, 255)
	cases := []struct {
		name string
		spec dibSpec
		want [][]color.NRGBA // rows, top first
	}{{
		name: "24-bit bottom-up, rows padded",
		spec: dibSpec{hdr: 40, w: 2, h: 2, bpp: 24, pixels: []byte{
			0, 0, 255, 0, 255, 0, 0, 0, // bottom row: red, green, padding
			255, 0, 0, 255, 255, 255, 0, 0, // top row: blue, white
		}},
		want: [][]color.NRGBA{{blue, white}, {red, green}},
	}, {
		name: "16-bit 5-6-5 masks after a 40-byte header, top-down",
		spec: dibSpec{hdr: 40, w: 2, h: -1, bpp: 16, compression: biBitfields,
			masks:  []uint32{0xf800, 0x07e0, 0x001f},
			pixels: []byte{0x00, 0xf8, 0x00, 0x04}}, // 0xf800 red; 0x0400: G=32/63
		want: [][]color.NRGBA{{red, nrgba(0, 130, 0, 255)}},
	}, {
		name: "16-bit BI_RGB is 5-5-5",
		spec: dibSpec{hdr: 40, w: 2, h: 1, bpp: 16, pixels: []byte{0xff, 0x7f, 0x10, 0x42}}, // 0x7fff; 0x4210 = 16,16,16
		want: [][]color.NRGBA{{white, nrgba(132, 132, 132, 255)}},
	}, {
		name: "32-bit V5 with an alpha mask",
		spec: dibSpec{hdr: 124, w: 2, h: -1, bpp: 32, compression: biBitfields,
			masks:  []uint32{0xff0000, 0xff00, 0xff, 0xff000000},
			pixels: []byte{0, 0, 255, 0x80, 10, 20, 30, 0xff}},
		want: [][]color.NRGBA{{nrgba(255, 0, 0, 0x80), nrgba(30, 20, 10, 255)}},
	}, {
		name: "32-bit V5 alpha zero everywhere means opaque",
		spec: dibSpec{hdr: 124, w: 2, h: 1, bpp: 32, compression: biBitfields,
			masks:  []uint32{0xff0000, 0xff00, 0xff, 0xff000000},
			pixels: []byte{0, 0, 255, 0, 255, 0, 0, 0}},
		want: [][]color.NRGBA{{red, blue}},
	}, {
		name: "32-bit V5 with the masks after the header too",
		spec: dibSpec{hdr: 124, w: 1, h: 1, bpp: 32, compression: biBitfields, trailing: true,
			masks:  []uint32{0xff0000, 0xff00, 0xff, 0},
			pixels: []byte{0, 255, 0, 0}},
		want: [][]color.NRGBA{{green}},
	}, {
		name: "32-bit BI_RGB ignores the fourth byte",
		spec: dibSpec{hdr: 40, w: 1, h: 1, bpp: 32, pixels: []byte{255, 0, 0, 0}},
		want: [][]color.NRGBA{{blue}},
	}, {
		name: "32-bit masks in a V2 header (no alpha)",
		spec: dibSpec{hdr: 52, w: 1, h: 1, bpp: 32, compression: biBitfields,
			masks: []uint32{0xff, 0xff00, 0xff0000}, pixels: []byte{255, 0, 0, 0}},
		want: [][]color.NRGBA{{red}},
	}, {
		name: "1-bit palette, row bits from the high end",
		spec: dibSpec{hdr: 40, w: 10, h: 1, bpp: 1, palette: [][4]byte{{255, 255, 255, 0}, {0, 0, 0, 0}},
			pixels: []byte{0b10100000, 0b01000000, 0, 0}},
		want: [][]color.NRGBA{{black, white, black, white, white, white, white, white, white, black}},
	}, {
		name: "4-bit palette with a colour count",
		spec: dibSpec{hdr: 40, w: 3, h: 1, bpp: 4, used: 3, palette: [][4]byte{{0, 0, 255, 0}, {0, 255, 0, 0}, {255, 0, 0, 0}},
			pixels: []byte{0x01, 0x20, 0, 0}},
		want: [][]color.NRGBA{{red, green, blue}},
	}, {
		name: "8-bit palette",
		spec: dibSpec{hdr: 40, w: 2, h: 1, bpp: 8, used: 2, palette: [][4]byte{{0, 0, 0, 0}, {255, 255, 255, 0}},
			pixels: []byte{1, 0, 0, 0}},
		want: [][]color.NRGBA{{white, black}},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			img, err := decodeDIB(dibBytes(c.spec))
			if err != nil {
				t.Fatal(err)
			}
			if got, want := img.Bounds(), image.Rect(0, 0, len(c.want[0]), len(c.want)); got != want {
				t.Fatalf("bounds %v, want %v", got, want)
			}
			for y, row := range c.want {
				for x, want := range row {
					if got := img.At(x, y).(color.NRGBA); got != want {
						t.Errorf("(%d,%d) = %v, want %v", x, y, got, want)
					}
				}
			}
		})
	}
}

// qrDIB lays out a black-and-white image as a DIB of bpp bits.
func qrDIB(img image.Image, bpp uint16, hdr uint32, topDown bool) []byte {
	r := img.Bounds()
	w, h := r.Dx(), r.Dy()
	stride := (w*int(bpp) + 31) / 32 * 4
	pix := make([]byte, stride*h)
	for y := range h {
		row := pix[(h-1-y)*stride:]
		if topDown {
			row = pix[y*stride:]
		}
		for x := range w {
			g := color.GrayModel.Convert(img.At(r.Min.X+x, r.Min.Y+y)).(color.Gray).Y
			switch bpp {
			case 1:
				if g >= 128 {
					row[x/8] |= 0x80 >> (x % 8)
				}
			case 24:
				row[3*x], row[3*x+1], row[3*x+2] = g, g, g
			case 32:
				row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = g, g, g, 0xff
			}
		}
	}
	s := dibSpec{hdr: hdr, w: int32(w), h: int32(h), bpp: bpp, pixels: pix}
	if topDown {
		s.h = -s.h
	}
	switch bpp {
	case 1:
		s.palette = [][4]byte{{0, 0, 0, 0}, {255, 255, 255, 0}}
	case 32:
		s.compression, s.masks = biBitfields, []uint32{0xff0000, 0xff00, 0xff, 0xff000000}
	}
	return dibBytes(s)
}

// TestDecodeDIBQR reads a QR code through each kind of bitmap a Windows
// program puts on the clipboard.
func TestDecodeDIBQR(t *testing.T) {
	const text = "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME"
	code := mustCode(t, text, 4)
	for _, v := range []struct {
		name    string
		bpp     uint16
		hdr     uint32
		topDown bool
	}{{"CF_DIB 24-bit", 24, 40, false}, {"CF_DIB 1-bit", 1, 40, false}, {"CF_DIBV5 32-bit top-down", 32, 124, true}, {"CF_DIBV5 32-bit", 32, 124, false}} {
		img, err := decodeDIB(qrDIB(code, v.bpp, v.hdr, v.topDown))
		if err != nil {
			t.Fatalf("%s: %v", v.name, err)
		}
		rs, err := Decode(img)
		if err != nil {
			t.Fatalf("%s: %v", v.name, err)
		}
		if len(rs) != 1 || rs[0].Text != text {
			t.Errorf("%s: decoded %+v", v.name, rs)
		}
	}
}

func TestDecodeDIBErrors(t *testing.T) {
	ok := dibSpec{hdr: 40, w: 1, h: 1, bpp: 24, pixels: []byte{0, 0, 0, 0}}
	with := func(f func(*dibSpec)) []byte { s := ok; f(&s); return dibBytes(s) }
	cases := map[string][]byte{
		"short":               make([]byte, 39),
		"header past end":     dibBytes(dibSpec{hdr: 124, w: 1, h: 1, bpp: 24})[:100],
		"no width":            with(func(s *dibSpec) { s.w = 0 }),
		"negative width":      with(func(s *dibSpec) { s.w = -1 }),
		"2 bits":              with(func(s *dibSpec) { s.bpp = 2 }),
		"RLE8":                with(func(s *dibSpec) { s.bpp, s.compression = 8, 1 }),
		"JPEG inside":         with(func(s *dibSpec) { s.compression = 4 }),
		"pixels cut":          with(func(s *dibSpec) { s.pixels = s.pixels[:3] }),
		"masks missing":       with(func(s *dibSpec) { s.bpp, s.compression = 32, biBitfields }),
		"split mask":          with(func(s *dibSpec) { s.bpp, s.compression, s.masks = 32, biBitfields, []uint32{0xf0f0, 0xff0000, 0xff} }),
		"palette too big":     with(func(s *dibSpec) { s.bpp, s.used = 1, 3 }),
		"palette missing":     with(func(s *dibSpec) { s.bpp = 8 }),
		"colour past palette": dibBytes(dibSpec{hdr: 40, w: 1, h: 1, bpp: 4, used: 1, palette: [][4]byte{{}}, pixels: []byte{0x10, 0, 0, 0}}),
	}
	for name, b := range cases {
		if _, err := decodeDIB(b); !errors.Is(err, errDIB) {
			t.Errorf("%s: got %v, want errDIB", name, err)
		}
	}
	for name, patch := range map[string]func([]byte){
		"core header": func(b []byte) { binary.LittleEndian.PutUint32(b, 12) },
		"2 planes":    func(b []byte) { b[12] = 2 },
	} {
		b := dibBytes(ok)
		patch(b)
		if _, err := decodeDIB(b); !errors.Is(err, errDIB) {
			t.Errorf("%s: got %v, want errDIB", name, err)
		}
	}
	huge := with(func(s *dibSpec) { s.w, s.h = 1<<30, 1<<10 })
	if _, err := decodeDIB(huge); !errors.Is(err, ErrTooLarge) {
		t.Errorf("huge: got %v, want ErrTooLarge", err)
	}
}

func FuzzDecodeDIB(f *testing.F) {
	code := mustCode(f, "otpauth://totp/x?secret=JBSWY3DP", 2)
	f.Add(qrDIB(code, 1, 40, false))
	f.Add(qrDIB(code, 24, 40, true))
	f.Add(qrDIB(code, 32, 124, false))
	f.Add(dibBytes(dibSpec{hdr: 40, w: 2, h: -1, bpp: 16, compression: biBitfields, masks: []uint32{0xf800, 0x07e0, 0x001f}, pixels: []byte{0, 0xf8, 0x10, 0x04}}))
	f.Add(dibBytes(dibSpec{hdr: 40, w: 3, h: 1, bpp: 4, used: 3, palette: [][4]byte{{}, {}, {}}, pixels: []byte{0x01, 0x20, 0, 0}}))
	f.Fuzz(func(t *testing.T, b []byte) {
		img, err := decodeDIB(b)
		if err != nil {
			return
		}
		r := img.Bounds()
		if r.Dx() <= 0 || r.Dy() <= 0 || int64(r.Dx())*int64(r.Dy()) > MaxPixels {
			t.Fatalf("decoded bounds %v", r)
		}
	})
}

// Package lumajpeg decodes only the luma (Y) plane of baseline and
// progressive Huffman-coded 8-bit JPEG files (ITU-T T.81), which is all
// a QR scanner looks at. Skipping the chroma planes' dequantisation,
// inverse DCT, upsampling and colour conversion — and skipping chroma-only
// scans of progressive files entirely, without entropy decoding them —
// makes it several times faster than image/jpeg on phone photos.
//
// Anything else (arithmetic coding, lossless or hierarchical modes,
// 12-bit samples, RGB- or CMYK-coded files, a height given by a DNL
// marker) is refused with ErrUnsupported, so that the caller can fall
// back to image/jpeg.
package lumajpeg

import (
	"errors"
	"fmt"
)

var (
	// ErrUnsupported means the file is a valid kind of JPEG that this
	// package does not decode; image/jpeg may.
	ErrUnsupported = errors.New("lumajpeg: unsupported JPEG")
	// ErrFormat means the data is not a well-formed JPEG.
	ErrFormat = errors.New("lumajpeg: invalid JPEG")
	// ErrTooLarge means the frame header declares more pixels than the
	// caller allows.
	ErrTooLarge = errors.New("lumajpeg: image too large")
)

// Image is a decoded luma plane: Pix holds W×H samples, row-major, with no
// padding, 0 black to 255 white.
type Image struct {
	Pix  []byte
	W, H int
}

// Markers (T.81 table B.1).
const (
	mSOF0 = 0xC0 // baseline
	mSOF1 = 0xC1 // extended sequential, Huffman
	mSOF2 = 0xC2 // progressive, Huffman
	mDHT  = 0xC4
	mRST0 = 0xD0
	mRST7 = 0xD7
	mSOI  = 0xD8
	mEOI  = 0xD9
	mSOS  = 0xDA
	mDQT  = 0xDB
	mDNL  = 0xDC
	mDRI  = 0xDD
	mAPPE = 0xEE // Adobe's colour transform flag lives here
	mTEM  = 0x01
)

// zigzag[k] is the natural (row-major) index of the k-th coefficient in
// zig-zag order, computed by walking the anti-diagonals.
var zigzag = func() (z [64 + 16]uint8) {
	k := 0
	for d := 0; d < 15; d++ {
		for i := 0; i <= d; i++ {
			r := i
			if d%2 == 0 {
				r = d - i // even diagonals run bottom-left to top-right
			}
			c := d - r
			if r < 8 && c < 8 {
				z[k] = uint8(r*8 + c)
				k++
			}
		}
	}
	// Entries 64..79 absorb a corrupt run that overshoots the block,
	// so the inner loops need no extra bound check; they map to a
	// scratch slot.
	for i := 64; i < len(z); i++ {
		z[i] = 64
	}
	return z
}()

type component struct {
	id     byte
	h, v   int // sampling factors
	tq     int // quantisation table
	bw, bh int // blocks covering the component (a non-interleaved scan's extent)
	dcPred int32
	td, ta int // Huffman tables of the current scan
	inScan bool
}

type decoder struct {
	data        []byte
	maxPixels   int
	w, h        int
	progressive bool
	comps       []component
	hmax, vmax  int
	mcux, mcuy  int
	quant       [4][64]uint16 // natural order
	dc, ac      [4]huffman
	dri         int
	adobe       bool
	transform   byte
	jfif        bool
	frame       bool

	// Y output: the padded plane for sequential files, the
	// coefficients for progressive ones.
	stride, rows int // padded plane size (whole MCUs)
	pix          []byte
	coef         []int16 // 64 per block, natural order, blocks row-major over the padded grid
	bwp          int     // blocks per padded row of Y
	eobrun       int32
}

// Decode decodes the luma plane of the JPEG file in data. maxPixels bounds
// W×H before anything of that size is allocated.
func Decode(data []byte, maxPixels int) (img Image, err error) {
	d := &decoder{data: data, maxPixels: maxPixels}
	if len(data) < 4 || data[0] != 0xFF || data[1] != mSOI {
		return Image{}, fmt.Errorf("%w: no start-of-image marker", ErrFormat)
	}
	p := 2
	scans := 0
	for {
		if p >= len(data) {
			return Image{}, fmt.Errorf("%w: truncated before the end-of-image marker", ErrFormat)
		}
		if data[p] != 0xFF {
			return Image{}, fmt.Errorf("%w: expected a marker at offset %d", ErrFormat, p)
		}
		for p < len(data) && data[p] == 0xFF {
			p++ // fill bytes
		}
		if p >= len(data) {
			return Image{}, fmt.Errorf("%w: truncated marker", ErrFormat)
		}
		m := data[p]
		p++
		switch {
		case m == mEOI:
			if !d.frame || scans == 0 {
				return Image{}, fmt.Errorf("%w: no image data", ErrFormat)
			}
			return d.finish(), nil
		case m >= mRST0 && m <= mRST7, m == mTEM:
			continue // no length field
		case m == mSOI || m == 0:
			return Image{}, fmt.Errorf("%w: unexpected marker %#02x", ErrFormat, m)
		}
		if p+2 > len(data) {
			return Image{}, fmt.Errorf("%w: truncated segment", ErrFormat)
		}
		n := int(data[p])<<8 | int(data[p+1])
		if n < 2 || p+n > len(data) {
			return Image{}, fmt.Errorf("%w: segment %#02x of length %d overruns the file", ErrFormat, m, n)
		}
		seg := data[p+2 : p+n]
		p += n
		switch {
		case m == mSOF0 || m == mSOF1 || m == mSOF2:
			if d.frame {
				return Image{}, fmt.Errorf("%w: second frame header", ErrFormat)
			}
			d.progressive = m == mSOF2
			if err := d.parseSOF(seg); err != nil {
				return Image{}, err
			}
		case m >= 0xC3 && m <= 0xCF && m != mDHT && m != 0xC8:
			// Lossless, hierarchical, arithmetic-coded frames, DAC.
			return Image{}, fmt.Errorf("%w: coding process marker %#02x", ErrUnsupported, m)
		case m == mDHT:
			if err := d.parseDHT(seg); err != nil {
				return Image{}, err
			}
		case m == mDQT:
			if err := d.parseDQT(seg); err != nil {
				return Image{}, err
			}
		case m == mDRI:
			if len(seg) != 2 {
				return Image{}, fmt.Errorf("%w: restart interval segment of %d bytes", ErrFormat, len(seg))
			}
			d.dri = int(seg[0])<<8 | int(seg[1])
		case m == mDNL:
			return Image{}, fmt.Errorf("%w: height in a DNL marker", ErrUnsupported)
		case m == 0xE0:
			if len(seg) >= 5 && string(seg[:5]) == "JFIF\x00" {
				d.jfif = true
			}
		case m == mAPPE:
			if len(seg) >= 12 && string(seg[:5]) == "Adobe" {
				d.adobe, d.transform = true, seg[11]
			}
		case m == mSOS:
			if !d.frame {
				return Image{}, fmt.Errorf("%w: scan before the frame header", ErrFormat)
			}
			end, err := d.scan(seg, p)
			if err != nil {
				return Image{}, err
			}
			p = end
			scans++
		}
	}
}

func (d *decoder) parseSOF(s []byte) error {
	if len(s) < 6 {
		return fmt.Errorf("%w: short frame header", ErrFormat)
	}
	if s[0] != 8 {
		return fmt.Errorf("%w: %d-bit samples", ErrUnsupported, s[0])
	}
	d.h = int(s[1])<<8 | int(s[2])
	d.w = int(s[3])<<8 | int(s[4])
	nf := int(s[5])
	if d.h == 0 {
		return fmt.Errorf("%w: height in a DNL marker", ErrUnsupported)
	}
	if d.w == 0 {
		return fmt.Errorf("%w: zero width", ErrFormat)
	}
	if d.w*d.h > d.maxPixels {
		return fmt.Errorf("%w: %d×%d", ErrTooLarge, d.w, d.h)
	}
	if nf != 1 && nf != 3 {
		return fmt.Errorf("%w: %d components", ErrUnsupported, nf)
	}
	if len(s) != 6+3*nf {
		return fmt.Errorf("%w: frame header of %d bytes for %d components", ErrFormat, len(s), nf)
	}
	d.comps = make([]component, nf)
	for i := range d.comps {
		c := &d.comps[i]
		c.id = s[6+3*i]
		c.h, c.v = int(s[7+3*i]>>4), int(s[7+3*i]&15)
		c.tq = int(s[8+3*i])
		if c.h < 1 || c.h > 4 || c.v < 1 || c.v > 4 || c.tq > 3 {
			return fmt.Errorf("%w: component %d sampling %d×%d, table %d", ErrFormat, i, c.h, c.v, c.tq)
		}
		for j := range i {
			if d.comps[j].id == c.id {
				return fmt.Errorf("%w: duplicate component id %d", ErrFormat, c.id)
			}
		}
		d.hmax, d.vmax = max(d.hmax, c.h), max(d.vmax, c.v)
	}
	if nf == 1 {
		// A single-component scan's MCU is one block, whatever its
		// sampling factors say.
		d.comps[0].h, d.comps[0].v = 1, 1
		d.hmax, d.vmax = 1, 1
	}
	if nf == 3 {
		if d.adobe && d.transform == 0 {
			return fmt.Errorf("%w: RGB-coded (Adobe transform 0)", ErrUnsupported)
		}
		if !d.jfif && !d.adobe && d.comps[0].id == 'R' && d.comps[1].id == 'G' && d.comps[2].id == 'B' {
			return fmt.Errorf("%w: RGB-coded (component ids R, G, B)", ErrUnsupported)
		}
	}
	d.mcux = (d.w + 8*d.hmax - 1) / (8 * d.hmax)
	d.mcuy = (d.h + 8*d.vmax - 1) / (8 * d.vmax)
	for i := range d.comps {
		c := &d.comps[i]
		cw := (d.w*c.h + d.hmax - 1) / d.hmax
		ch := (d.h*c.v + d.vmax - 1) / d.vmax
		c.bw, c.bh = (cw+7)/8, (ch+7)/8
	}
	y := &d.comps[0]
	d.bwp = d.mcux * y.h
	d.stride, d.rows = d.bwp*8, d.mcuy*y.v*8
	if d.progressive {
		d.coef = make([]int16, d.bwp*d.mcuy*y.v*64)
	} else {
		d.pix = make([]byte, d.stride*d.rows)
	}
	d.frame = true
	return nil
}

func (d *decoder) parseDQT(s []byte) error {
	for len(s) > 0 {
		pq, tq := s[0]>>4, int(s[0]&15)
		if tq > 3 || pq > 1 {
			return fmt.Errorf("%w: quantisation table %d of precision %d", ErrFormat, tq, pq)
		}
		s = s[1:]
		if pq == 0 {
			if len(s) < 64 {
				return fmt.Errorf("%w: short quantisation table", ErrFormat)
			}
			for k := range 64 {
				d.quant[tq][zigzag[k]] = uint16(s[k])
			}
			s = s[64:]
		} else {
			if len(s) < 128 {
				return fmt.Errorf("%w: short quantisation table", ErrFormat)
			}
			for k := range 64 {
				d.quant[tq][zigzag[k]] = uint16(s[2*k])<<8 | uint16(s[2*k+1])
			}
			s = s[128:]
		}
	}
	return nil
}

func (d *decoder) parseDHT(s []byte) error {
	for len(s) > 0 {
		if len(s) < 17 {
			return fmt.Errorf("%w: short Huffman table", ErrFormat)
		}
		tc, th := s[0]>>4, int(s[0]&15)
		if tc > 1 || th > 3 {
			return fmt.Errorf("%w: Huffman table class %d id %d", ErrFormat, tc, th)
		}
		var counts [17]int
		total := 0
		for l := 1; l <= 16; l++ {
			counts[l] = int(s[l])
			total += counts[l]
		}
		if total == 0 || total > 256 || len(s) < 17+total {
			return fmt.Errorf("%w: Huffman table of %d codes", ErrFormat, total)
		}
		t := &d.dc[th]
		if tc == 1 {
			t = &d.ac[th]
		}
		if err := t.build(counts, s[17:17+total]); err != nil {
			return err
		}
		s = s[17+total:]
	}
	return nil
}

// finish crops the luma plane to the frame (running the inverse DCT over
// the coefficients first for a progressive file).
func (d *decoder) finish() Image {
	if d.progressive {
		d.pix = make([]byte, d.stride*d.rows)
		q := d.dequant()
		var blk [64]int32
		bhp := d.rows / 8
		for by := range bhp {
			for bx := range d.bwp {
				c := d.coef[(by*d.bwp+bx)*64:][:64]
				last := 0
				for i, v := range c {
					blk[i] = int32(v)
					if v != 0 {
						last = i
					}
				}
				idct(&blk, &q, last == 0, d.pix[by*8*d.stride+bx*8:], d.stride)
			}
		}
	}
	if d.stride == d.w && d.rows >= d.h {
		return Image{Pix: d.pix[:d.w*d.h], W: d.w, H: d.h}
	}
	// Cropped in place: row y moves to y*w, never past where it was
	// (y*stride), so no row is overwritten before it is moved, and the
	// padded plane is not allocated a second time.
	for y := 1; y < d.h; y++ {
		copy(d.pix[y*d.w:(y+1)*d.w], d.pix[y*d.stride:])
	}
	return Image{Pix: d.pix[: d.w*d.h : d.w*d.h], W: d.w, H: d.h}
}

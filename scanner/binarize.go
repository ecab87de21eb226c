package scanner

import (
	"encoding/binary"
	"math"

	"github.com/makiuchi-d/gozxing"
)

// Local thresholding in the manner of ZXing's HybridBinarizer (8×8
// blocks, a black point per block, each block thresholded at the mean
// black point of the 5×5 blocks around it), written for speed: one pass
// of block statistics serves both polarities, and bits are packed 32 at
// a time instead of one BitMatrix.Set call per pixel. On a 4K screenshot
// this takes a few milliseconds where gozxing's binarizer takes ~100.

const (
	blockPow = 3
	block    = 1 << blockPow
	// minRange is the contrast below which a block is taken to be all
	// background or all foreground rather than split by its mean (which
	// would binarize noise).
	minRange = 24
)

// binarized holds ready bit matrices and serves them to gozxing readers.
type binarized struct {
	src gozxing.LuminanceSource
	m   *gozxing.BitMatrix
}

var _ gozxing.Binarizer = (*binarized)(nil)

func (b *binarized) GetLuminanceSource() gozxing.LuminanceSource { return b.src }
func (b *binarized) GetBlackMatrix() (*gozxing.BitMatrix, error) { return b.m, nil }
func (b *binarized) GetWidth() int                               { return b.m.GetWidth() }
func (b *binarized) GetHeight() int                              { return b.m.GetHeight() }

func (b *binarized) GetBlackRow(y int, row *gozxing.BitArray) (*gozxing.BitArray, error) {
	return b.m.GetRow(y, row), nil
}

func (b *binarized) CreateBinarizer(src gozxing.LuminanceSource) gozxing.Binarizer {
	return gozxing.NewHybridBinarizer(src)
}

// blockStats are the sum, minimum and maximum of each 8×8 block of a
// gray image, computed once and shared by every local threshold variant.
type blockStats struct {
	g      gray
	bw, bh int
	sum    []int32
	lo, hi []uint8
	count  []int32
}

func newBlockStats(g gray) *blockStats {
	bw, bh := (g.w+block-1)>>blockPow, (g.h+block-1)>>blockPow
	st := &blockStats{g: g, bw: bw, bh: bh,
		sum: make([]int32, bw*bh), lo: make([]uint8, bw*bh), hi: make([]uint8, bw*bh), count: make([]int32, bw*bh)}
	for i := range st.lo {
		st.lo[i] = 255
	}
	// Whole 8-pixel block columns go eight lanes at a time: per block,
	// lane-wise sums (in 16-bit lanes: 16 bytes of at most 255 each),
	// minima and maxima over its rows, reduced once per block row.
	full := g.w >> blockPow
	acc := make([]uint64, 3*full)
	for by := range bh {
		y0, y1 := by<<blockPow, min((by+1)<<blockPow, g.h)
		for i := 0; i < len(acc); i += 3 {
			acc[i], acc[i+1], acc[i+2] = 0, ^uint64(0), 0
		}
		base := by * bw
		for y := y0; y < y1; y++ {
			row := g.pix[y*g.w : (y+1)*g.w]
			for bx := range full {
				x := binary.LittleEndian.Uint64(row[bx<<blockPow:])
				a := acc[3*bx : 3*bx+3 : 3*bx+3]
				a[0] += x&evenBytes + x>>8&evenBytes
				m := byteMask(geBytes(a[1], x)) // lanes where x is a new minimum
				a[1] = a[1]&^m | x&m
				m = byteMask(geBytes(x, a[2])) // lanes where x is a new maximum
				a[2] = a[2]&^m | x&m
			}
			if full < bw {
				// The last, partial block column.
				seg := row[full<<blockPow:]
				i := base + full
				s, mn, mx := int32(0), st.lo[i], st.hi[i]
				for _, v := range seg {
					s += int32(v)
					mn = min(mn, v)
					mx = max(mx, v)
				}
				st.sum[i] += s
				st.count[i] += int32(len(seg))
				st.lo[i], st.hi[i] = mn, mx
			}
		}
		for bx := range full {
			a := acc[3*bx : 3*bx+3 : 3*bx+3]
			i := base + bx
			st.sum[i] = int32(a[0]&0xFFFF + a[0]>>16&0xFFFF + a[0]>>32&0xFFFF + a[0]>>48)
			st.count[i] = int32((y1 - y0) << blockPow)
			st.lo[i], st.hi[i] = minLane(a[1]), maxLane(a[2])
		}
	}
	return st
}

// minLane is the least of x's eight byte lanes. Halving the word three
// times, lane-wise, takes a third of the operations of eight shifts and
// compares, and this reduction ran once per block for both extremes: it
// was a third of newBlockStats' time on the photos. (The zeros shifted
// in reach only lanes that are no longer read.)
func minLane(x uint64) uint8 {
	for s := 32; s >= 8; s >>= 1 {
		y := x >> s
		m := byteMask(geBytes(x, y)) // lanes where y is not greater
		x = x&^m | y&m
	}
	return uint8(x)
}

// maxLane is the greatest of x's eight byte lanes, as minLane.
func maxLane(x uint64) uint8 {
	for s := 32; s >= 8; s >>= 1 {
		y := x >> s
		m := byteMask(geBytes(y, x)) // lanes where y is not less
		x = x&^m | y&m
	}
	return uint8(x)
}

// evenBytes selects the even byte lanes of a word as 16-bit lanes.
const evenBytes = 0x00FF00FF00FF00FF

// byteMask widens geBytes' high bits to whole lanes.
func byteMask(high uint64) uint64 { return (high >> 7) * 0xFF }

// threshold binarizes the image (dark = set) and, when inverted is true,
// also its negative, as if it had first been inverted.
//
// With edgesOnly, a block's threshold averages only the black points of
// the blocks around it that have contrast, when there are any. ZXing's
// rule gives a flat light block the black point min/2, which for a faint
// code (greys 100 and 140, say) on a white page (255) lies above both of
// the code's greys: the quiet zone turns black and the finder patterns
// merge with it. Averaging only the code's own edges keeps the threshold
// between its greys.
func (st *blockStats) threshold(inverted, edgesOnly bool) (dark, light *gozxing.BitMatrix) {
	dark = st.matrix(false, edgesOnly)
	if inverted {
		light = st.matrix(true, edgesOnly)
	}
	return dark, light
}

// matrix is threshold's one polarity: the negative's when light is set.
func (st *blockStats) matrix(light, edgesOnly bool) *gozxing.BitMatrix {
	return pack(st.g, st.bw, st.thresholds(light, edgesOnly), light)
}

// thresholds returns each block's threshold: the mean black point of the
// 5×5 blocks around it (clamped at the image edges).
func (st *blockStats) thresholds(invert, edgesOnly bool) []int32 {
	bw, bh := st.bw, st.bh
	bp := make([]int32, bw*bh)
	for by := 0; by < bh; by++ {
		for bx := 0; bx < bw; bx++ {
			i := by*bw + bx
			n := st.count[i]
			s, mn, mx := st.sum[i], int32(st.lo[i]), int32(st.hi[i])
			if invert {
				s, mn, mx = 255*n-s, 255-mx, 255-mn
			}
			avg := s / n
			if mx-mn <= minRange {
				// Flat block: background unless its neighbours
				// (already computed) say it is darker than them.
				avg = mn / 2
				if by > 0 && bx > 0 {
					nb := (bp[i-bw] + 2*bp[i-1] + bp[i-bw-1]) / 4
					if mn < nb {
						avg = nb
					}
				}
			}
			bp[i] = avg
		}
	}
	return st.boxMeans(bp, edgesOnly)
}

// boxMeans returns, for each block, the mean of bp over the 5×5 blocks
// around it (clamped at the image edges); with edgesOnly, over those of
// them that have contrast, when there are any. The window sums are
// separable: column sums over five block rows slide down the image, and
// each row of windows is a difference of prefix sums, so a block costs a
// few additions instead of 25 (this was an eighth of a photo's time).
func (st *blockStats) boxMeans(bp []int32, edgesOnly bool) []int32 {
	bw, bh := st.bw, st.bh
	th := make([]int32, bw*bh)
	// col holds, per block column, the sums over the window's rows of
	// bp, then (edgesOnly) of bp and of the count over blocks with
	// contrast; pre the prefix sums of one of them.
	k := 1
	if edgesOnly {
		k = 3
	}
	col := make([]int32, k*bw)
	pre := make([]int32, k*(bw+1))
	addRow := func(y int, sign int32) {
		row := bp[y*bw : (y+1)*bw]
		for x, v := range row {
			col[x] += sign * v
		}
		if !edgesOnly {
			return
		}
		hi, lo := st.hi[y*bw:(y+1)*bw], st.lo[y*bw:(y+1)*bw]
		es, en := col[bw:2*bw], col[2*bw:3*bw]
		for x, v := range row {
			if int32(hi[x])-int32(lo[x]) > minRange {
				es[x] += sign * v
				en[x] += sign
			}
		}
	}
	for y := range min(2, bh) {
		addRow(y, 1)
	}
	for by := range bh {
		if y := by + 2; y < bh {
			addRow(y, 1)
		}
		if y := by - 3; y >= 0 {
			addRow(y, -1)
		}
		for j := range k {
			c, p := col[j*bw:(j+1)*bw], pre[j*(bw+1):(j+1)*(bw+1)]
			for x, v := range c {
				p[x+1] = p[x] + v
			}
		}
		rows := int32(min(bh-1, by+2) - max(0, by-2) + 1)
		ps := pre[:bw+1]
		out := th[by*bw : (by+1)*bw]
		for bx := range out {
			x0, x1 := max(0, bx-2), min(bw-1, bx+2)+1
			s, n := ps[x1]-ps[x0], rows*int32(x1-x0)
			if edgesOnly {
				pes, pen := pre[bw+1:2*(bw+1)], pre[2*(bw+1):]
				if en := pen[x1] - pen[x0]; en > 0 {
					s, n = pes[x1]-pes[x0], en
				}
			}
			out[bx] = s / n
		}
	}
	return th
}

// pack writes the bit matrix for per-block thresholds th: a pixel is set
// when v <= th (or, inverted, when 255-v <= th, that is v >= 255-th).
// Four 8-pixel blocks make one 32-bit word of the matrix row.
func pack(g gray, bw int, th []int32, inverted bool) *gozxing.BitMatrix {
	m, _ := gozxing.NewBitMatrix(g.w, g.h)
	row := gozxing.NewBitArray(g.w)
	words := row.GetBitArray()
	full := g.w >> blockPow // whole 8-pixel blocks of a row
	// The thresholds of one block row, clamped and spread over eight
	// byte lanes once for its eight pixel rows.
	tl := make([]uint64, bw)
	for y := 0; y < g.h; y++ {
		ths := th[(y>>blockPow)*bw : (y>>blockPow+1)*bw]
		if y&(block-1) == 0 {
			for bx, t := range ths {
				t = min(max(t, 0), 255)
				if inverted {
					t = 255 - t
				}
				tl[bx] = uint64(t) * lanes
			}
		}
		pix := g.pix[y*g.w : (y+1)*g.w]
		clear(words)
		for bx := range full {
			v := binary.LittleEndian.Uint64(pix[bx<<blockPow:])
			var bits uint32
			if inverted {
				bits = gatherHigh(geBytes(v, tl[bx]))
			} else {
				bits = gatherHigh(geBytes(tl[bx], v))
			}
			words[bx>>2] |= bits << uint((bx&3)*block)
		}
		if full < bw {
			t := ths[full]
			if inverted {
				t = 255 - t
			}
			words[full>>2] |= packBlock(pix[full<<blockPow:], t, inverted) << uint((full&3)*block)
		}
		m.SetRow(y, row)
	}
	return m
}

// packBlock returns the bits of up to 8 pixels (bit i for seg[i]): set
// when v <= t, or with atLeast when v >= t.
func packBlock(seg []byte, t int32, atLeast bool) uint32 {
	t = min(max(t, 0), 255)
	if len(seg) == 8 {
		v := binary.LittleEndian.Uint64(seg)
		tt := uint64(t) * lanes
		if atLeast {
			return gatherHigh(geBytes(v, tt))
		}
		return gatherHigh(geBytes(tt, v))
	}
	// Branch-free: the sign bit of t-v-1 (v-t-1) is set exactly when
	// v >= t (v <= t).
	var bits uint32
	for i, v := range seg {
		if atLeast {
			bits |= uint32((t-int32(v)-1)>>31&1) << uint(i)
		} else {
			bits |= uint32((int32(v)-t-1)>>31&1) << uint(i)
		}
	}
	return bits
}

// SWAR (eight bytes in a 64-bit word) comparison, so that binarizing
// costs a few operations per 8 pixels instead of several per pixel.
const (
	lanes = 0x0101010101010101
	highs = 0x8080808080808080
)

// geBytes sets the high bit of each byte lane where a's byte >= b's
// (unsigned), and clears every other bit. The low seven bits are compared
// by a subtraction that cannot borrow across lanes ((a|0x80) − (b&0x7f) ≥
// 1); the high bits then decide where they differ.
func geBytes(a, b uint64) uint64 {
	low := (a | highs) - (b &^ highs)
	return (a&^b | ^(a^b)&low) & highs
}

// gatherHigh packs the high bit of byte lane i into bit i. Shifted down
// to bit 8i, lane i times the multiplier's bit 56−7i lands on bit 56+i;
// no other product reaches bits 56–63.
func gatherHigh(x uint64) uint32 {
	return uint32((x >> 7) * 0x0102040810204080 >> 56)
}

// globalThreshold binarizes g at one fixed level t (dark = v <= t). Used
// for low-contrast codes sitting in bright surroundings, where every
// local threshold taken across the code's edge turns its grey quiet zone
// black.
func globalThreshold(g gray, t uint8) *gozxing.BitMatrix {
	m, _ := gozxing.NewBitMatrix(g.w, g.h)
	row := gozxing.NewBitArray(g.w)
	for y := 0; y < g.h; y++ {
		pix := g.pix[y*g.w : (y+1)*g.w]
		for x0 := 0; x0 < g.w; x0 += 32 {
			var bits uint32
			for i := 0; i < 32 && x0+i < g.w; i += 8 {
				bits |= packBlock(pix[x0+i:min(x0+i+8, g.w)], int32(t), false) << uint(i)
			}
			row.SetBulk(x0, bits)
		}
		m.SetRow(y, row)
	}
	return m
}

// Evidence for a faint code: a window of faintWindow×faintWindow blocks
// (64 px) in which at least faintShare of the blocks have some contrast
// but not much (minRange < hi-lo ≤ faintRange). The modules of a code
// split nearly every block they cover, so a code of any contrast up to
// faintRange fills such a window; screenshot clutter (text, icons, window
// edges) is either flat or sharp and fills at most about half of one.
// Measured on the benchmark corpus: every low-contrast code ≥ 0.98,
// negatives and 1080p screenshots ≤ 0.56, real photos that need the fixed
// levels ≥ 0.86.
const (
	faintWindow = 8
	faintRange  = 160
	faintShare  = 0.75
)

// hasFaintRegion reports whether some window of the image looks like the
// inside of a code of moderate contrast (see faintWindow). It reads only
// the block statistics: a few milliseconds on a 4K image.
func (st *blockStats) hasFaintRegion() bool {
	bw, bh, k := st.bw, st.bh, faintWindow
	if bw < k || bh < k {
		return true // small image: the fallbacks are cheap anyway
	}
	need := int32(math.Ceil(faintShare * float64(k*k)))
	// Column sums of the faint indicator over the last k block rows,
	// slid down the image; each row of windows is then a running sum.
	col := make([]int32, bw)
	faint := func(i int) int32 {
		if r := int(st.hi[i]) - int(st.lo[i]); r > minRange && r <= faintRange {
			return 1
		}
		return 0
	}
	for by := 0; by < bh; by++ {
		for bx := range col {
			col[bx] += faint(by*bw + bx)
			if by >= k {
				col[bx] -= faint((by-k)*bw + bx)
			}
		}
		if by < k-1 {
			continue
		}
		var s int32
		for bx, c := range col {
			s += c
			if bx >= k {
				s -= col[bx-k]
			}
			if bx >= k-1 && s >= need {
				return true
			}
		}
	}
	return false
}

package scanner

import (
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
	for y := 0; y < g.h; y++ {
		row := g.pix[y*g.w : (y+1)*g.w]
		base := (y >> blockPow) * bw
		for bx := 0; bx < bw; bx++ {
			seg := row[bx<<blockPow : min((bx+1)<<blockPow, g.w)]
			s, mn, mx := int32(0), st.lo[base+bx], st.hi[base+bx]
			for _, v := range seg {
				s += int32(v)
				mn = min(mn, v)
				mx = max(mx, v)
			}
			st.sum[base+bx] += s
			st.count[base+bx] += int32(len(seg))
			st.lo[base+bx], st.hi[base+bx] = mn, mx
		}
	}
	return st
}

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
	dark = pack(st.g, st.bw, st.thresholds(false, edgesOnly), false)
	if inverted {
		light = pack(st.g, st.bw, st.thresholds(true, edgesOnly), true)
	}
	return dark, light
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
	th := make([]int32, bw*bh)
	for by := 0; by < bh; by++ {
		for bx := 0; bx < bw; bx++ {
			var s, n, es, en int32
			for y := max(0, by-2); y <= min(bh-1, by+2); y++ {
				for x := max(0, bx-2); x <= min(bw-1, bx+2); x++ {
					j := y*bw + x
					s += bp[j]
					n++
					if edgesOnly && int32(st.hi[j])-int32(st.lo[j]) > minRange {
						es += bp[j]
						en++
					}
				}
			}
			if en > 0 {
				s, n = es, en
			}
			th[by*bw+bx] = s / n
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
	for y := 0; y < g.h; y++ {
		ths := th[(y>>blockPow)*bw : (y>>blockPow+1)*bw]
		pix := g.pix[y*g.w : (y+1)*g.w]
		clear(words)
		for bx, t := range ths {
			seg := pix[bx<<blockPow : min((bx+1)<<blockPow, g.w)]
			// Branch-free: the sign bit of t-v-1 (v-t-1 inverted) is
			// set exactly when the pixel is dark (light).
			var bits uint32
			if inverted {
				t = 255 - t
				for i, v := range seg {
					bits |= uint32((t-int32(v)-1)>>31&1) << uint(i)
				}
			} else {
				for i, v := range seg {
					bits |= uint32((int32(v)-t-1)>>31&1) << uint(i)
				}
			}
			words[bx>>2] |= bits << uint((bx&3)*block)
		}
		m.SetRow(y, row)
	}
	return m
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
			for i, v := range pix[x0:min(x0+32, g.w)] {
				bits |= uint32((int32(v)-int32(t)-1)>>31&1) << uint(i)
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

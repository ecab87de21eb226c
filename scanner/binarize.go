package scanner

import (
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

// localThreshold binarizes g (dark = set) and, when inverted is true, also
// its negative, as if g had first been inverted.
func localThreshold(g gray, inverted bool) (dark, light *gozxing.BitMatrix) {
	bw, bh := (g.w+block-1)>>blockPow, (g.h+block-1)>>blockPow
	sum := make([]int32, bw*bh)
	lo := make([]uint8, bw*bh)
	hi := make([]uint8, bw*bh)
	for i := range lo {
		lo[i] = 255
	}
	for y := 0; y < g.h; y++ {
		row := g.pix[y*g.w : (y+1)*g.w]
		base := (y >> blockPow) * bw
		for bx := 0; bx < bw; bx++ {
			x0, x1 := bx<<blockPow, min((bx+1)<<blockPow, g.w)
			s, mn, mx := int32(0), lo[base+bx], hi[base+bx]
			for _, v := range row[x0:x1] {
				s += int32(v)
				mn = min(mn, v)
				mx = max(mx, v)
			}
			sum[base+bx] += s
			lo[base+bx], hi[base+bx] = mn, mx
		}
	}
	count := func(bx, by int) int32 {
		return int32((min((bx+1)<<blockPow, g.w) - bx<<blockPow) * (min((by+1)<<blockPow, g.h) - by<<blockPow))
	}
	blackPoints := func(invert bool) []int32 {
		bp := make([]int32, bw*bh)
		for by := 0; by < bh; by++ {
			for bx := 0; bx < bw; bx++ {
				i := by*bw + bx
				n := count(bx, by)
				s, mn, mx := sum[i], int32(lo[i]), int32(hi[i])
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
		// Threshold of each block: mean black point of the 5×5 blocks
		// around it (clamped at the edges).
		th := make([]int32, bw*bh)
		for by := 0; by < bh; by++ {
			for bx := 0; bx < bw; bx++ {
				var s, n int32
				for y := max(0, by-2); y <= min(bh-1, by+2); y++ {
					for x := max(0, bx-2); x <= min(bw-1, bx+2); x++ {
						s += bp[y*bw+x]
						n++
					}
				}
				th[by*bw+bx] = s / n
			}
		}
		return th
	}
	dark = pack(g, bw, blackPoints(false), false)
	if inverted {
		light = pack(g, bw, blackPoints(true), true)
	}
	return dark, light
}

// pack writes the bit matrix for per-block thresholds th: a pixel is set
// when v <= th (or, inverted, when 255-v <= th).
func pack(g gray, bw int, th []int32, inverted bool) *gozxing.BitMatrix {
	m, _ := gozxing.NewBitMatrix(g.w, g.h)
	words := (g.w + 31) / 32
	row := gozxing.NewBitArray(g.w)
	tpix := make([]int32, g.w)
	for y := 0; y < g.h; y++ {
		ths := th[(y>>blockPow)*bw:]
		for x := range tpix {
			t := ths[x>>blockPow]
			if inverted {
				t = 255 - t // 255-v <= t  <=>  v >= 255-t
			}
			tpix[x] = t
		}
		pix := g.pix[y*g.w : (y+1)*g.w]
		for wi := range words {
			x0 := wi * 32
			x1 := min(x0+32, g.w)
			var bits uint32
			if inverted {
				for x := x0; x < x1; x++ {
					if int32(pix[x]) >= tpix[x] {
						bits |= 1 << uint(x-x0)
					}
				}
			} else {
				for x := x0; x < x1; x++ {
					if int32(pix[x]) <= tpix[x] {
						bits |= 1 << uint(x-x0)
					}
				}
			}
			row.SetBulk(x0, bits)
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
			for x := x0; x < min(x0+32, g.w); x++ {
				if pix[x] <= t {
					bits |= 1 << uint(x-x0)
				}
			}
			row.SetBulk(x0, bits)
		}
		m.SetRow(y, row)
	}
	return m
}

package scanner

import (
	"math/rand/v2"
	"testing"
)

// TestLocalThresholdPolarity checks the packed matrices bit by bit against
// the per-pixel rule, for both polarities and a width that is not a
// multiple of the block or word size.
func TestLocalThresholdPolarity(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	g := gray{w: 77, h: 45, pix: make([]byte, 77*45)}
	for i := range g.pix {
		g.pix[i] = byte(r.UintN(256))
	}
	st := newBlockStats(g)
	for _, edges := range []bool{false, true} {
		dark, light := st.threshold(true, edges)
		thD := st.thresholds(false, edges)
		thL := st.thresholds(true, edges)
		for y := 0; y < g.h; y++ {
			for x := 0; x < g.w; x++ {
				i := (y>>blockPow)*st.bw + x>>blockPow
				v := int32(g.pix[y*g.w+x])
				if got, want := dark.Get(x, y), v <= thD[i]; got != want {
					t.Fatalf("edges=%v dark(%d,%d) = %v, want %v", edges, x, y, got, want)
				}
				if got, want := light.Get(x, y), 255-v <= thL[i]; got != want {
					t.Fatalf("edges=%v light(%d,%d) = %v, want %v", edges, x, y, got, want)
				}
			}
		}
	}
	for _, th := range []uint8{0, 1, 100, 127, 128, 200, 254, 255} {
		m := globalThreshold(g, th)
		for y := 0; y < g.h; y++ {
			for x := 0; x < g.w; x++ {
				if got, want := m.Get(x, y), g.pix[y*g.w+x] <= th; got != want {
					t.Fatalf("global %d (%d,%d) = %v, want %v", th, x, y, got, want)
				}
			}
		}
	}
}

// TestPackBlock checks the eight-lane comparison against the per-pixel
// rule for every threshold and pixel value, in every lane.
func TestPackBlock(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 6))
	seg := make([]byte, 8)
	for th := int32(0); th < 256; th++ {
		for v := 0; v < 256; v++ {
			for i := range seg {
				seg[i] = byte(r.UintN(256))
			}
			seg[v%8] = byte(v)
			for _, atLeast := range []bool{false, true} {
				got := packBlock(seg, th, atLeast)
				for i, p := range seg {
					want := int32(p) <= th
					if atLeast {
						want = int32(p) >= th
					}
					if got>>uint(i)&1 == 1 != want {
						t.Fatalf("packBlock(%v, %d, %v) bit %d = %v, want %v", seg, th, atLeast, i, !want, want)
					}
				}
			}
		}
	}
}

// TestResample checks double and half on a tiny ramp.
func TestResample(t *testing.T) {
	g := gray{w: 4, h: 2, pix: []byte{0, 100, 200, 255, 0, 100, 200, 255}}
	d := g.double()
	if d.w != 8 || d.h != 4 {
		t.Fatalf("double size %dx%d", d.w, d.h)
	}
	// Interior samples interpolate: 3/4·100 + 1/4·0 = 75 at x=2.
	if v := d.pix[2]; v != 75 {
		t.Errorf("double pix[2] = %d, want 75", v)
	}
	h := g.half()
	if h.w != 2 || h.h != 1 || h.pix[0] != 50 || h.pix[1] != 228 {
		t.Errorf("half = %dx%d %v, want 2x1 [50 228]", h.w, h.h, h.pix)
	}
}

// TestDoubleExact compares double with the bilinear rule computed per
// output pixel, on random images of odd and even sizes down to 1×1.
func TestDoubleExact(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	for _, size := range [][2]int{{1, 1}, {1, 5}, {6, 1}, {2, 2}, {33, 17}, {64, 40}} {
		g := gray{w: size[0], h: size[1], pix: make([]byte, size[0]*size[1])}
		for i := range g.pix {
			g.pix[i] = byte(r.UintN(256))
			if i%7 < 2 {
				g.pix[i] = 255 * byte(i%2)
			}
		}
		d := g.double()
		if d.w != 2*g.w || d.h != 2*g.h {
			t.Fatalf("%dx%d doubled to %dx%d", g.w, g.h, d.w, d.h)
		}
		for y := range d.h {
			for x := range d.w {
				// Input coordinate x/2 − 1/4: taps sx, sx+1 with weight
				// wx/4 on sx+1 (edges clamped); likewise along y.
				sx, wx := x/2-1, uint32(3)
				if x%2 == 1 {
					sx, wx = x/2, 1
				}
				sy, wy := y/2-1, uint32(3)
				if y%2 == 1 {
					sy, wy = y/2, 1
				}
				at := func(x, y int) uint32 { return uint32(g.pix[clamp(y, g.h)*g.w+clamp(x, g.w)]) }
				a := at(sx, sy)*(4-wx) + at(sx+1, sy)*wx
				c := at(sx, sy+1)*(4-wx) + at(sx+1, sy+1)*wx
				if want := byte((a*(4-wy) + c*wy + 8) >> 4); d.pix[y*d.w+x] != want {
					t.Fatalf("%dx%d: double(%d, %d) = %d, want %d", g.w, g.h, x, y, d.pix[y*d.w+x], want)
				}
			}
		}
	}
}

// TestBlockStats checks the eight-lane block statistics against a plain
// per-pixel computation, on widths with and without a partial block.
func TestBlockStats(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for _, size := range [][2]int{{8, 8}, {77, 45}, {64, 17}, {5, 3}, {200, 9}} {
		g := gray{w: size[0], h: size[1], pix: make([]byte, size[0]*size[1])}
		for i := range g.pix {
			g.pix[i] = byte(r.UintN(256))
			if i%13 < 4 {
				g.pix[i] = byte(i % 3 * 127) // runs of 0, 127, 254
			}
		}
		st := newBlockStats(g)
		for by := range st.bh {
			for bx := range st.bw {
				var sum, n int32
				lo, hi := uint8(255), uint8(0)
				for y := by * block; y < min((by+1)*block, g.h); y++ {
					for x := bx * block; x < min((bx+1)*block, g.w); x++ {
						v := g.pix[y*g.w+x]
						sum += int32(v)
						n++
						lo, hi = min(lo, v), max(hi, v)
					}
				}
				i := by*st.bw + bx
				if st.sum[i] != sum || st.count[i] != n || st.lo[i] != lo || st.hi[i] != hi {
					t.Fatalf("%v block (%d,%d): sum %d n %d lo %d hi %d, want %d %d %d %d", size, bx, by,
						st.sum[i], st.count[i], st.lo[i], st.hi[i], sum, n, lo, hi)
				}
			}
		}
	}
}

// TestBoxMeans checks the sliding 5×5 window means against summing each
// window directly, for block grids smaller and larger than the window.
func TestBoxMeans(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for _, size := range [][2]int{{1, 1}, {1, 7}, {2, 3}, {5, 5}, {6, 1}, {13, 9}, {40, 31}} {
		bw, bh := size[0], size[1]
		st := &blockStats{bw: bw, bh: bh, lo: make([]uint8, bw*bh), hi: make([]uint8, bw*bh)}
		bp := make([]int32, bw*bh)
		for i := range bp {
			bp[i] = int32(r.UintN(256))
			st.lo[i] = uint8(r.UintN(128))
			st.hi[i] = st.lo[i] + uint8(r.UintN(2*minRange+2)) // about half have contrast
		}
		for _, edges := range []bool{false, true} {
			got := st.boxMeans(bp, edges)
			for by := range bh {
				for bx := range bw {
					var s, n, es, en int32
					for y := max(0, by-2); y <= min(bh-1, by+2); y++ {
						for x := max(0, bx-2); x <= min(bw-1, bx+2); x++ {
							j := y*bw + x
							s += bp[j]
							n++
							if int32(st.hi[j])-int32(st.lo[j]) > minRange {
								es += bp[j]
								en++
							}
						}
					}
					if edges && en > 0 {
						s, n = es, en
					}
					if want := s / n; got[by*bw+bx] != want {
						t.Fatalf("%dx%d edges=%v block (%d,%d) = %d, want %d", bw, bh, edges, bx, by, got[by*bw+bx], want)
					}
				}
			}
		}
	}
}

// TestHalf checks the eight-lane 2×2 average against the per-pixel rule
// on odd sizes.
func TestHalf(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 8))
	for _, size := range [][2]int{{2, 2}, {9, 5}, {16, 4}, {37, 11}} {
		g := gray{w: size[0], h: size[1], pix: make([]byte, size[0]*size[1])}
		for i := range g.pix {
			g.pix[i] = byte(r.UintN(256))
			if i%7 == 0 {
				g.pix[i] = 255
			}
		}
		h := g.half()
		for y := range h.h {
			for x := range h.w {
				s := int(g.pix[2*y*g.w+2*x]) + int(g.pix[2*y*g.w+2*x+1]) + int(g.pix[(2*y+1)*g.w+2*x]) + int(g.pix[(2*y+1)*g.w+2*x+1])
				if got, want := h.pix[y*h.w+x], byte((s+2)/4); got != want {
					t.Fatalf("%dx%d half (%d,%d) = %d, want %d", g.w, g.h, x, y, got, want)
				}
			}
		}
	}
}

// TestLaneExtremes checks minLane and maxLane against a plain loop over
// the lanes, on words with equal lanes, lanes at 0 and 255, and random ones.
func TestLaneExtremes(t *testing.T) {
	words := []uint64{0, ^uint64(0), 0x0101010101010101, 0xFF00000000000000, 0x00000000000000FF,
		0x80007F0081FE0102, 0x7F7F7F7F7F7F7F80}
	rng := rand.New(rand.NewPCG(15, 2))
	for range 10000 {
		words = append(words, rng.Uint64())
	}
	for _, x := range words {
		mn, mx := uint8(255), uint8(0)
		for k := 0; k < 64; k += 8 {
			mn, mx = min(mn, uint8(x>>k)), max(mx, uint8(x>>k))
		}
		if got := minLane(x); got != mn {
			t.Fatalf("minLane(%#016x) = %d, want %d", x, got, mn)
		}
		if got := maxLane(x); got != mx {
			t.Fatalf("maxLane(%#016x) = %d, want %d", x, got, mx)
		}
	}
}

// BenchmarkBlockStats3MP measures the block statistics of a 3 MP photo's
// size (2048×1536, random greys), which every local threshold starts from.
func BenchmarkBlockStats3MP(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 3))
	g := gray{w: 2048, h: 1536, pix: make([]byte, 2048*1536)}
	for i := range g.pix {
		g.pix[i] = byte(r.UintN(256))
	}
	for b.Loop() {
		newBlockStats(g)
	}
}

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
	m := globalThreshold(g, 100)
	for y := 0; y < g.h; y++ {
		for x := 0; x < g.w; x++ {
			if got, want := m.Get(x, y), g.pix[y*g.w+x] <= 100; got != want {
				t.Fatalf("global(%d,%d) = %v, want %v", x, y, got, want)
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

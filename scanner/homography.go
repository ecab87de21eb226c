package scanner

import "math"

// homography is a projective map of the plane, h[8] = 1: a point (X, Y)
// goes to ((h0 X + h1 Y + h2) / w, (h3 X + h4 Y + h5) / w) with
// w = h6 X + h7 Y + 1. The perspective sampler maps a code's module
// coordinates to image pixels with one.
type homography [9]float64

func (h homography) apply(p fpoint) (fpoint, bool) {
	w := h[6]*p.x + h[7]*p.y + h[8]
	if math.Abs(w) < 1e-12 {
		return fpoint{}, false
	}
	return fpoint{(h[0]*p.x + h[1]*p.y + h[2]) / w, (h[3]*p.x + h[4]*p.y + h[5]) / w}, true
}

// fitHomography returns the homography that maps each from[i] to to[i]
// best in the least-squares sense of the linearised equations (exact for
// four points in general position). Both point sets are first moved to
// their centroid and scaled to unit mean distance, which keeps the normal
// equations well conditioned when module coordinates (0–177) meet pixel
// coordinates (up to thousands). It fails for fewer than four points or
// a degenerate configuration.
func fitHomography(from, to []fpoint) (homography, bool) {
	if len(from) != len(to) || len(from) < 4 {
		return homography{}, false
	}
	nf, okf := normalizer(from)
	nt, okt := normalizer(to)
	if !okf || !okt {
		return homography{}, false
	}
	// Normal equations AᵀA h = Aᵀb of the 2n linear equations
	//   h0 X + h1 Y + h2 − h6 X x − h7 Y x = x
	//   h3 X + h4 Y + h5 − h6 X y − h7 Y y = y
	var m [8][9]float64
	add := func(row [8]float64, b float64) {
		for i := range 8 {
			if row[i] == 0 {
				continue
			}
			for j := range 8 {
				m[i][j] += row[i] * row[j]
			}
			m[i][8] += row[i] * b
		}
	}
	for i := range from {
		p, q := nf.to(from[i]), nt.to(to[i])
		add([8]float64{p.x, p.y, 1, 0, 0, 0, -p.x * q.x, -p.y * q.x}, q.x)
		add([8]float64{0, 0, 0, p.x, p.y, 1, -p.x * q.y, -p.y * q.y}, q.y)
	}
	x, ok := solve8(m)
	if !ok {
		return homography{}, false
	}
	hn := homography{x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7], 1}
	// H = Nt⁻¹ · Hn · Nf
	h := mul3(nt.inverse(), mul3(hn, nf.matrix()))
	if math.Abs(h[8]) < 1e-12 {
		return homography{}, false
	}
	for i := range h {
		h[i] /= h[8]
	}
	return h, true
}

// solve8 solves the 8×8 system in m (augmented column 8) by Gaussian
// elimination with partial pivoting.
func solve8(m [8][9]float64) ([8]float64, bool) {
	for c := range 8 {
		p := c
		for r := c + 1; r < 8; r++ {
			if math.Abs(m[r][c]) > math.Abs(m[p][c]) {
				p = r
			}
		}
		if math.Abs(m[p][c]) < 1e-10 {
			return [8]float64{}, false
		}
		m[c], m[p] = m[p], m[c]
		for r := c + 1; r < 8; r++ {
			f := m[r][c] / m[c][c]
			for k := c; k < 9; k++ {
				m[r][k] -= f * m[c][k]
			}
		}
	}
	var x [8]float64
	for r := 7; r >= 0; r-- {
		s := m[r][8]
		for k := r + 1; k < 8; k++ {
			s -= m[r][k] * x[k]
		}
		x[r] = s / m[r][r]
	}
	return x, true
}

// norm is a similarity p ↦ (p − c)·s.
type norm struct {
	c fpoint
	s float64
}

func normalizer(ps []fpoint) (norm, bool) {
	var c fpoint
	for _, p := range ps {
		c.x += p.x
		c.y += p.y
	}
	c.x /= float64(len(ps))
	c.y /= float64(len(ps))
	var d float64
	for _, p := range ps {
		d += math.Hypot(p.x-c.x, p.y-c.y)
	}
	d /= float64(len(ps))
	if d < 1e-9 || math.IsNaN(d) || math.IsInf(d, 0) {
		return norm{}, false
	}
	return norm{c, 1 / d}, true
}

func (n norm) to(p fpoint) fpoint { return fpoint{(p.x - n.c.x) * n.s, (p.y - n.c.y) * n.s} }

func (n norm) matrix() homography {
	return homography{n.s, 0, -n.c.x * n.s, 0, n.s, -n.c.y * n.s, 0, 0, 1}
}

func (n norm) inverse() homography {
	return homography{1 / n.s, 0, n.c.x, 0, 1 / n.s, n.c.y, 0, 0, 1}
}

func mul3(a, b homography) homography {
	var r homography
	for i := range 3 {
		for j := range 3 {
			for k := range 3 {
				r[3*i+j] += a[3*i+k] * b[3*k+j]
			}
		}
	}
	return r
}

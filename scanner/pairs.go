package scanner

import (
	"math"

	"github.com/makiuchi-d/gozxing"
)

// A code of which only two finder patterns show. In photos the third is
// most often lost to glare (its outer ring washes out to the grey of
// the light ring beside it) or to a smudge or fold, while the format
// information, which the code carries twice, and the error correction
// still cover for the modules around it. Where the third finder must be
// follows from the two that were traced: two finders whose centres line
// up with their sides are neighbours (top-left and top-right, say), and
// the third is a side's length across from one of them, on either side;
// two finders whose centres run at 45° to their sides are the top-right
// and bottom-left, and the top-left is where their sides' lines meet.
// Each guess gets the outline of a traced finder moved to the guessed
// centre, and the perspective sampler decodes the three; a wrong guess
// samples a grid that fails the format and error-correction checks.

// maxPairs bounds the pairs of finders tried within one pass.
const maxPairs = 3

// pairGuesses returns the possible outlines of the missing third finder
// of a code of which a and b are two finders, inside a w×h image.
func pairGuesses(a, b finderQuad, w, h int) []finderQuad {
	ab := fpoint{b.centre.x - a.centre.x, b.centre.y - a.centre.y}
	n := math.Hypot(ab.x, ab.y)
	m := (a.module + b.module) / 2
	if n < 12*m || n > 190*math.Sqrt2*m || max(a.module, b.module) > 1.6*min(a.module, b.module) {
		return nil
	}
	var out []finderQuad
	add := func(p fpoint, like finderQuad) {
		if p.x < 0 || p.y < 0 || p.x >= float64(w) || p.y >= float64(h) {
			return
		}
		q := finderQuad{centre: p, module: like.module}
		for i, c := range like.corners {
			q.corners[i] = fpoint{c.x - like.centre.x + p.x, c.y - like.centre.y + p.y}
		}
		out = append(out, q)
	}
	ca, cb := alignment(a, ab), alignment(b, ab)
	switch {
	case ca > 0.97 && cb > 0.97:
		// Neighbours: the third finder is across from either one, along
		// its side that runs most nearly perpendicular to ab.
		for _, e := range []finderQuad{a, b} {
			d := e.across(ab)
			for _, s := range []float64{1, -1} {
				add(fpoint{e.centre.x + s*n*d.x, e.centre.y + s*n*d.y}, e)
			}
		}
	case ca < 0.85 && cb < 0.85:
		// Diagonal: the lines along each finder's sides through its
		// centre meet at the missing corner's centre (twice: on
		// either side of ab).
		for _, da := range a.sides() {
			for _, db := range b.sides() {
				p, ok := meetDirs(a.centre, da, b.centre, db)
				if !ok {
					continue
				}
				ra, rb := dist(p, a.centre)/n, dist(p, b.centre)/n
				if ra < 0.5 || ra > 0.9 || rb < 0.5 || rb > 0.9 {
					continue
				}
				add(p, a)
			}
		}
	}
	return out
}

// sides returns the unit directions of q's two pairs of opposite sides.
func (q finderQuad) sides() [2]fpoint {
	var out [2]fpoint
	for k := range 2 {
		// Side k and the opposite side k+2, which runs the other way.
		d1 := fpoint{q.corners[k+1].x - q.corners[k].x, q.corners[k+1].y - q.corners[k].y}
		d2 := fpoint{q.corners[(k+2)%4].x - q.corners[(k+3)%4].x, q.corners[(k+2)%4].y - q.corners[(k+3)%4].y}
		d := fpoint{d1.x + d2.x, d1.y + d2.y}
		l := math.Hypot(d.x, d.y)
		if l > 0 {
			d = fpoint{d.x / l, d.y / l}
		}
		out[k] = d
	}
	return out
}

// alignment is the largest |cos| of the angle between d and q's sides:
// 1 when d runs along a side, about 0.71 along a diagonal.
func alignment(q finderQuad, d fpoint) float64 {
	n := math.Hypot(d.x, d.y)
	if n == 0 {
		return 0
	}
	best := 0.0
	for _, s := range q.sides() {
		best = max(best, math.Abs(d.x*s.x+d.y*s.y)/n)
	}
	return best
}

// across returns the unit direction of q's sides most nearly
// perpendicular to d.
func (q finderQuad) across(d fpoint) fpoint {
	s := q.sides()
	if math.Abs(d.x*s[0].x+d.y*s[0].y) < math.Abs(d.x*s[1].x+d.y*s[1].y) {
		return s[0]
	}
	return s[1]
}

// meetDirs intersects the line through p along d with the line through q
// along e.
func meetDirs(p, d, q, e fpoint) (fpoint, bool) {
	det := d.x*e.y - d.y*e.x
	if math.Abs(det) < 0.3 { // nearly parallel: no stable corner
		return fpoint{}, false
	}
	t := ((q.x-p.x)*e.y - (q.y-p.y)*e.x) / det
	return fpoint{p.x + t*d.x, p.y + t*d.y}, true
}

// decodePairs tries the pairs of traced finders qs that no decoded code
// used, best-shaped first (similar module sizes, centres in line with
// the sides or at 45° to them), each with its guesses of the missing
// third finder.
func decodePairs(m *gozxing.BitMatrix, qs []finderQuad, used []bool, inside func(fpoint) bool) []found {
	var pairs []scoredTriple
	for i := range qs {
		for j := i + 1; j < len(qs); j++ {
			if used[i] || used[j] || inside(qs[i].centre) || inside(qs[j].centre) {
				continue
			}
			if s, ok := pairShape(qs[i], qs[j]); ok {
				pairs = append(pairs, scoredTriple{[3]int{i, j}, s})
			}
		}
	}
	var out []found
	for k, ij := range bestFirst(pairs) {
		i, j := ij[0], ij[1]
		if k == maxPairs {
			break
		}
		if used[i] || used[j] || inside(qs[i].centre) || inside(qs[j].centre) {
			continue
		}
		for _, g := range pairGuesses(qs[i], qs[j], m.GetWidth(), m.GetHeight()) {
			if f, ok := decodePerspective(m, [3]finderQuad{qs[i], qs[j], g}); ok {
				used[i], used[j] = true, true
				out = append(out, f)
				break
			}
		}
	}
	return out
}

// pairShape scores how well a and b look like two finders of one code
// (lower is better): how far their module sizes differ and how far the
// line between them is from running along their sides or at 45° to them.
func pairShape(a, b finderQuad) (float64, bool) {
	ab := fpoint{b.centre.x - a.centre.x, b.centre.y - a.centre.y}
	ca, cb := alignment(a, ab), alignment(b, ab)
	var off float64
	switch {
	case ca > 0.97 && cb > 0.97:
		off = 2 - ca - cb
	case ca < 0.85 && cb < 0.85:
		off = math.Abs(ca-math.Sqrt2/2) + math.Abs(cb-math.Sqrt2/2)
	default:
		return 0, false
	}
	return off + max(a.module, b.module)/min(a.module, b.module) - 1, true
}

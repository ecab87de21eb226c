package scanner

import (
	"image"
	"math"
	"slices"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// decodeTriple decodes the code whose three finder pattern centres are
// given, sampling m. gozxing's detector derives the code's dimension from
// the finder distances once and gives up when the estimate is off (under
// perspective it often is, and a dimension ≡ 3 mod 4 is rejected
// outright). Here the valid dimensions around the estimate are tried
// too, each with its own alignment pattern search.
func decodeTriple(m *gozxing.BitMatrix, pts [3]candidate) (found, bool) {
	var module float64
	var rps [3]gozxing.ResultPoint
	for i, c := range pts {
		module += c.module / 3
		rps[i] = detector.NewFinderPattern1(c.p.x, c.p.y, c.module)
	}
	bl, tl, tr := gozxing.ResultPoint_OrderBestPatterns(rps[0], rps[1], rps[2])
	if module < 1 {
		return found{}, false
	}
	est := (gozxing.ResultPoint_Distance(tl, tr)+gozxing.ResultPoint_Distance(tl, bl))/2/module + 7
	base := 4*int(math.Round((est-1)/4)) + 1
	// Module sizes measured on finder patterns come out large when ink
	// bleeds (blur, print), which makes est small: search wider upwards.
	var dims []int
	for d := 0; d <= int(0.45*est)+4; d += 4 {
		dims = append(dims, base+d)
		if d > 0 && float64(d) <= 0.25*est {
			dims = append(dims, base-d)
		}
	}
	dec := decoder.NewDecoder()
	for _, dim := range dims {
		if dim < 21 || dim > 177 {
			continue
		}
		ap := findAlignment(m, tl, tr, bl, module, dim)
		transform := detector.Detector_createTransform(tl, tr, bl, ap, dim)
		bits, err := detector.Detector_sampleGrid(m, transform, dim)
		if err != nil || !timingAgrees(bits, dim) {
			continue
		}
		res, err := dec.Decode(bits, nil)
		if err != nil || res.GetText() == "" {
			continue
		}
		return found{
			text:    res.GetText(),
			centres: [3]fpoint{{bl.GetX(), bl.GetY()}, {tl.GetX(), tl.GetY()}, {tr.GetX(), tr.GetY()}},
			module:  module,
		}, true
	}
	return found{}, false
}

// findAlignment looks for the bottom-right alignment pattern of a code of
// the given dimension, 3 modules in from where a fourth finder would be,
// widening the search as gozxing's detector does. Version 1 has none.
func findAlignment(m *gozxing.BitMatrix, tl, tr, bl gozxing.ResultPoint, module float64, dim int) *detector.AlignmentPattern {
	if dim <= 21 {
		return nil
	}
	brX := tr.GetX() - tl.GetX() + bl.GetX()
	brY := tr.GetY() - tl.GetY() + bl.GetY()
	k := 1 - 3/float64(dim-7)
	ex := tl.GetX() + k*(brX-tl.GetX())
	ey := tl.GetY() + k*(brY-tl.GetY())
	for _, f := range []float64{4, 8, 16} {
		a := f * module
		x0, x1 := max(0, int(ex-a)), min(m.GetWidth()-1, int(ex+a))
		y0, y1 := max(0, int(ey-a)), min(m.GetHeight()-1, int(ey+a))
		if float64(x1-x0) < 3*module || float64(y1-y0) < 3*module {
			return nil
		}
		ap, err := detector.NewAlignmentPatternFinder(m, x0, y0, x1-x0, y1-y0, module, nil).Find()
		if err == nil {
			return ap
		}
	}
	return nil
}

// Bounds on the perspective second try within one pass.
const (
	maxPassCandidates = 60
	maxPassTriples    = 8
)

// addCandidate appends c to cs unless a candidate of similar size is
// already within a module of it: the finder search reports one pattern
// again on each row that confirms it.
func addCandidate(cs []candidate, c candidate) []candidate {
	if len(cs) >= maxPassCandidates || c.module <= 0 || math.IsNaN(c.module) {
		return cs
	}
	for _, o := range cs {
		if dist(o.p, c.p) < o.module && c.module < 1.5*o.module && o.module < 1.5*c.module {
			return cs
		}
	}
	return append(cs, c)
}

// perspectiveTriples tries the perspective sampler on the triples of
// finder candidates that one pass saw outside the codes it decoded. Each
// candidate's outline is traced first, so that the triples are chosen on
// true module sizes (the detector's estimate grows by up to √2 when a
// code is turned) and on the finders' sides lining up with each other.
// With pairs, pairs of finders that no triple explains are tried too
// (decodePairs).
func perspectiveTriples(m *gozxing.BitMatrix, cs []candidate, done []found, pairs bool) []found {
	var boxes []image.Rectangle
	for _, f := range done {
		boxes = append(boxes, f.toResult(1, fpoint{}).Bounds)
	}
	inside := func(p fpoint) bool {
		pt := image.Pt(int(p.x), int(p.y))
		return slices.ContainsFunc(boxes, func(r image.Rectangle) bool { return pt.In(r) })
	}
	var qs []finderQuad
	for _, c := range cs {
		if inside(c.p) {
			continue
		}
		if q, ok := traceFinder(m, c.p, c.module); ok {
			qs = append(qs, q)
		}
	}
	var out []found
	used := make([]bool, len(qs))
	tried := 0
	for _, t := range quadTriples(qs) {
		if tried == maxPassTriples {
			break
		}
		if used[t[0]] || used[t[1]] || used[t[2]] || inside(qs[t[0]].centre) || inside(qs[t[1]].centre) || inside(qs[t[2]].centre) {
			continue
		}
		tried++
		f, ok := decodePerspective(m, [3]finderQuad{qs[t[0]], qs[t[1]], qs[t[2]]})
		if !ok {
			continue
		}
		used[t[0]], used[t[1]], used[t[2]] = true, true, true
		out = append(out, f)
		boxes = append(boxes, f.toResult(1, fpoint{}).Bounds)
	}
	if !pairs {
		return out
	}
	return append(out, decodePairs(m, qs, used, inside)...)
}

// quadTriples returns index triples of traced finders placed like the
// three finders of one code, best-shaped first: similar module sizes, 14
// to 170 modules apart, two sides about equal and the third about √2
// longer (loosely, for perspective), and each side running along the
// outlines of the finders at its ends.
func quadTriples(qs []finderQuad) [][3]int {
	var out []scoredTriple
	for a := range qs {
		for b := a + 1; b < len(qs); b++ {
			for c := b + 1; c < len(qs); c++ {
				pa, pb, pc := qs[a], qs[b], qs[c]
				mx, mn := max(pa.module, pb.module, pc.module), min(pa.module, pb.module, pc.module)
				if mx > 1.6*mn {
					continue
				}
				bl, tl, tr := orderFinders(pa.centre, pb.centre, pc.centre)
				idx := [3]int{a, b, c}
				q := [3]finderQuad{pa, pb, pc}
				m := (pa.module + pb.module + pc.module) / 3
				s1, s2 := dist(q[tl].centre, q[tr].centre), dist(q[tl].centre, q[bl].centre)
				hyp := dist(q[tr].centre, q[bl].centre)
				side := (s1 + s2) / 2
				if side < 12*m || side > 190*m {
					continue
				}
				eq := math.Abs(s1-s2) / side
				hr := hyp / side / math.Sqrt2
				if eq > 0.35 || hr < 0.8 || hr > 1.25 {
					continue
				}
				u := fpoint{q[tr].centre.x - q[tl].centre.x, q[tr].centre.y - q[tl].centre.y}
				v := fpoint{q[bl].centre.x - q[tl].centre.x, q[bl].centre.y - q[tl].centre.y}
				if !q[tl].axisAligned(u) || !q[tl].axisAligned(v) || !q[tr].axisAligned(u) || !q[bl].axisAligned(v) {
					continue
				}
				out = append(out, scoredTriple{[3]int{idx[bl], idx[tl], idx[tr]}, eq + math.Abs(hr-1) + (mx/mn - 1)})
			}
		}
	}
	return bestFirst(out)
}

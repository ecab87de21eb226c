package scanner

import (
	"math"
	"slices"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// The perspective sampler: a second try at a code whose three finder
// patterns were seen but which gozxing's detector could not read.
//
// gozxing's detector measures the module size along horizontal and
// vertical runs, which a rotation stretches by up to √2, derives the
// code's dimension from it once, and samples through the parallelogram
// that the three finder centres span. A code seen at an angle (a phone
// held over a page, a photo of a screen) breaks all three. Here each
// finder pattern's own outer square is traced instead: its four corners
// are found in the image, so the three finders give twelve points with
// known module coordinates, and a homography fitted to them follows the
// perspective across the code. The dimension comes from counting the
// timing patterns between the finders' inner edges, which a homography
// does not change, and the bottom-right alignment pattern, where there is
// one, adds a point far from the others.

// rays is how many directions a finder's outline is probed in.
const rays = 48

// finderQuad is the outline of a finder pattern's outer dark square:
// corners in angular order around centre.
type finderQuad struct {
	centre  fpoint
	corners [4]fpoint
	module  float64 // mean side / 7
}

// traceFinder finds the outer square of the finder pattern around c in
// m. module is the detector's estimate (a run length / 7, so up to √2
// too large under rotation): it only bounds how far the rays look.
func traceFinder(m *gozxing.BitMatrix, c fpoint, module float64) (finderQuad, bool) {
	w, h := m.GetWidth(), m.GetHeight()
	black := func(x, y float64) (bool, bool) {
		ix, iy := int(math.Floor(x)), int(math.Floor(y))
		if ix < 0 || iy < 0 || ix >= w || iy >= h {
			return false, false
		}
		return m.Get(ix, iy), true
	}
	if b, ok := black(c.x, c.y); !ok || !b {
		return finderQuad{}, false
	}
	step := 1.0
	if module < 4 {
		step = 0.5
	}
	maxR := 7.5 * module
	var pts []fpoint
	for i := range rays {
		a := 2 * math.Pi * float64(i) / rays
		dx, dy := math.Cos(a), math.Sin(a)
		// Phases: the dark core, the light ring, the dark ring; the
		// outline is where the dark ring ends. A change of colour
		// counts only when it holds for two steps, so that a stray
		// pixel of noise does not end a ring.
		phase, prev := 0, true
		var last float64
		for r := step; r < maxR; r += step {
			b, ok := black(c.x+r*dx, c.y+r*dy)
			if !ok {
				break
			}
			if b == prev {
				last = r
				continue
			}
			b2, ok := black(c.x+(r+step)*dx, c.y+(r+step)*dy)
			if !ok || b2 != b {
				continue
			}
			prev = b
			phase++
			if phase == 3 {
				e := (last + r) / 2
				pts = append(pts, fpoint{c.x + e*dx, c.y + e*dy})
				break
			}
			last = r
		}
	}
	if len(pts) < rays*2/3 {
		return finderQuad{}, false
	}
	q, ok := quadFrom(c, pts)
	if !ok {
		return finderQuad{}, false
	}
	// The outline is a square of side 7 modules seen in perspective:
	// reject shapes far from that (a finder merged with dark
	// surroundings, or a false candidate).
	var side, minSide, maxSide float64
	minSide = math.Inf(1)
	for i := range 4 {
		s := dist(q.corners[i], q.corners[(i+1)%4])
		side += s / 4
		minSide, maxSide = math.Min(minSide, s), math.Max(maxSide, s)
	}
	if minSide < 0.4*maxSide || side < 7*1.2 {
		return finderQuad{}, false
	}
	q.module = side / 7
	return q, true
}

func dist(a, b fpoint) float64 { return math.Hypot(a.x-b.x, a.y-b.y) }

func cross(o, a, b fpoint) float64 { return (a.x-o.x)*(b.y-o.y) - (a.y-o.y)*(b.x-o.x) }

// quadFrom finds the four corners of the convex outline pts around c:
// the point farthest from c, the point farthest from that, and the two
// points farthest on either side of the line between them. Each side is
// then refitted as a line through the outline points between its corners
// (away from the corners themselves, where rays are sparse), and the
// corners are taken where neighbouring lines meet.
func quadFrom(c fpoint, pts []fpoint) (finderQuad, bool) {
	ia := 0
	for i, p := range pts {
		if dist(p, c) > dist(pts[ia], c) {
			ia = i
		}
	}
	ic := 0
	for i, p := range pts {
		if dist(p, pts[ia]) > dist(pts[ic], pts[ia]) {
			ic = i
		}
	}
	ib, id := -1, -1
	var bmax, dmin float64
	for i, p := range pts {
		x := cross(pts[ia], pts[ic], p)
		if x > bmax {
			bmax, ib = x, i
		}
		if x < dmin {
			dmin, id = x, i
		}
	}
	if ib < 0 || id < 0 || ia == ic {
		return finderQuad{}, false
	}
	idx := []int{ia, ib, ic, id}
	angle := func(p fpoint) float64 { return math.Atan2(p.y-c.y, p.x-c.x) }
	slices.SortFunc(idx, func(i, j int) int {
		ai, aj := angle(pts[i]), angle(pts[j])
		switch {
		case ai < aj:
			return -1
		case ai > aj:
			return 1
		}
		return 0
	})
	q := finderQuad{centre: c}
	for k, i := range idx {
		q.corners[k] = pts[i]
	}
	// Refit each side from the points strictly between its corners
	// (pts is in ray order, i.e. angular order around c).
	var lines [4][3]float64
	n := len(pts)
	for k := range 4 {
		from, to := idx[k], idx[(k+1)%4]
		var side []fpoint
		for s, span := 2, (to-from+n)%n; s <= span-2; s++ {
			side = append(side, pts[(from+s)%n])
		}
		l, ok := fitLine(side)
		if !ok {
			return q, true // keep the raw corners
		}
		lines[k] = l
	}
	var refined [4]fpoint
	for k := range 4 {
		p, ok := meet(lines[(k+3)%4], lines[k])
		if !ok || dist(p, q.corners[k]) > 0.3*dist(q.corners[k], c) {
			return q, true
		}
		refined[k] = p
	}
	q.corners = refined
	return q, true
}

// fitLine fits a line a·x + b·y = d (a² + b² = 1) through ps by total
// least squares.
func fitLine(ps []fpoint) ([3]float64, bool) {
	if len(ps) < 3 {
		return [3]float64{}, false
	}
	var mx, my float64
	for _, p := range ps {
		mx += p.x
		my += p.y
	}
	mx /= float64(len(ps))
	my /= float64(len(ps))
	var sxx, sxy, syy float64
	for _, p := range ps {
		dx, dy := p.x-mx, p.y-my
		sxx += dx * dx
		sxy += dx * dy
		syy += dy * dy
	}
	// The line's direction is the principal axis; its normal the other.
	theta := 0.5 * math.Atan2(2*sxy, sxx-syy)
	a, b := -math.Sin(theta), math.Cos(theta)
	return [3]float64{a, b, a*mx + b*my}, true
}

func meet(l1, l2 [3]float64) (fpoint, bool) {
	det := l1[0]*l2[1] - l1[1]*l2[0]
	if math.Abs(det) < 1e-9 {
		return fpoint{}, false
	}
	return fpoint{(l1[2]*l2[1] - l1[1]*l2[2]) / det, (l1[0]*l2[2] - l1[2]*l2[0]) / det}, true
}

// moduleCorners returns the corners of q in the order of module offsets
// (−,−), (+,−), (+,+), (−,+) from the finder's centre, along the code
// axes u (towards the top-right finder) and v (towards the bottom-left).
func (q finderQuad) moduleCorners(u, v fpoint) ([4]fpoint, bool) {
	det := u.x*v.y - u.y*v.x
	if math.Abs(det) < 1e-9 {
		return [4]fpoint{}, false
	}
	var out [4]fpoint
	var seen [4]bool
	for _, p := range q.corners {
		dx, dy := p.x-q.centre.x, p.y-q.centre.y
		a := (dx*v.y - dy*v.x) / det // along u
		b := (u.x*dy - u.y*dx) / det // along v
		var k int
		switch {
		case a < 0 && b < 0:
			k = 0
		case a >= 0 && b < 0:
			k = 1
		case a >= 0 && b >= 0:
			k = 2
		default:
			k = 3
		}
		if seen[k] {
			return [4]fpoint{}, false
		}
		seen[k] = true
		out[k] = p
	}
	return out, true
}

// perspectiveCode holds what the sampler learnt about one candidate code
// from its three finder patterns.
type perspectiveCode struct {
	tl, tr, bl [4]fpoint // module-ordered corners of each finder
	centres    [3]fpoint // bl, tl, tr
	module     float64
	estimate   float64 // dimension from distances and module size
	timingRow  int     // dimension from the timing patterns, 0 if unknown
	timingCol  int
}

// decodePerspective tries to read the code whose three finder patterns'
// outlines are given (any order), sampling m through a homography fitted
// to them.
func decodePerspective(m *gozxing.BitMatrix, q [3]finderQuad) (found, bool) {
	bli, tli, tri := orderFinders(q[0].centre, q[1].centre, q[2].centre)
	bq, tq, rq := q[bli], q[tli], q[tri]
	bl, tl, tr := bq.centre, tq.centre, rq.centre
	u := fpoint{tr.x - tl.x, tr.y - tl.y}
	v := fpoint{bl.x - tl.x, bl.y - tl.y}
	var pc perspectiveCode
	var ok1, ok2, ok3 bool
	pc.bl, ok1 = bq.moduleCorners(u, v)
	pc.tl, ok2 = tq.moduleCorners(u, v)
	pc.tr, ok3 = rq.moduleCorners(u, v)
	if !ok1 || !ok2 || !ok3 {
		return found{}, false
	}
	pc.centres = [3]fpoint{bl, tl, tr}
	pc.module = (bq.module + tq.module + rq.module) / 3
	pc.estimate = (dist(tl, tr)+dist(tl, bl))/2/pc.module + 7
	// Timing patterns: from the top-left finder's inner edge at module
	// row 6.5 to the top-right finder's, and likewise down the column.
	lerp := func(a, b fpoint, t float64) fpoint { return fpoint{a.x + (b.x-a.x)*t, a.y + (b.y-a.y)*t} }
	const k = 6.5 / 7
	pc.timingRow = timingDimension(m, lerp(pc.tl[1], pc.tl[2], k), lerp(pc.tr[0], pc.tr[3], k))
	pc.timingCol = timingDimension(m, lerp(pc.tl[3], pc.tl[2], k), lerp(pc.bl[0], pc.bl[1], k))
	dec := decoder.NewDecoder()
	for _, dim := range pc.dimensions() {
		h, ok := pc.fit(dim, nil)
		if !ok {
			continue
		}
		var tries []homography
		if dim > 21 {
			if ap, ok := findAlignmentVia(m, h, dim); ok {
				if ha, ok := pc.fit(dim, &ap); ok {
					tries = append(tries, ha)
				}
			}
		}
		tries = append(tries, h)
		for _, h := range tries {
			for _, sample := range []func(*gozxing.BitMatrix, homography, int) (*gozxing.BitMatrix, bool){sampleVia, sampleGrid} {
				bits, ok := sample(m, h, dim) // (which checks the timing patterns)
				if !ok {
					continue
				}
				res, err := dec.Decode(bits, nil)
				if err != nil || res.GetText() == "" {
					continue
				}
				return found{text: res.GetText(), centres: pc.centres, module: pc.module}, true
			}
		}
	}
	return found{}, false
}

// minTiming is the share of timing-pattern modules that must read right
// in a sampled grid before it goes to the decoder. Over the benchmark's
// photos and synthetic corpus every grid that decoded had at least 77 %
// (photos 85 %); a grid sampled at a wrong dimension, or through a wrong
// guess of a third finder, drifts off the modules and agrees about half
// the time: 93 % of the grids that failed to decode had less than this.
// gozxing's decoder would take their format bits, which match some
// format within its tolerance more often than not, and run the error
// correction before failing: that was most of the perspective sampler's
// time on photos in which nobody reads a code.
const minTiming = 0.65

// timingAgrees reports whether the timing patterns of bits (row and
// column 6 between the finders' separators, dark on even modules)
// read right for at least minTiming of their modules. It must run
// before the decoder, which unmasks the matrix in place.
func timingAgrees(bits *gozxing.BitMatrix, dim int) bool { return timingAgreesAt(bits.Get, dim) }

// timingAgreesAt is timingAgrees for the modules that dark reads.
func timingAgreesAt(dark func(x, y int) bool, dim int) bool {
	n, ok := 0, 0
	for i := 8; i < dim-8; i++ {
		want := i%2 == 0
		if dark(i, 6) == want {
			ok++
		}
		if dark(6, i) == want {
			ok++
		}
		n += 2
	}
	return float64(ok) >= minTiming*float64(n)
}

// orderFinders returns the indices of the bottom-left, top-left and
// top-right finder among a, b, c: top-left is opposite the longest side,
// and top-right is clockwise from it (y grows downwards).
func orderFinders(a, b, c fpoint) (bl, tl, tr int) {
	p := [3]fpoint{a, b, c}
	ab, bc, ca := dist(a, b), dist(b, c), dist(c, a)
	switch {
	case bc >= ab && bc >= ca:
		tl, bl, tr = 0, 1, 2
	case ca >= ab && ca >= bc:
		tl, bl, tr = 1, 2, 0
	default:
		tl, bl, tr = 2, 0, 1
	}
	if cross(p[tl], p[tr], p[bl]) < 0 {
		bl, tr = tr, bl
	}
	return bl, tl, tr
}

// axisAligned reports whether the direction d runs along one of q's
// sides, within about 14°: the line from one finder of a code to another
// does, under any rotation and moderate perspective.
func (q finderQuad) axisAligned(d fpoint) bool {
	n := math.Hypot(d.x, d.y)
	if n == 0 {
		return false
	}
	for i := range 4 {
		a, b := q.corners[i], q.corners[(i+1)%4]
		e := fpoint{b.x - a.x, b.y - a.y}
		en := math.Hypot(e.x, e.y)
		if en == 0 {
			continue
		}
		if math.Abs(d.x*e.x+d.y*e.y)/(n*en) > 0.97 {
			return true
		}
	}
	return false
}

// dimensions lists the code dimensions to try, most likely first: the
// timing patterns' counts when they are valid, then valid dimensions
// around the estimate from distances.
func (pc perspectiveCode) dimensions() []int {
	var dims []int
	addDim := func(d int) {
		if d >= 21 && d <= 177 && d%4 == 1 && !slices.Contains(dims, d) {
			dims = append(dims, d)
		}
	}
	if pc.timingRow == pc.timingCol {
		addDim(pc.timingRow)
	}
	addDim(pc.timingRow)
	addDim(pc.timingCol)
	base := 4*int(math.Round((pc.estimate-1)/4)) + 1
	for _, d := range []int{0, 4, -4, 8, -8, 12} {
		addDim(base + d)
	}
	return dims
}

// fit returns the homography from module coordinates to the image for a
// code of dimension dim, from the finders' corners and, if given, the
// centre of the bottom-right alignment pattern.
func (pc perspectiveCode) fit(dim int, align *fpoint) (homography, bool) {
	d := float64(dim)
	offs := [4]fpoint{{0, 0}, {7, 0}, {7, 7}, {0, 7}}
	var from, to []fpoint
	for i, o := range offs {
		from = append(from, o, fpoint{o.x + d - 7, o.y}, fpoint{o.x, o.y + d - 7})
		to = append(to, pc.tl[i], pc.tr[i], pc.bl[i])
	}
	if align != nil {
		// Weighted: one point far out, against twelve near the other
		// three corners.
		for range 4 {
			from = append(from, fpoint{d - 6.5, d - 6.5})
			to = append(to, *align)
		}
	}
	return fitHomography(from, to)
}

// timingDimension counts the modules of a timing pattern sampled from a
// to b (the inner edges of two finder patterns, so the light separator
// modules at both ends are included) and returns the code dimension it
// implies, or 0.
func timingDimension(m *gozxing.BitMatrix, a, b fpoint) int {
	n := int(dist(a, b))
	if n < 14 {
		return 0
	}
	var runs []int
	prev, run := false, 0
	for i := 0; i <= n; i++ {
		t := float64(i) / float64(n)
		x, y := int(a.x+(b.x-a.x)*t), int(a.y+(b.y-a.y)*t)
		if x < 0 || y < 0 || x >= m.GetWidth() || y >= m.GetHeight() {
			return 0
		}
		v := m.Get(x, y)
		if i > 0 && v != prev {
			runs = append(runs, run)
			run = 0
		}
		prev = v
		run++
	}
	runs = append(runs, run)
	// Merge runs much shorter than a module (noise, a jagged edge) into
	// their neighbours: the median run is one module.
	med := slices.Clone(runs)
	slices.Sort(med)
	unit := float64(med[len(med)/2])
	count := 0
	for _, r := range runs {
		if float64(r) >= 0.4*unit {
			count += max(1, int(math.Round(float64(r)/unit)))
		}
	}
	return count + 14
}

// findAlignmentVia looks for the bottom-right alignment pattern where h
// puts it.
func findAlignmentVia(m *gozxing.BitMatrix, h homography, dim int) (fpoint, bool) {
	d := float64(dim)
	c, ok1 := h.apply(fpoint{d - 6.5, d - 6.5})
	e, ok2 := h.apply(fpoint{d - 5.5, d - 6.5})
	if !ok1 || !ok2 {
		return fpoint{}, false
	}
	module := dist(c, e)
	if module < 1 {
		return fpoint{}, false
	}
	for _, f := range []float64{4, 8} {
		a := f * module
		x0, x1 := max(0, int(c.x-a)), min(m.GetWidth()-1, int(c.x+a))
		y0, y1 := max(0, int(c.y-a)), min(m.GetHeight()-1, int(c.y+a))
		if float64(x1-x0) < 3*module || float64(y1-y0) < 3*module {
			return fpoint{}, false
		}
		ap, err := detector.NewAlignmentPatternFinder(m, x0, y0, x1-x0, y1-y0, module, nil).Find()
		if err == nil {
			return fpoint{ap.GetX(), ap.GetY()}, true
		}
	}
	return fpoint{}, false
}

// sampleVia reads a dim×dim grid of modules from m at the image points h
// gives for the module centres. It fails when much of the grid falls
// outside the image or its timing patterns read wrong (see sampleAt).
func sampleVia(m *gozxing.BitMatrix, h homography, dim int) (*gozxing.BitMatrix, bool) {
	return sampleAt(m, dim, func(x, y int) (fpoint, bool) {
		return h.apply(fpoint{float64(x) + 0.5, float64(y) + 0.5})
	})
}

// sampleAt reads a dim×dim grid of modules from m at the image points at
// gives for module (x, y), failing when more than 2 % of them fall
// outside the image or when its timing patterns read wrong
// (timingAgrees). The timing modules are sampled first, alone: most grids
// the perspective sampler tries are at a wrong dimension or through a
// wrong guess of a finder and fail there, after 2·(dim−16) samples
// instead of dim². A module outside the image reads light, as it does in
// the grid, so the outcome is the one of sampling the whole grid and
// then checking it.
func sampleAt(m *gozxing.BitMatrix, dim int, at func(x, y int) (fpoint, bool)) (*gozxing.BitMatrix, bool) {
	dark := func(x, y int) bool {
		p, ok := at(x, y)
		ix, iy := int(math.Floor(p.x)), int(math.Floor(p.y))
		return ok && ix >= 0 && iy >= 0 && ix < m.GetWidth() && iy < m.GetHeight() && m.Get(ix, iy)
	}
	if !timingAgreesAt(dark, dim) {
		return nil, false
	}
	bits, err := gozxing.NewSquareBitMatrix(dim)
	if err != nil {
		return nil, false
	}
	w, hh := m.GetWidth(), m.GetHeight()
	outside, limit := 0, dim*dim/50
	for y := range dim {
		for x := range dim {
			p, ok := at(x, y)
			ix, iy := int(math.Floor(p.x)), int(math.Floor(p.y))
			if !ok || ix < 0 || iy < 0 || ix >= w || iy >= hh {
				if outside++; outside > limit {
					return nil, false
				}
				continue
			}
			if m.Get(ix, iy) {
				bits.Set(x, y)
			}
		}
	}
	return bits, true
}

package scanner

import (
	"fmt"
	"github.com/makiuchi-d/gozxing"
	"image"
	"math"
	"os"
	"slices"
	"sync"
)

// candidates collects the finder pattern candidates that the whole-image
// passes saw, in image coordinates, whether or not a code was decoded
// from them.
type candidates struct {
	mu    sync.Mutex
	pts   []candidate
	used  int  // pts[:used] were already searched
	light bool // some came from a light-on-dark pass
}

type candidate struct {
	p      fpoint
	module float64
}

func (c *candidates) add(p fpoint, module float64, light bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.light = c.light || light
	if len(c.pts) < 4096 {
		c.pts = append(c.pts, candidate{p, module})
	}
}

// lightSeen reports whether a light-on-dark pass saw a candidate.
func (c *candidates) lightSeen() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.light
}

// count returns how many candidates were collected.
func (c *candidates) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.pts)
}

// outside counts the candidates that lie outside every result in rs:
// finder patterns seen but not explained by a decoded code.
func (c *candidates) outside(rs []Result) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, p := range c.pts {
		pt := image.Pt(int(p.p.x), int(p.p.y))
		if !slices.ContainsFunc(rs, func(r Result) bool { return pt.In(r.Bounds.Inset(-int(2 * p.module))) }) {
			n++
		}
	}
	return n
}

// take returns the candidates not yet searched.
func (c *candidates) take() []candidate {
	c.mu.Lock()
	defer c.mu.Unlock()
	pts := slices.Clone(c.pts[c.used:])
	c.used = len(c.pts)
	return pts
}

// Bounds on the region search, so that a screenshot full of finder-like
// glyphs cannot make it slow: at most maxRegions windows, together at
// most maxRegionArea times the image.
const (
	maxCandidates = 120
	maxRegions    = 24
	maxRegionArea = 1.5
)

// regions is the targeted region search. Around each group of finder
// pattern candidates (similar module size, close together, as the three
// finders of one code are) that lies outside the codes already found,
// it crops a window and decodes it alone: without the rest of the image
// the finder pattern selection is not confused by other codes or
// clutter. Windows are rescaled so that modules come out at 3–8 px,
// upscaling smoothly where they are tiny.
//
// full returns the whole image's local threshold; searched records the
// windows and triples already decoded by an earlier region stage, which
// would decode the same way again.
func regions(g gray, cands *candidates, done []Result, full func(light bool) (gozxing.LuminanceSource, *gozxing.BitMatrix), searched map[regionKey]bool) []pass {
	var pts []candidate
	for _, c := range cands.take() {
		if c.module <= 0 || math.IsNaN(c.module) {
			continue
		}
		pt := image.Pt(int(c.p.x), int(c.p.y))
		if !slices.ContainsFunc(done, func(r Result) bool { return pt.In(r.Bounds) }) {
			pts = append(pts, c)
		}
	}
	// Passes run concurrently and report in any order: sort, so that
	// the same image always gets the same windows.
	slices.SortFunc(pts, func(a, b candidate) int {
		switch {
		case a.p.y != b.p.y:
			return cmpFloat(a.p.y, b.p.y)
		case a.p.x != b.p.x:
			return cmpFloat(a.p.x, b.p.x)
		}
		return cmpFloat(a.module, b.module)
	})
	if len(pts) > maxCandidates {
		pts = pts[:maxCandidates]
	}
	// First the triples that look like the three finders of one code,
	// then what is left, grouped by proximity.
	var groups []group
	used := make([]bool, len(pts))
	for _, t := range triples(pts) {
		if used[t[0]] || used[t[1]] || used[t[2]] {
			continue
		}
		used[t[0]], used[t[1]], used[t[2]] = true, true, true
		groups = append(groups, group{members: []candidate{pts[t[0]], pts[t[1]], pts[t[2]]}})
	}
	n := len(groups)
	for i, c := range pts {
		if used[i] {
			continue
		}
		joined := false
		for i := n; i < len(groups); i++ {
			m := groups[i].members[0]
			ratio := c.module / m.module
			if ratio > 0.6 && ratio < 1.67 && math.Hypot(c.p.x-m.p.x, c.p.y-m.p.y) < 60*m.module {
				groups[i].members = append(groups[i].members, c)
				joined = true
				break
			}
		}
		if !joined {
			groups = append(groups, group{members: []candidate{c}})
		}
	}
	if trace {
		fmt.Fprintf(os.Stderr, "scanner: %d candidates, %d finder triples, %d groups\n", len(pts), n, len(groups))
	}
	// Triples first, then groups with more candidates.
	slices.SortStableFunc(groups[n:], func(a, b group) int { return len(b.members) - len(a.members) })
	var ps []pass
	var boxes []image.Rectangle
	area, budget := 0, int(maxRegionArea*float64(g.w*g.h))
	for _, gr := range groups {
		if len(boxes) == maxRegions {
			break
		}
		var m float64
		minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
		for _, c := range gr.members {
			m += c.module
			minX, minY = math.Min(minX, c.p.x), math.Min(minY, c.p.y)
			maxX, maxY = math.Max(maxX, c.p.x), math.Max(maxY, c.p.y)
		}
		m /= float64(len(gr.members))
		// Margin: past the finders' own edges and quiet zone; a lone
		// finder may be any corner of a code up to ~60 modules wide.
		pad := 12 * m
		switch len(gr.members) {
		case 2:
			pad = 40 * m
		case 1:
			pad = 64 * m
		}
		r := image.Rect(int(minX-pad), int(minY-pad), int(maxX+pad), int(maxY+pad)).Intersect(image.Rect(0, 0, g.w, g.h))
		if r.Dx() < 21 || r.Dy() < 21 || slices.ContainsFunc(boxes, func(b image.Rectangle) bool { return r.In(b) }) {
			continue
		}
		if area += r.Dx() * r.Dy(); area > budget {
			break
		}
		boxes = append(boxes, r)
		if len(gr.members) == 3 && !searched[regionKey{tri: [3]candidate(gr.members)}] {
			tri := [3]candidate(gr.members)
			searched[regionKey{tri: tri}] = true
			ps = append(ps, pass{scale: 1, custom: func() []found {
				for _, light := range []bool{false, true} {
					if _, bm := full(light); bm != nil {
						if f, ok := decodeTriple(bm, tri); ok {
							return []found{f}
						}
					}
				}
				return nil
			}})
		}
		off := fpoint{float64(r.Min.X), float64(r.Min.Y)}
		scale := 1
		switch {
		case m < 3:
			scale = -2
		case m > 10:
			scale = 2
		}
		key := regionKey{r: r, scale: scale}
		if searched[key] {
			continue
		}
		searched[key] = true
		switch {
		case scale == 1 && r == image.Rect(0, 0, g.w, g.h):
			// The whole image at full size: the full-size stage
			// already read this threshold with the multi reader.
			ps = append(ps, single(matPasses(full, 1, off, nil))...)
		case m < 3:
			ps = append(ps, local(func() gray { return g.crop(r).double() }, 0.5, off, false, nil)...)
		case m > 10:
			ps = append(ps, local(func() gray { return g.crop(r).half() }, 2, off, false, nil)...)
		default:
			ps = append(ps, local(func() gray { return g.crop(r) }, 1, off, false, nil)...)
		}
	}
	for i := range ps {
		ps[i].single = true
		ps[i].guess = true
	}
	if trace {
		fmt.Fprintf(os.Stderr, "scanner: regions %v from %d groups\n", boxes, len(groups))
	}
	return ps
}

// regionKey names one window of the region search (r at scale, a
// negative scale for an upscale) or one finder triple sampled directly.
type regionKey struct {
	r     image.Rectangle
	scale int
	tri   [3]candidate
}

type group struct {
	members []candidate
}

// triples returns index triples of candidates placed like the finder
// patterns of one code: similar module sizes, two equal sides at the
// corner finder and a hypotenuse about √2 longer (loosely, for
// perspective), 14 to 170 modules apart. Best-shaped first.
func triples(pts []candidate) [][3]int {
	var out []scoredTriple
	dist := func(a, b candidate) float64 { return math.Hypot(a.p.x-b.p.x, a.p.y-b.p.y) }
	for a := range pts {
		for b := range pts {
			if b == a {
				continue
			}
			for c := b + 1; c < len(pts); c++ {
				if c == a {
					continue
				}
				pa, pb, pc := pts[a], pts[b], pts[c]
				m := (pa.module + pb.module + pc.module) / 3
				if mx, mn := max(pa.module, pb.module, pc.module), min(pa.module, pb.module, pc.module); mx > 1.5*mn {
					continue
				}
				ab, ac, bc := dist(pa, pb), dist(pa, pc), dist(pb, pc)
				side := (ab + ac) / 2
				if side < 14*m || side > 170*m {
					continue
				}
				eq := math.Abs(ab-ac) / side
				hyp := bc / side / math.Sqrt2
				if eq > 0.25 || hyp < 0.85 || hyp > 1.18 {
					continue
				}
				out = append(out, scoredTriple{[3]int{a, b, c}, eq + math.Abs(hyp-1)})
			}
		}
	}
	return bestFirst(out)
}

// scoredTriple is a candidate triple of finder patterns (indices) and
// how far it is from the ideal shape (0 is perfect).
type scoredTriple struct {
	t     [3]int
	score float64
}

// bestFirst returns the triples of out, best-shaped (lowest score) first.
func bestFirst(out []scoredTriple) [][3]int {
	slices.SortFunc(out, func(x, y scoredTriple) int { return cmpFloat(x.score, y.score) })
	ts := make([][3]int, len(out))
	for i, o := range out {
		ts[i] = o.t
	}
	return ts
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

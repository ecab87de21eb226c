package scanner

import (
	"image"
	"math"
	"slices"
	"sync"
)

// candidates collects the finder pattern candidates that the first passes
// saw, in image coordinates, whether or not a code was decoded from them.
type candidates struct {
	mu  sync.Mutex
	pts []candidate
}

type candidate struct {
	p      fpoint
	module float64
}

func (c *candidates) add(p fpoint, module float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.pts) < 4096 {
		c.pts = append(c.pts, candidate{p, module})
	}
}

// maxRegions bounds the region search, so that a screenshot full of
// finder-like glyphs cannot make it slow.
const maxRegions = 8

// regions is the targeted region search: around groups of finder pattern
// candidates that the full-image passes saw but could not decode (tiny
// modules, a code among clutter), crop a window, upscale it smoothly 2×
// and decode it alone. Upscaling a whole 4K screenshot would cost ~10×
// more, and found nothing more in the corpus.
func regions(g gray, cands *candidates) []pass {
	cands.mu.Lock()
	pts := slices.Clone(cands.pts)
	cands.mu.Unlock()

	type group struct {
		members []candidate
		box     image.Rectangle
	}
	var groups []group
	for _, c := range pts {
		if c.module <= 0 || c.module > 8 {
			continue
		}
		joined := false
		for i := range groups {
			m := groups[i].members[0]
			ratio := c.module / m.module
			if ratio > 0.6 && ratio < 1.67 && math.Hypot(c.p.x-m.p.x, c.p.y-m.p.y) < 80*m.module {
				groups[i].members = append(groups[i].members, c)
				joined = true
				break
			}
		}
		if !joined {
			groups = append(groups, group{members: []candidate{c}})
		}
	}
	// Groups with more candidates first: a code has three finders.
	slices.SortStableFunc(groups, func(a, b group) int { return len(b.members) - len(a.members) })
	var ps []pass
	var boxes []image.Rectangle
	for _, gr := range groups {
		if len(boxes) == maxRegions {
			break
		}
		m := gr.members[0].module
		minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
		for _, c := range gr.members {
			minX, minY = math.Min(minX, c.p.x), math.Min(minY, c.p.y)
			maxX, maxY = math.Max(maxX, c.p.x), math.Max(maxY, c.p.y)
		}
		// Margin: past the finders' own edges and quiet zone; a lone
		// finder may be any corner of a code up to ~60 modules wide.
		pad := 12 * m
		if len(gr.members) == 1 {
			pad = 64 * m
		}
		r := image.Rect(int(minX-pad), int(minY-pad), int(maxX+pad), int(maxY+pad)).Intersect(image.Rect(0, 0, g.w, g.h))
		if r.Dx() < 21 || r.Dy() < 21 || slices.ContainsFunc(boxes, func(b image.Rectangle) bool { return r.In(b) }) {
			continue
		}
		boxes = append(boxes, r)
		off := fpoint{float64(r.Min.X), float64(r.Min.Y)}
		ps = append(ps, local(func() gray { return g.crop(r).double() }, 0.5, off, false, nil)...)
	}
	return ps
}

package scanner

import (
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// The alignment grid: sampling a dense code through all of its
// alignment patterns. One homography fitted to the finders (and the
// bottom-right alignment pattern) is exact for a flat code seen through
// a pinhole, but a phone photo of a version 10–40 code is neither: the
// paper bends a little, the lens bows straight lines, and over 100–177
// modules an error of a fraction of a module per few dozen modules
// puts the far corner's samples on the neighbouring modules. From
// version 7 on a code carries a grid of alignment patterns every 16–28
// modules; each is looked for near where the homography puts it,
// corrected by how far its already located neighbours were off, and the
// sample points between them follow the offsets found, interpolated
// bilinearly within each cell of the grid.

// minGridDimension is the smallest code sampled through the alignment
// grid: version 7 (45 modules), the first with more than one row of
// alignment patterns. Below that the bottom-right pattern alone, which
// the homography already uses, is the grid.
const minGridDimension = 45

// sampleGrid samples a dim×dim code from m through h corrected at the
// code's alignment patterns; it fails when the version has no grid, too
// few patterns are found to trust it or the timing patterns read wrong
// (see sampleAt).
func sampleGrid(m *gozxing.BitMatrix, h homography, dim int) (*gozxing.BitMatrix, bool) {
	if dim < minGridDimension {
		return nil, false
	}
	ver, err := decoder.Version_GetVersionForNumber((dim - 17) / 4)
	if err != nil {
		return nil, false
	}
	cs := ver.GetAlignmentPatternCenters()
	n := len(cs)
	// off[i][j] is the image offset from h's prediction at alignment
	// position (cs[i], cs[j]) (x, y). The three positions under the
	// finders are where h was fitted: offset zero.
	off := make([][]fpoint, n)
	known := make([][]bool, n)
	for i := range off {
		off[i], known[i] = make([]fpoint, n), make([]bool, n)
	}
	for _, p := range [][2]int{{0, 0}, {n - 1, 0}, {0, n - 1}} {
		known[p[0]][p[1]] = true
	}
	located := 0
	// Outwards from the top-left finder, so that each pattern has
	// located neighbours to correct its prediction with.
	for s := 0; s <= 2*(n-1); s++ {
		for i := max(0, s-(n-1)); i <= min(s, n-1); i++ {
			j := s - i
			if known[i][j] {
				continue
			}
			var pred fpoint
			k := 0
			for _, d := range [][2]int{{-1, 0}, {0, -1}, {-1, -1}, {1, -1}, {-1, 1}} {
				a, b := i+d[0], j+d[1]
				if a >= 0 && b >= 0 && a < n && b < n && known[a][b] {
					pred.x += off[a][b].x
					pred.y += off[a][b].y
					k++
				}
			}
			if k > 0 {
				pred = fpoint{pred.x / float64(k), pred.y / float64(k)}
			}
			c := fpoint{float64(cs[i]) + 0.5, float64(cs[j]) + 0.5}
			at, ok1 := h.apply(c)
			right, ok2 := h.apply(fpoint{c.x + 1, c.y})
			if !ok1 || !ok2 {
				return nil, false
			}
			module := dist(at, right)
			want := fpoint{at.x + pred.x, at.y + pred.y}
			if p, ok := findAlignmentNear(m, want, module); ok {
				off[i][j] = fpoint{p.x - at.x, p.y - at.y}
				located++
			} else {
				off[i][j] = pred
			}
			known[i][j] = true
		}
	}
	// Patterns not counting the three finder corners.
	if located < (n*n-3)/2 {
		return nil, false
	}
	// cell finds the grid interval holding module coordinate v and the
	// position within it (extrapolating past the outer patterns).
	cell := func(v float64) (int, float64) {
		k := 0
		for k < n-2 && v > float64(cs[k+1])+0.5 {
			k++
		}
		a, b := float64(cs[k])+0.5, float64(cs[k+1])+0.5
		return k, (v - a) / (b - a)
	}
	return sampleAt(m, dim, func(x, y int) (fpoint, bool) {
		i, tx := cell(float64(x) + 0.5)
		j, ty := cell(float64(y) + 0.5)
		p, ok := h.apply(fpoint{float64(x) + 0.5, float64(y) + 0.5})
		o00, o10, o01, o11 := off[i][j], off[i+1][j], off[i][j+1], off[i+1][j+1]
		dx := (1-ty)*((1-tx)*o00.x+tx*o10.x) + ty*((1-tx)*o01.x+tx*o11.x)
		dy := (1-ty)*((1-tx)*o00.y+tx*o10.y) + ty*((1-tx)*o01.y+tx*o11.y)
		return fpoint{p.x + dx, p.y + dy}, ok
	})
}

// findAlignmentNear looks for an alignment pattern within three modules
// of c and returns its centre if it is within two modules.
func findAlignmentNear(m *gozxing.BitMatrix, c fpoint, module float64) (fpoint, bool) {
	if module < 1 {
		return fpoint{}, false
	}
	a := 3 * module
	x0, x1 := max(0, int(c.x-a)), min(m.GetWidth()-1, int(c.x+a))
	y0, y1 := max(0, int(c.y-a)), min(m.GetHeight()-1, int(c.y+a))
	if float64(x1-x0) < 3*module || float64(y1-y0) < 3*module {
		return fpoint{}, false
	}
	ap, err := detector.NewAlignmentPatternFinder(m, x0, y0, x1-x0, y1-y0, module, nil).Find()
	if err != nil {
		return fpoint{}, false
	}
	p := fpoint{ap.GetX(), ap.GetY()}
	if dist(p, c) > 2*module {
		return fpoint{}, false
	}
	return p, true
}

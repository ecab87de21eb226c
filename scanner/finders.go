package scanner

import (
	"math"

	"github.com/makiuchi-d/gozxing"
)

// looseFinders finds finder pattern candidates in m the way gozxing's
// finder search does (a 1:1:3:1:1 run of dark, light, dark, light, dark
// along a row, confirmed along the column through its centre and again
// along the row through the confirmed centre) but without its third,
// diagonal check. In photos that check is what loses a finder whose
// corner is smudged, glared or bleeds into a neighbouring module: the
// outer ring's diagonal run is then twice as long as the ratio allows,
// while the row and the column through the centre are clean. Every
// other row is scanned; a finder is at least seven rows tall.
//
// It runs only after a pass saw some finder patterns but decoded
// nothing, so the candidates it adds go to the perspective sampler,
// which checks each finder's outline before using it.
func looseFinders(m *gozxing.BitMatrix) []candidate {
	w, h := m.GetWidth(), m.GetHeight()
	var out []candidate
	row := gozxing.NewBitArray(w)
	var runs []int // alternating run lengths, starting with a dark run
	var starts []int
	for y := 0; y < h; y += 2 {
		row = m.GetRow(y, row)
		runs, starts = runs[:0], starts[:0]
		for x := row.GetNextSet(0); x < w; {
			end := row.GetNextUnset(x)
			runs, starts = append(runs, end-x), append(starts, x)
			if end >= w {
				break
			}
			next := row.GetNextSet(end)
			if next >= w {
				break
			}
			runs, starts = append(runs, next-end), append(starts, end)
			x = next
		}
		// Windows of five runs that start on a dark run.
		for i := 0; i+5 <= len(runs); i += 2 {
			if !finderRatio(runs[i : i+5]) {
				continue
			}
			total := runs[i] + runs[i+1] + runs[i+2] + runs[i+3] + runs[i+4]
			cx := float64(starts[i+2]) + float64(runs[i+2])/2
			cy, vtotal, ok := crossCheck(m, int(cx), y, total, true)
			if !ok {
				continue
			}
			cx, htotal, ok := crossCheck(m, int(cx), int(cy), total, false)
			if !ok {
				continue
			}
			out = addCandidate(out, candidate{fpoint{cx, cy}, float64(vtotal+htotal) / 14})
		}
	}
	return out
}

// finderRatio reports whether five run lengths are in the ratio
// 1:1:3:1:1 within half a module each (the tolerance gozxing's row and
// column checks use).
func finderRatio(r []int) bool {
	total := r[0] + r[1] + r[2] + r[3] + r[4]
	if total < 7 {
		return false
	}
	mod := float64(total) / 7
	tol := mod / 2
	return math.Abs(mod-float64(r[0])) < tol && math.Abs(mod-float64(r[1])) < tol &&
		math.Abs(3*mod-float64(r[2])) < 3*tol && math.Abs(mod-float64(r[3])) < tol &&
		math.Abs(mod-float64(r[4])) < tol
}

// crossCheck counts the five runs through (x, y) along the column
// (vertical) or the row, starting inside the centre square, and returns
// the centre of the middle run along that line and the five runs' total.
// The total must be within 40 % of the row's (ref), as in gozxing: a
// finder is about as tall as it is wide.
func crossCheck(m *gozxing.BitMatrix, x, y, ref int, vertical bool) (float64, int, bool) {
	get := func(i int) bool { return m.Get(x, i) }
	pos, n := y, m.GetHeight()
	if !vertical {
		get = func(i int) bool { return m.Get(i, y) }
		pos, n = x, m.GetWidth()
	}
	if !get(pos) {
		return 0, 0, false
	}
	limit := 2 * ref // no run of a finder this size is longer
	var r [5]int
	i := pos
	for state := 2; state >= 0; state-- {
		dark := state != 1
		for i >= 0 && get(i) == dark && r[state] <= limit {
			r[state]++
			i--
		}
	}
	j := pos + 1
	for state := 2; state <= 4; state++ {
		dark := state != 3
		for j < n && get(j) == dark && r[state] <= limit {
			r[state]++
			j++
		}
	}
	// r[2] counted pos itself once, going up.
	total := r[0] + r[1] + r[2] + r[3] + r[4]
	if 5*abs(total-ref) >= 2*ref || !finderRatio(r[:]) {
		return 0, 0, false
	}
	end := j - r[4] - r[3] // one past the centre run
	return float64(end) - float64(r[2])/2, total, true
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

package scanner

import (
	"math"

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
		if err != nil {
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

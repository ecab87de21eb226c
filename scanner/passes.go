package scanner

import (
	"image"
	"sync"

	"github.com/makiuchi-d/gozxing"
	multiqr "github.com/makiuchi-d/gozxing/multi/qrcode"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// pass is one attempt: a gray buffer derived from the image, how to map
// its coordinates back (p*scale + off), and how to binarize it.
type pass struct {
	g      func() gray
	scale  float64
	off    fpoint
	global bool // GlobalHistogramBinarizer instead of HybridBinarizer
	single bool // also try the single-code reader if the multi reader fails
}

var hints = map[gozxing.DecodeHintType]any{
	gozxing.DecodeHintType_TRY_HARDER: true,
}

// decodeGray runs stages of passes until one finds a code. The passes of
// a stage run concurrently and their results are merged, so an image
// with a dark-mode code beside a light one yields both.
func decodeGray(g gray) []Result {
	for _, stage := range stages(g) {
		var (
			mu  sync.Mutex
			out []Result
			wg  sync.WaitGroup
		)
		for _, p := range stage {
			wg.Go(func() {
				fs := p.run()
				mu.Lock()
				defer mu.Unlock()
				for _, f := range fs {
					out = addResult(out, f.toResult(p.scale, p.off))
				}
			})
		}
		wg.Wait()
		if len(out) > 0 {
			return out
		}
	}
	return nil
}

// stages lists the passes for g, cheapest and most likely first. The
// order and thresholds come from measuring the corpus described in
// docs/scanner-benchmark.md.
func stages(g gray) [][]pass {
	same := func() gray { return g }
	var inv gray
	var invOnce sync.Once
	invert := func() gray { invOnce.Do(func() { inv = g.inverted() }); return inv }

	s := [][]pass{
		{{g: same, scale: 1}, {g: invert, scale: 1}},
		{{g: same, scale: 1, global: true, single: true}, {g: invert, scale: 1, global: true}},
	}
	long := max(g.w, g.h)
	if long <= 2048 {
		// Modules of 2 px (small codes in a plain screenshot).
		s = append(s, []pass{
			{g: func() gray { return g.double() }, scale: 0.5},
			{g: func() gray { return invert().double() }, scale: 0.5},
		})
	}
	if min(g.w, g.h) >= 400 {
		// Noise, JPEG artefacts and blur in photos: average it away.
		s = append(s, []pass{
			{g: func() gray { return g.half() }, scale: 2},
			{g: func() gray { return invert().half() }, scale: 2},
		})
	}
	if long > 1024 {
		s = append(s, tiles(g, invert))
	}
	return s
}

// tiles covers g with overlapping tiles of about 1024 px. A small code in
// a big, busy screenshot is easier to find alone: fewer false finder
// pattern candidates, and a local threshold that fits it. Tiles of large
// images are upscaled only when small enough to afford it.
func tiles(g gray, invert func() gray) []pass {
	const size = 1024
	step := size / 2
	var ps []pass
	for y := 0; y < g.h; y += step {
		for x := 0; x < g.w; x += step {
			r := image.Rect(x, y, x+size, y+size).Intersect(image.Rect(0, 0, g.w, g.h))
			if r.Dx() < size/2 && x > 0 || r.Dy() < size/2 && y > 0 {
				continue // covered by the previous tile's overlap
			}
			off := fpoint{float64(r.Min.X), float64(r.Min.Y)}
			ps = append(ps,
				pass{g: func() gray { return g.crop(r) }, scale: 1, off: off},
				pass{g: func() gray { return invert().crop(r) }, scale: 1, off: off},
			)
		}
	}
	return ps
}

// run decodes one pass, converting panics inside gozxing into "nothing
// found" so that no input can crash the caller.
func (p pass) run() (fs []found) {
	defer func() {
		if recover() != nil {
			fs = nil
		}
	}()
	g := p.g()
	if g.w < 21 || g.h < 21 {
		return nil
	}
	src, err := gozxing.NewPlanarYUVLuminanceSource(g.pix, g.w, g.h, 0, 0, g.w, g.h, false)
	if err != nil {
		return nil
	}
	var bin gozxing.Binarizer
	if p.global {
		bin = gozxing.NewGlobalHistgramBinarizer(src)
	} else {
		bin = gozxing.NewHybridBinarizer(src)
	}
	bmp, err := gozxing.NewBinaryBitmap(bin)
	if err != nil {
		return nil
	}
	rs, _ := multiqr.NewQRCodeMultiReader().DecodeMultiple(bmp, hints)
	if len(rs) == 0 && p.single {
		if r, err := qrcode.NewQRCodeReader().Decode(bmp, hints); err == nil {
			rs = append(rs, r)
		}
	}
	for _, r := range rs {
		if f, ok := toFound(r); ok {
			fs = append(fs, f)
		}
	}
	return fs
}

func toFound(r *gozxing.Result) (found, bool) {
	pts := r.GetResultPoints()
	if r.GetText() == "" || len(pts) < 3 {
		return found{}, false
	}
	f := found{text: r.GetText()}
	var n float64
	for i := range 3 {
		f.centres[i] = fpoint{pts[i].GetX(), pts[i].GetY()}
		if fp, ok := pts[i].(*detector.FinderPattern); ok {
			f.module += fp.GetEstimatedModuleSize()
			n++
		}
	}
	if n > 0 {
		f.module /= n
	}
	return f, true
}

package scanner

import (
	"fmt"
	"image"
	"os"
	"sync"
	"time"

	"github.com/makiuchi-d/gozxing"
	multiqr "github.com/makiuchi-d/gozxing/multi/qrcode"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// pass is one attempt: a binarized image derived from the input, and how
// to map its coordinates back to the input (p*scale + off).
type pass struct {
	bits   func() gozxing.Binarizer
	scale  float64
	off    fpoint
	single bool // also try the single-code reader if the multi reader fails
}

// stage is a group of passes run concurrently; decoding stops after the
// first stage that finds anything.
type stage struct {
	name   string
	passes []pass
}

var hints = map[gozxing.DecodeHintType]any{
	gozxing.DecodeHintType_TRY_HARDER: true,
}

// trace, when NIDAN_SCAN_TRACE is set, logs which stage found codes and
// how long each took; the benchmark uses it to justify the stage order.
var trace = os.Getenv("NIDAN_SCAN_TRACE") != ""

// decodeGray runs stages of passes until one finds a code. The passes of
// a stage run concurrently and their results are merged, so an image
// with a dark-mode code beside a light one yields both.
func decodeGray(g gray) []Result {
	for _, st := range stages(g) {
		start := time.Now()
		var (
			mu  sync.Mutex
			out []Result
			wg  sync.WaitGroup
		)
		for _, p := range st.passes {
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
		if trace {
			fmt.Fprintf(os.Stderr, "scanner: %dx%d stage %s: %d found in %v\n", g.w, g.h, st.name, len(out), time.Since(start).Round(time.Millisecond))
		}
		if len(out) > 0 {
			return out
		}
	}
	return nil
}

// local returns passes over g thresholded locally, dark-on-light and
// light-on-dark, sharing the threshold computation.
func local(g func() gray, scale float64, off fpoint) []pass {
	var once sync.Once
	var src gozxing.LuminanceSource
	var dark, light *gozxing.BitMatrix
	get := func() {
		gg := g()
		if gg.w < 21 || gg.h < 21 {
			return
		}
		src, _ = gozxing.NewPlanarYUVLuminanceSource(gg.pix, gg.w, gg.h, 0, 0, gg.w, gg.h, false)
		dark, light = localThreshold(gg, true)
	}
	return []pass{
		{bits: func() gozxing.Binarizer {
			once.Do(get)
			if dark == nil {
				return nil
			}
			return &binarized{src, dark}
		}, scale: scale, off: off},
		{bits: func() gozxing.Binarizer {
			once.Do(get)
			if light == nil {
				return nil
			}
			return &binarized{src, light}
		}, scale: scale, off: off},
	}
}

// stages lists the passes for g, cheapest and most likely first. The
// order and thresholds come from measuring the corpus described in
// docs/scanner-benchmark.md.
func stages(g gray) []stage {
	same := func() gray { return g }
	long := max(g.w, g.h)
	ss := []stage{{"local", local(same, 1, fpoint{})}}

	// gozxing's global histogram binarizer, for low contrast.
	var once sync.Once
	var src, inv gozxing.LuminanceSource
	srcs := func() {
		src, _ = gozxing.NewPlanarYUVLuminanceSource(g.pix, g.w, g.h, 0, 0, g.w, g.h, false)
		inv = src.Invert()
	}
	ss = append(ss, stage{"global-histogram", []pass{
		{bits: func() gozxing.Binarizer { once.Do(srcs); return gozxing.NewGlobalHistgramBinarizer(src) }, scale: 1, single: true},
		{bits: func() gozxing.Binarizer { once.Do(srcs); return gozxing.NewGlobalHistgramBinarizer(inv) }, scale: 1},
	}})

	if long <= 2048 {
		// Modules of 2 px (small codes in a plain screenshot).
		ss = append(ss, stage{"double", local(func() gray { return g.double() }, 0.5, fpoint{})})
	}
	if min(g.w, g.h) >= 400 {
		// Noise, JPEG artefacts and blur in photos: average it away.
		ss = append(ss, stage{"half", local(func() gray { return g.half() }, 2, fpoint{})})
	}
	if long > 1024 {
		ss = append(ss, stage{"tiles", tiles(g)})
	}
	ss = append(ss, stage{"levels", levels(g)})
	return ss
}

// tiles covers g with overlapping tiles of 1024 px. A small code in a
// big, busy screenshot is easier to find alone: fewer false finder
// pattern candidates, and a local threshold that fits it.
func tiles(g gray) []pass {
	const size = 1024
	step := size / 2
	var ps []pass
	for y := 0; y < g.h; y += step {
		for x := 0; x < g.w; x += step {
			r := image.Rect(x, y, x+size, y+size).Intersect(image.Rect(0, 0, g.w, g.h))
			if r.Dx() < size/2 && x > 0 || r.Dy() < size/2 && y > 0 {
				continue // covered by the previous tile's overlap
			}
			ps = append(ps, local(func() gray { return g.crop(r) }, 1, fpoint{float64(r.Min.X), float64(r.Min.Y)})...)
		}
	}
	return ps
}

// levels binarizes at fixed grey levels, both polarities. A faint code
// (grey on grey) inside a bright window is lost by any local threshold
// taken across its edge, which turns its grey quiet zone black; one of
// these levels falls between its two greys. Large images are halved
// first: codes faint enough to need this are not also tiny.
func levels(g gray) []pass {
	scale := 1.0
	if min(g.w, g.h) >= 1000 {
		scale = 2
	}
	var once sync.Once
	var h gray
	var src gozxing.LuminanceSource
	get := func() {
		h = g
		if scale == 2 {
			h = g.half()
		}
		src, _ = gozxing.NewPlanarYUVLuminanceSource(h.pix, h.w, h.h, 0, 0, h.w, h.h, false)
	}
	var ps []pass
	for t := 40; t <= 216; t += 24 {
		ps = append(ps, pass{bits: func() gozxing.Binarizer {
			once.Do(get)
			m := globalThreshold(h, uint8(t))
			return &binarized{src, m}
		}, scale: scale}, pass{bits: func() gozxing.Binarizer {
			once.Do(get)
			m := globalThreshold(h, uint8(t))
			m.FlipAll()
			return &binarized{src, m}
		}, scale: scale})
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
	bin := p.bits()
	if bin == nil || bin.GetWidth() < 21 || bin.GetHeight() < 21 {
		return nil
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

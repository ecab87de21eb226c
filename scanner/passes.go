package scanner

import (
	"fmt"
	"os"
	"runtime"
	"slices"
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
	sy     float64 // if set, the scale along y (scale is then along x)
	off    fpoint
	single bool        // also try the single-code reader if the multi reader fails
	one    bool        // only the single-code reader (the perspective try finds others)
	cands  *candidates // if set, collects finder pattern candidates
	quick  bool        // without TRY_HARDER: scan every few rows only
	light  bool        // looks for light-on-dark codes (see darkOnly)
	// guess, if nothing decodes, also looks for the finder patterns
	// gozxing's diagonal check drops and reads codes from two finders
	// (looseFinders, pairGuesses). Only the first stages' passes do:
	// the later fallbacks read no code more with it in the benchmark's
	// photos, and it cost them up to half their time again.
	guess bool
	// deferred passes run after the stage's other passes, and only if
	// those found nothing (see lightLater).
	deferred bool
	custom   func() []found // instead of the binarizer and readers
}

// stage is a group of passes run concurrently (the deferred ones after
// the others, see lightLater); once a code is found, only
// the stages marked always, or whose more says so, still run.
type stage struct {
	name   string
	passes []pass
	always bool // run even when earlier stages found codes
	// more, if set, runs the stage after codes were found when it
	// reports that earlier stages saw more than they decoded.
	more func(found []Result) bool
}

// trace, when NIDAN_SCAN_TRACE is set, logs which stage found codes and
// how long each took; the benchmark uses it to justify the stage order.
var trace = os.Getenv("NIDAN_SCAN_TRACE") != ""

// decodeGray runs stages of passes until one finds a code (then only
// those that look for more, see stage). The passes of
// a stage run concurrently (at most GOMAXPROCS at once) and their results
// are merged, so an image with a dark-mode code beside a light one yields
// both. A stage marked always runs even after codes were found: the
// region search looks for the codes that the whole-image passes saw the
// finder patterns of but did not decode, as in a photo of several codes.
func decodeGray(g gray) []Result {
	out, _ := decodeStages(g, false)
	return out
}

// decodeStages runs the stages for g (only the first, cheap ones when
// live is set) and also returns the finder candidates they saw.
func decodeStages(g gray, live bool) ([]Result, *candidates) {
	var out []Result
	sem := make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))
	ss, cands := stages(g)
	if live {
		ss = ss[:liveStages(g)]
	}
	for _, mk := range ss {
		st := mk(out)
		if len(out) > 0 && !st.always && (st.more == nil || !st.more(out)) {
			continue
		}
		start := time.Now()
		before := len(out)
		var (
			mu sync.Mutex
			wg sync.WaitGroup
		)
		for _, later := range []bool{false, true} {
			if later && len(out) > before {
				break // the deferred passes run only if the others found nothing
			}
			for _, p := range st.passes {
				if p.deferred != later {
					continue
				}
				sem <- struct{}{}
				wg.Go(func() {
					defer func() { <-sem }()
					fs := p.run()
					mu.Lock()
					defer mu.Unlock()
					for _, f := range fs {
						out = addResult(out, f.toResultXY(p.scale, p.yscale(), p.off))
					}
				})
			}
			wg.Wait()
		}
		if trace {
			nc := cands.count()
			fmt.Fprintf(os.Stderr, "scanner: %dx%d stage %s (%d passes): %d found in %v (%d candidates so far)\n", g.w, g.h, st.name, len(st.passes), len(out)-before, time.Since(start).Round(time.Millisecond), nc)
		}
	}
	return out, cands
}

// liveStages is how many of stages(g) a live camera frame gets: the
// pyramid, full size, the region search and the edges-only threshold
// with its region search. The later fallbacks (global histogram, fixed
// levels, upscaling) cost several times as much and mostly find faint or
// tiny codes in screenshots; a camera delivers the next frame, a little
// different, a moment later.
func liveStages(g gray) int { return len(pyramid(g)) + 4 }

// local returns passes over g thresholded locally, dark-on-light and
// light-on-dark, sharing the threshold computation.
func local(g func() gray, scale float64, off fpoint, edgesOnly bool, cands *candidates) []pass {
	return localStats(func() *blockStats { return newBlockStats(g()) }, scale, off, edgesOnly, cands)
}

// localStats is local over precomputed block statistics, so that the
// plain and edges-only thresholds of one image share them.
func localStats(stats func() *blockStats, scale float64, off fpoint, edgesOnly bool, cands *candidates) []pass {
	return matPasses(thresholded(stats, edgesOnly), scale, off, cands)
}

// thresholded returns the image of stats as a luminance source with its
// local threshold in the polarity asked for, each computed once and only
// when first asked for (the fallback stages often drop their
// light-on-dark pass, see darkOnly, and a probe reads dark only); nothing
// for an image too small to hold a code.
func thresholded(stats func() *blockStats, edgesOnly bool) func(light bool) (gozxing.LuminanceSource, *gozxing.BitMatrix) {
	var srcOnce sync.Once
	var st *blockStats
	var src gozxing.LuminanceSource
	var once [2]sync.Once
	var m [2]*gozxing.BitMatrix
	return func(light bool) (gozxing.LuminanceSource, *gozxing.BitMatrix) {
		srcOnce.Do(func() {
			st = stats()
			if g := st.g; g.w >= 21 && g.h >= 21 {
				src, _ = gozxing.NewPlanarYUVLuminanceSource(g.pix, g.w, g.h, 0, 0, g.w, g.h, false)
			}
		})
		if src == nil {
			return nil, nil
		}
		k := 0
		if light {
			k = 1
		}
		once[k].Do(func() { m[k] = st.matrix(light, edgesOnly) })
		return src, m[k]
	}
}

// matPasses returns a dark-on-light and a light-on-dark pass over the
// matrices that get returns.
func matPasses(get func(light bool) (gozxing.LuminanceSource, *gozxing.BitMatrix), scale float64, off fpoint, cands *candidates) []pass {
	var ps []pass
	for _, light := range []bool{false, true} {
		ps = append(ps, pass{bits: func() gozxing.Binarizer {
			src, m := get(light)
			if m == nil {
				return nil
			}
			return &binarized{src, m}
		}, scale: scale, off: off, cands: cands, light: light})
	}
	return ps
}

// darkOnly drops the light-on-dark passes of a fallback stage unless an
// earlier light-on-dark pass saw a finder pattern. A light code on a dark
// ground (a dark-mode screen, an inverted print) has its finder patterns
// found at the full-size local threshold already; in the benchmark's
// photos and synthetic corpus no fallback's light-on-dark pass read a
// code, while each cost as much as its dark-on-light twin on every photo
// in which nobody reads a code.
func darkOnly(ps []pass, cands *candidates) []pass {
	if cands.lightSeen() {
		return ps
	}
	return slices.DeleteFunc(ps, func(p pass) bool { return p.light })
}

// stages lists the passes for g, cheapest and most likely first. The
// order and thresholds come from measuring the corpus described in
// docs/scanner-benchmark.md. Stages are built lazily: regions depends on
// what the first stages saw.
func stages(g gray) ([]func(found []Result) stage, *candidates) {
	var once sync.Once
	var st *blockStats
	stats := func() *blockStats { once.Do(func() { st = newBlockStats(g) }); return st }
	cands := &candidates{}
	// Evidence that a fallback stage may find something: finder pattern
	// candidates from an earlier pass, or a region that looks like the
	// inside of a faint code. On an image without any code there is
	// usually neither, and the fallbacks after the first local passes
	// are skipped.
	var fOnce sync.Once
	var faint bool
	evidence := func() bool {
		if cands.count() > 0 {
			return true
		}
		fOnce.Do(func() { faint = stats().hasFaintRegion() })
		return faint
	}
	const skipped = " (skipped: no faint region, no candidates)"
	// The full-size local threshold, shared by the full-size stage and
	// the region search (which samples finder triples in it and, for a
	// window that is the whole image, reads it again with the single
	// reader instead of thresholding the same pixels a second time).
	full := thresholded(stats, false)
	searched := map[regionKey]bool{}
	regionStage := func(found []Result) stage {
		return stage{name: "regions", passes: regions(g, cands, found, full, searched), always: true}
	}
	// The pyramid: smaller copies of a large image first, coarsest
	// first. A code filling a photo has modules of 50–150 px, far
	// wider than the local threshold's 40 px window, so at full size
	// its modules' insides binarize as noise and its quiet zone is
	// cut off by the frame; at an eighth they are a few pixels and
	// the code decodes in milliseconds. Once a level found codes, the
	// finer levels up to fullAlways pixels still run (a smaller code
	// may show no finder patterns at the coarser level), larger ones
	// only when some level saw finder patterns it did not decode.
	var ss []func([]Result) stage
	unexplained := func(out []Result) bool { return cands.outside(out) >= 2 }
	always := func([]Result) bool { return true }
	for _, lv := range pyramid(g) {
		more := unexplained
		if g.w*g.h/(lv.scale*lv.scale) <= fullAlways {
			more = always
		}
		ss = append(ss, func(out []Result) stage {
			return stage{name: fmt.Sprintf("pyramid 1/%d", lv.scale), more: more,
				passes: lightLater(guessing(single(masked(local(lv.gray, float64(lv.scale), fpoint{}, false, cands), out))))}
		})
	}
	ss = append(ss,
		func(out []Result) stage {
			// Up to fullAlways pixels the full-size pass is cheap,
			// and runs even after the pyramid found codes: a
			// screenshot may hold a small code beside a large one,
			// too small for any coarser level.
			more := unexplained
			if g.w*g.h <= fullAlways {
				more = always
			}
			ps := lightLater(guessing(masked(matPasses(full, 1, fpoint{}, cands), out)))
			if len(out) > 0 && !unexplained(out) {
				// The pyramid found codes and no other finder
				// patterns: look for a small code once, dark on
				// light, scanning every few rows (the finder
				// search then checks every row around what it
				// hits), instead of twice in full.
				ps = ps[:1]
				ps[0].quick = true
				return stage{name: "local probe", more: more, passes: ps}
			}
			return stage{name: "local", more: more, passes: ps}
		},
		regionStage,
		func([]Result) stage {
			if !evidence() {
				return stage{name: "local-edges" + skipped}
			}
			return stage{name: "local-edges", passes: darkOnly(localStats(stats, 1, fpoint{}, true, cands), cands)}
		},
		regionStage,
		func([]Result) stage {
			// gozxing's own global histogram binarizer, the classic
			// fallback for low contrast.
			if !evidence() {
				return stage{name: "global-histogram" + skipped}
			}
			src, _ := gozxing.NewPlanarYUVLuminanceSource(g.pix, g.w, g.h, 0, 0, g.w, g.h, false)
			inv := src.Invert()
			return stage{name: "global-histogram", passes: darkOnly([]pass{
				{bits: func() gozxing.Binarizer { return gozxing.NewGlobalHistgramBinarizer(src) }, scale: 1, single: true},
				{bits: func() gozxing.Binarizer { return gozxing.NewGlobalHistgramBinarizer(inv) }, scale: 1, light: true},
			}, cands)}
		},
	)
	if min(g.w, g.h) >= 400 && min(g.w, g.h) < 2*minPyramid {
		// (Larger images had their half in the pyramid.)
		// Noise, JPEG artefacts and blur in photos: average it away.
		ss = append(ss, func([]Result) stage {
			if !evidence() {
				return stage{name: "half" + skipped}
			}
			return stage{name: "half", passes: darkOnly(local(func() gray { return g.half() }, 2, fpoint{}, false, nil), cands)}
		})
	}
	ss = append(ss, func([]Result) stage {
		// The fixed levels are the costliest stage and only find faint
		// codes.
		if !evidence() {
			return stage{name: "levels" + skipped}
		}
		return stage{name: "levels", passes: darkOnly(levels(g), cands)}
	})
	ss = append(ss, func([]Result) stage {
		// A code seen at a steep angle is foreshortened along one
		// axis: its finder patterns are twice as tall as wide, say,
		// and the finder search, which checks that a pattern's
		// horizontal and vertical extents agree, rejects them.
		// Halving the image along the other axis restores the
		// proportions (and costs half a pass each).
		var ps []pass
		for _, alongY := range []bool{true, false} {
			sx, sy := 1.0, 2.0
			if !alongY {
				sx, sy = 2, 1
			}
			for _, p := range local(func() gray { return g.squeeze(alongY) }, sx, fpoint{}, false, nil) {
				p.sy = sy
				ps = append(ps, p)
			}
		}
		return stage{name: "squeeze", passes: darkOnly(ps, cands)}
	})
	if max(g.w, g.h) <= maxDouble {
		// Small images: a smooth 2× upscale of everything is cheap. (In
		// larger ones the region search upscales around candidates.)
		ss = append(ss, func([]Result) stage {
			return stage{name: "double", passes: darkOnly(local(func() gray { return g.double() }, 0.5, fpoint{}, false, nil), cands)}
		})
	}
	return ss, cands
}

// levels binarizes at fixed grey levels, both polarities. A faint code
// (grey on grey) inside a bright window is lost by any local threshold
// taken across its edge, which turns its grey quiet zone black; one of
// these levels falls between its two greys. Four levels 48 apart read
// every code the eight levels 24 apart did in the benchmark's photos and
// synthetic corpus (levels 44 apart lost two), at half the cost; the
// stage runs on most photos without a readable code. Images above 1440p
// are halved first, and the finder search skips rows (codes this faint
// are not also tiny), to bound the cost on images without any code.
func levels(g gray) []pass {
	scale := 1.0
	if min(g.w, g.h) > 1600 {
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
	for t := 40; t <= 184; t += 48 {
		// Both polarities of a level come from one thresholding: the
		// light-on-dark pass reads a flipped copy.
		var lOnce sync.Once
		var m *gozxing.BitMatrix
		level := func() *gozxing.BitMatrix {
			once.Do(get)
			lOnce.Do(func() { m = globalThreshold(h, uint8(t)) })
			return m
		}
		ps = append(ps, pass{bits: func() gozxing.Binarizer {
			return &binarized{src, level()}
		}, scale: scale, quick: true}, pass{bits: func() gozxing.Binarizer {
			inv := cloneMatrix(level())
			inv.FlipAll()
			return &binarized{src, inv}
		}, scale: scale, quick: true, light: true})
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
	if p.custom != nil {
		return p.custom()
	}
	bin := p.bits()
	if bin == nil || bin.GetWidth() < 21 || bin.GetHeight() < 21 {
		return nil
	}
	bmp, err := gozxing.NewBinaryBitmap(bin)
	if err != nil {
		return nil
	}
	hints := map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: !p.quick}
	// Finder candidates of this pass, in its own pixel space, for the
	// perspective second try; the callback runs on this goroutine.
	var seen []candidate
	hints[gozxing.DecodeHintType_NEED_RESULT_POINT_CALLBACK] = gozxing.ResultPointCallback(func(rp gozxing.ResultPoint) {
		fp, ok := rp.(*detector.FinderPattern)
		if !ok {
			return
		}
		seen = addCandidate(seen, candidate{fpoint{fp.GetX(), fp.GetY()}, fp.GetEstimatedModuleSize()})
		if p.cands != nil {
			p.cands.add(fpoint{fp.GetX()*p.scale + p.off.x, fp.GetY()*p.yscale() + p.off.y}, fp.GetEstimatedModuleSize()*p.scale, p.light)
		}
	})
	var rs []*gozxing.Result
	if !p.one {
		rs, _ = multiqr.NewQRCodeMultiReader().DecodeMultiple(bmp, hints)
	}
	if len(rs) == 0 && (p.single || p.one) {
		if r, err := qrcode.NewQRCodeReader().Decode(bmp, hints); err == nil {
			rs = append(rs, r)
		}
	}
	for _, r := range rs {
		if f, ok := toFound(r); ok {
			fs = append(fs, f)
		}
	}
	m, err := bin.GetBlackMatrix()
	if err != nil {
		return fs
	}
	if p.guess && len(fs) == 0 && len(seen) > 0 {
		// Finder patterns were seen but nothing decoded: look for the
		// ones gozxing's diagonal check threw away (see looseFinders).
		for _, c := range looseFinders(m) {
			seen = addCandidate(seen, c)
		}
	}
	if len(seen) >= 3 || p.guess && len(seen) == 2 {
		fs = append(fs, perspectiveTriples(m, seen, fs, p.guess)...)
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

// minPyramid is the shorter side of the pyramid's coarsest level: a code
// filling the frame then has modules of about 10 px, and any code still
// readable there has at least a dozen pixels per side.
const minPyramid = 300

// maxDouble is the longest side of the images that get the whole-image
// 2× upscale, the last stage. It costs four full-size passes; above this
// size it found nothing in the benchmark's photos and screenshots that an
// earlier stage missed, while it doubled the time spent on a
// megapixel photo without a readable code.
const maxDouble = 640

// fullAlways is the image size (pixels) up to which the full-size pass
// runs even when the pyramid found codes (as a probe when it saw no
// other finder patterns): a screenshot may hold a code too small for the
// pyramid's half-size level beside a large one. 1440p screens, 3 MP
// photos.
const fullAlways = 4 << 20

// level is one level of the pyramid: the image shrunk scale times.
type level struct {
	scale int
	gray  func() gray
}

// pyramid returns the halvings of g whose shorter side is at least
// minPyramid, coarsest first. Each level is computed once, from the next
// finer one.
func pyramid(g gray) []level {
	var lv []level
	prev := func() gray { return g }
	for s, w, h := 2, g.w/2, g.h/2; min(w, h) >= minPyramid; s, w, h = s*2, w/2, h/2 {
		var once sync.Once
		var out gray
		from := prev
		get := func() gray { once.Do(func() { out = from().half() }); return out }
		lv = append(lv, level{s, get})
		prev = get
	}
	slices.Reverse(lv)
	return lv
}

// lightLater defers the light-on-dark passes of the pyramid and
// full-size stages until their dark-on-light twins have found nothing.
// A light-on-dark code (a dark-mode screen) is then found one pass
// later, at the same cost; a code on a light ground, which is nearly
// every screenshot and photo, no longer pays for the negative's
// threshold and finder search at the level that reads it, which was a
// sixteenth of the CPU time on the synthetic corpus and a seventh off its
// median image (docs/scanner-benchmark.md). Once codes were found,
// the stages that look for more already search dark on light only (the
// full-size probe, the fallbacks unless a light-on-dark finder was
// seen); an image with codes of both polarities read at the same level
// now yields the dark-on-light ones.
func lightLater(ps []pass) []pass {
	for i := range ps {
		ps[i].deferred = ps[i].light
	}
	return ps
}

// guessing makes ps guess at finder patterns (see pass.guess).
func guessing(ps []pass) []pass {
	for i := range ps {
		ps[i].guess = true
	}
	return ps
}

// single makes ps use the single-code reader only. Its finder search
// keeps the three best patterns, where the multi reader tries every
// plausible triple of them, which in a photo of many codes costs seconds
// at a level that full size will search again anyway.
func single(ps []pass) []pass {
	for i := range ps {
		ps[i].one = true
	}
	return ps
}

// masked makes ps see the codes already found as blank paper. In a
// photo of dozens of codes, the finer levels of the pyramid would
// otherwise find every decoded code's finder patterns again, and the
// multi reader's cost grows with the cube of their number.
func masked(ps []pass, done []Result) []pass {
	if len(done) == 0 {
		return ps
	}
	for i := range ps {
		bits, scale, off := ps[i].bits, ps[i].scale, ps[i].off
		ps[i].bits = func() gozxing.Binarizer {
			b := bits()
			if b == nil {
				return nil
			}
			m, err := b.GetBlackMatrix()
			if err != nil {
				return b
			}
			// A copy: the matrix may be shared with other passes
			// (the full-size one with the region search).
			m = cloneMatrix(m)
			for _, r := range done {
				x0 := max(0, int((float64(r.Bounds.Min.X)-off.x)/scale))
				y0 := max(0, int((float64(r.Bounds.Min.Y)-off.y)/scale))
				x1 := min(m.GetWidth(), int((float64(r.Bounds.Max.X)-off.x)/scale)+1)
				y1 := min(m.GetHeight(), int((float64(r.Bounds.Max.Y)-off.y)/scale)+1)
				clearRect(m, x0, y0, x1, y1)
			}
			return &binarized{b.GetLuminanceSource(), m}
		}
	}
	return ps
}

func (p pass) yscale() float64 {
	if p.sy != 0 {
		return p.sy
	}
	return p.scale
}

// cloneMatrix returns a copy of m (gozxing has no Clone: XOR into an
// empty matrix copies it word by word).
func cloneMatrix(m *gozxing.BitMatrix) *gozxing.BitMatrix {
	c, _ := gozxing.NewBitMatrix(m.GetWidth(), m.GetHeight())
	_ = c.Xor(m)
	return c
}

// clearRect unsets the pixels x0 <= x < x1, y0 <= y < y1 of m, a word at
// a time.
func clearRect(m *gozxing.BitMatrix, x0, y0, x1, y1 int) {
	if x0 >= x1 || y0 >= y1 {
		return
	}
	row := gozxing.NewBitArray(m.GetWidth())
	for y := y0; y < y1; y++ {
		row = m.GetRow(y, row)
		words := row.GetBitArray()
		for w := x0 >> 5; w <= (x1-1)>>5; w++ {
			lo, hi := max(x0-w<<5, 0), min(x1-w<<5, 32) // bits lo..hi-1 of this word
			words[w] &^= uint32((uint64(1)<<hi - 1) &^ (uint64(1)<<lo - 1))
		}
		m.SetRow(y, row)
	}
}

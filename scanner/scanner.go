// Package scanner finds and decodes QR codes in images: files, the
// clipboard, every screen, and camera frames. It returns the text of each
// code and where it is; it does not interpret the text (the app passes it
// to accounts.ParseURI).
//
// Decoding is gozxing's QR multi reader run over a short list of passes
// (inverted, global-histogram binarizer, smooth 2× upscale, downscale,
// overlapping tiles) chosen by measurement on screenshots and photos; see
// docs/scanner-benchmark.md.
//
// This package must not import Fyne or the accounts package: the GUI and
// the CLI both build on it.
package scanner

import (
	"errors"
	"image"
	"math"
	"slices"
)

var (
	// ErrNoCode means the image was read but no QR code was found in it.
	ErrNoCode = errors.New("no QR code found")
	// ErrNoImage means a source (the clipboard) holds no image.
	ErrNoImage = errors.New("no image")
	// ErrUnsupported means a source cannot work on this platform or for
	// this input; the wrapping error names the alternative.
	ErrUnsupported = errors.New("not supported")
	// ErrTooLarge means an image's declared size exceeds MaxPixels.
	ErrTooLarge = errors.New("image too large")
)

// MaxPixels bounds the images DecodeReader and DecodeFile accept (width ×
// height), so that a hostile header cannot make them allocate gigabytes.
// An 8K screenshot is 33 M pixels.
const MaxPixels = 80 << 20

// Result is one QR code found in an image.
type Result struct {
	// Text is the decoded content.
	Text string
	// Corners are the code's outer corners in image coordinates, in the
	// code's own orientation: top-left, top-right, bottom-right,
	// bottom-left. They are estimated from the finder patterns, so under
	// strong perspective the bottom-right corner is approximate.
	Corners [4]image.Point
	// Bounds is the bounding rectangle of Corners.
	Bounds image.Rectangle
}

// Decode returns every QR code found in img, in no particular order, or
// ErrNoCode when there is none. It never panics: a failure inside the
// decoder on some pass is treated as "not found" on that pass.
func Decode(img image.Image) ([]Result, error) {
	if img == nil {
		return nil, ErrNoCode
	}
	b := img.Bounds()
	if b.Dx() <= 0 || b.Dy() <= 0 {
		return nil, ErrNoCode
	}
	return decodeLuma(toGray(img), b.Min)
}

// decodeLuma decodes the codes in g, whose origin is at min in the
// caller's image.
func decodeLuma(g gray, min image.Point) ([]Result, error) {
	res := decodeGray(g)
	if len(res) == 0 {
		return nil, ErrNoCode
	}
	for i := range res {
		for j := range res[i].Corners {
			res[i].Corners[j] = res[i].Corners[j].Add(min)
		}
		res[i].Bounds = res[i].Bounds.Add(min)
	}
	return res, nil
}

// Texts returns the text of each result, in order.
func Texts(rs []Result) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Text
	}
	return out
}

// fpoint is a point in some pass's pixel space.
type fpoint struct{ x, y float64 }

// found is a decoded code in the coordinates of the gray buffer that was
// searched: finder pattern centres (bottom-left, top-left, top-right) and
// the estimated module size.
type found struct {
	text    string
	centres [3]fpoint
	module  float64
}

// toResult maps f from pass space back to image space (p*scale + off)
// and estimates the corners: each corner lies 3.5 modules out from its
// finder pattern's centre along both code axes.
func (f found) toResult(scale float64, off fpoint) Result {
	return f.toResultXY(scale, scale, off)
}

// toResultXY is toResult for a pass scaled differently along x and y.
func (f found) toResultXY(sx, sy float64, off fpoint) Result {
	bl, tl, tr := f.centres[0], f.centres[1], f.centres[2]
	ux, uy := unit(tr.x-tl.x, tr.y-tl.y)
	vx, vy := unit(bl.x-tl.x, bl.y-tl.y)
	d := 3.5 * f.module
	c := [4]fpoint{
		{tl.x - d*(ux+vx), tl.y - d*(uy+vy)},
		{tr.x + d*(ux-vx), tr.y + d*(uy-vy)},
		{tr.x + bl.x - tl.x + d*(ux+vx), tr.y + bl.y - tl.y + d*(uy+vy)},
		{bl.x + d*(vx-ux), bl.y + d*(vy-uy)},
	}
	r := Result{Text: f.text}
	for i, p := range c {
		r.Corners[i] = image.Pt(int(math.Round(p.x*sx+off.x)), int(math.Round(p.y*sy+off.y)))
	}
	r.Bounds = image.Rectangle{Min: r.Corners[0], Max: r.Corners[0]}
	for _, p := range r.Corners[1:] {
		r.Bounds.Min.X = min(r.Bounds.Min.X, p.X)
		r.Bounds.Min.Y = min(r.Bounds.Min.Y, p.Y)
		r.Bounds.Max.X = max(r.Bounds.Max.X, p.X)
		r.Bounds.Max.Y = max(r.Bounds.Max.Y, p.Y)
	}
	return r
}

func unit(x, y float64) (float64, float64) {
	n := math.Hypot(x, y)
	if n == 0 || math.IsNaN(n) || math.IsInf(n, 0) {
		return 0, 0
	}
	return x / n, y / n
}

// addResult appends r unless the same code is already in rs: the same text
// over an overlapping area, as found by several passes. Two codes with the
// same text in different places are both kept.
func addResult(rs []Result, r Result) []Result {
	if slices.ContainsFunc(rs, func(o Result) bool {
		return o.Text == r.Text && o.Bounds.Inset(-4).Overlaps(r.Bounds.Inset(-4))
	}) {
		return rs
	}
	return append(rs, r)
}

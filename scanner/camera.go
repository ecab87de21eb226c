package scanner

import (
	"context"
	"errors"
	"fmt"
	"image"
	"slices"
)

// ErrNoCamera means no camera device could be opened.
var ErrNoCamera = errors.New("no camera")

// FrameSource delivers camera frames. Next blocks until the next frame;
// Close releases the device. The V4L2 camera from OpenCamera is one; tests
// and other platforms' capture code supply their own.
type FrameSource interface {
	Next() (image.Image, error)
	Close() error
}

// ScanCamera decodes frames from src until one holds a QR code, and
// returns its codes. It stops with ctx's error when ctx is done, and with
// src's error when a frame cannot be read. It does not close src.
func ScanCamera(ctx context.Context, src FrameSource) ([]Result, error) {
	for n := 1; ; n++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("scan camera: %w", err)
		}
		frame, err := src.Next()
		if err != nil {
			return nil, fmt.Errorf("scan camera: frame %d: %w", n, err)
		}
		rs, err := Decode(frame)
		if err == nil {
			return rs, nil
		}
		if !errors.Is(err, ErrNoCode) {
			return nil, fmt.Errorf("scan camera: frame %d: %w", n, err)
		}
	}
}

// yuyvToImage converts one packed YUYV 4:2:2 frame (Y0 Cb Y1 Cr per two
// pixels) with the given row stride into an image.YCbCr.
func yuyvToImage(data []byte, w, h, stride int) (*image.YCbCr, error) {
	if stride < 2*w {
		stride = 2 * w
	}
	if w <= 0 || h <= 0 || len(data) < stride*(h-1)+2*w {
		return nil, fmt.Errorf("short YUYV frame: %d bytes for %d×%d", len(data), w, h)
	}
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio422)
	for y := 0; y < h; y++ {
		row := data[y*stride : y*stride+2*w]
		yr := img.Y[y*img.YStride:]
		cr := img.Cr[y*img.CStride:]
		cb := img.Cb[y*img.CStride:]
		for x := 0; x+1 < w; x += 2 {
			p := row[2*x : 2*x+4 : 2*x+4]
			yr[x], cb[x/2], yr[x+1], cr[x/2] = p[0], p[1], p[2], p[3]
		}
		if w%2 == 1 { // odd width: the last pixel has Y and Cb only
			yr[w-1], cb[w/2], cr[w/2] = row[2*(w-1)], row[2*(w-1)+1], 128
		}
	}
	return img, nil
}

// Frame is what one camera frame showed.
type Frame struct {
	// Results are the codes decoded in the frame.
	Results []Result
	// Finders counts the finder patterns seen outside every decoded
	// code: a code is in view but could not be read (blurred, too
	// small, moving).
	Finders int
	// Module is the median module size of those finder patterns, in
	// pixels of the frame: below about 3 the code is too small.
	Module float64
}

// DecodeFrame decodes one camera frame in the time a live preview
// allows: it runs the cheap stages of Decode only (see liveStages) and
// reports the finder patterns it saw, so that the camera window can tell
// "hold steadier" from "move closer" from "no code in view".
func DecodeFrame(img image.Image) Frame {
	if img == nil || img.Bounds().Dx() <= 0 || img.Bounds().Dy() <= 0 {
		return Frame{}
	}
	b := img.Bounds()
	out, cands := decodeStages(toGray(img), true)
	for i := range out {
		for j := range out[i].Corners {
			out[i].Corners[j] = out[i].Corners[j].Add(b.Min)
		}
		out[i].Bounds = out[i].Bounds.Add(b.Min)
	}
	f := Frame{Results: out}
	var modules []float64
	cands.mu.Lock()
	for _, c := range cands.pts {
		pt := image.Pt(int(c.p.x), int(c.p.y)).Add(b.Min)
		if !slices.ContainsFunc(out, func(r Result) bool { return pt.In(r.Bounds) }) {
			modules = append(modules, c.module)
		}
	}
	cands.mu.Unlock()
	f.Finders = len(modules)
	if len(modules) > 0 {
		slices.Sort(modules)
		f.Module = modules[len(modules)/2]
	}
	return f
}

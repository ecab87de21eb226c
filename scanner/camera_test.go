package scanner

import (
	"context"
	"errors"
	"image"
	"image/color"
	"math/rand/v2"
	"testing"

	"github.com/nidan-auth/nidan/internal/synth"
)

// fakeCamera plays generated frames: blank ones, then frames showing a
// code, like a phone being brought into view.
type fakeCamera struct {
	frames []image.Image
	n      int
	err    error
}

func (f *fakeCamera) Next() (image.Image, error) {
	if f.n >= len(f.frames) {
		if f.err != nil {
			return nil, f.err
		}
		return nil, errors.New("end of recording")
	}
	f.n++
	return f.frames[f.n-1], nil
}

func (f *fakeCamera) Close() error { return nil }

func cameraFrames(t *testing.T, text string) []image.Image {
	r := rand.New(rand.NewPCG(11, 12))
	var frames []image.Image
	for i := range 3 { // noise: nothing to find
		g := image.NewGray(image.Rect(0, 0, 320, 240))
		for j := range g.Pix {
			g.Pix[j] = uint8(100 + r.IntN(40) + i)
		}
		frames = append(frames, g)
	}
	code := mustCode(t, text, 4)
	frame := synth.Rotate(code, 12, color.RGBA{200, 200, 190, 255})
	frames = append(frames, frame)
	return frames
}

func TestScanCamera(t *testing.T) {
	const text = "otpauth://totp/cam?secret=JBSWY3DPEHPK3PXP"
	cam := &fakeCamera{frames: cameraFrames(t, text)}
	rs, err := ScanCamera(context.Background(), cam)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].Text != text {
		t.Fatalf("ScanCamera = %q, want %q", Texts(rs), text)
	}
	if cam.n != 4 {
		t.Errorf("read %d frames, want 4", cam.n)
	}
}

func TestScanCameraErrors(t *testing.T) {
	boom := errors.New("device unplugged")
	cam := &fakeCamera{frames: cameraFrames(t, "x")[:2], err: boom}
	if _, err := ScanCamera(context.Background(), cam); !errors.Is(err, boom) {
		t.Errorf("source error: got %v, want %v", err, boom)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ScanCamera(ctx, &fakeCamera{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: got %v", err)
	}
}

func TestYUYV(t *testing.T) {
	// Two rows of three pixels (odd width), stride padded to 8 bytes.
	data := []byte{
		10, 100, 20, 200, 30, 101, 0, 0,
		40, 102, 50, 202, 60, 103, 0, 0,
	}
	img, err := yuyvToImage(data, 3, 2, 8)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []uint8{10, 20, 30, 40, 50, 60} {
		if got := img.YCbCrAt(i%3, i/3).Y; got != want {
			t.Errorf("Y(%d,%d) = %d, want %d", i%3, i/3, got, want)
		}
	}
	if c := img.YCbCrAt(1, 0); c.Cb != 100 || c.Cr != 200 {
		t.Errorf("chroma(1,0) = %d,%d, want 100,200", c.Cb, c.Cr)
	}
	if _, err := yuyvToImage(data[:5], 3, 2, 8); err == nil {
		t.Error("short frame: no error")
	}
}

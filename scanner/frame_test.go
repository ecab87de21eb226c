package scanner

import (
	"image"
	"math/rand/v2"
	"testing"

	"github.com/nidan-auth/nidan/internal/synth"
)

// webcamShot is a phone held up to a 640×480 webcam, a little turned and
// tilted, slightly out of focus and noisy.
var webcamShot = synth.Shot{W: 640, H: 480, Scale: 0.6, Tilt: 0.12, Turn: 8, Blur: 1, Noise: 4}

func phoneFrame(t testing.TB, r *rand.Rand, text string, module int, s synth.Shot) *image.RGBA {
	t.Helper()
	return synth.PhoneFrame(r, mustCode(t, text, module), s)
}

func TestDecodeFrame(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	mig := synth.Migration(r, 200) // a dense code, as a Google export's
	f := DecodeFrame(phoneFrame(t, r, mig, 4, webcamShot))
	if len(f.Results) != 1 || f.Results[0].Text != mig {
		t.Fatalf("phone at the webcam: %q, %d finders", Texts(f.Results), f.Finders)
	}
	// Too far: finder patterns are visible, the modules too small.
	far := webcamShot
	far.Scale = 0.45
	f = DecodeFrame(phoneFrame(t, r, mig, 4, far))
	if len(f.Results) != 0 {
		t.Fatalf("far phone decoded: a better decoder; move this case further away")
	}
	if f.Finders == 0 || f.Module >= 3 {
		t.Errorf("far phone: %d finders, module %.1f px; want some, under 3 px", f.Finders, f.Module)
	}
	// Close enough but out of focus: finders with large modules.
	blurred := webcamShot
	blurred.Scale, blurred.Blur = 0.7, 2
	f = DecodeFrame(phoneFrame(t, r, mig, 4, blurred))
	if len(f.Results) != 0 {
		t.Fatalf("blurred phone decoded: a better decoder; blur this case more")
	}
	if f.Finders == 0 || f.Module < 3 {
		t.Errorf("blurred phone: %d finders, module %.1f px; want some, at least 3 px", f.Finders, f.Module)
	}
	// An empty room.
	if f := DecodeFrame(synth.Noise(r, synth.Screenshot(r, 640, 480, true), 3)); len(f.Results) != 0 {
		t.Errorf("empty frame: %q", Texts(f.Results))
	}
	if f := DecodeFrame(nil); len(f.Results) != 0 || f.Finders != 0 {
		t.Errorf("nil frame: %+v", f)
	}
}

// BenchmarkDecodeFrame640 is one live preview frame: a phone showing a
// dense export code to a 640×480 webcam (target < 30 ms on 2 cores, so
// the preview can try every frame at 10+ frames a second).
func BenchmarkDecodeFrame640(b *testing.B) {
	r := rand.New(rand.NewPCG(23, 24))
	img := phoneFrame(b, r, synth.Migration(r, 200), 4, webcamShot)
	b.ResetTimer()
	defer reportCPU(b, processCPU())
	for b.Loop() {
		if f := DecodeFrame(img); len(f.Results) != 1 {
			b.Fatal("not decoded")
		}
	}
}

// BenchmarkDecodeFrame640Empty is a frame with no code in view.
func BenchmarkDecodeFrame640Empty(b *testing.B) {
	r := rand.New(rand.NewPCG(25, 26))
	img := synth.Noise(r, synth.Screenshot(r, 640, 480, true), 3)
	b.ResetTimer()
	defer reportCPU(b, processCPU())
	for b.Loop() {
		DecodeFrame(img)
	}
}

package scanner

import (
	"image"
	"math/rand/v2"
	"testing"

	"github.com/nidan-auth/nidan/internal/synth"
)

// BenchmarkDecode4K decodes a ~180 px code in a cluttered 3840×2160
// screenshot, the reference case (target: < 300 ms on 2 cores).
func BenchmarkDecode4K(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 7))
	s := synth.Screenshot(r, 3840, 2160, false)
	synth.Paste(s, mustCode(b, synth.OTPAuth(r), 4), image.Pt(3000, 1700))
	b.ResetTimer()
	defer reportCPU(b, processCPU())
	for b.Loop() {
		if _, err := Decode(s); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecode4KNegative is the worst case: every pass runs.
func BenchmarkDecode4KNegative(b *testing.B) {
	s := synth.Screenshot(rand.New(rand.NewPCG(8, 8)), 3840, 2160, false)
	b.ResetTimer()
	defer reportCPU(b, processCPU())
	for b.Loop() {
		Decode(s)
	}
}

// BenchmarkToGray4K measures the luminance conversion alone.
func BenchmarkToGray4K(b *testing.B) {
	s := synth.Screenshot(rand.New(rand.NewPCG(9, 9)), 3840, 2160, false)
	b.ResetTimer()
	defer reportCPU(b, processCPU())
	for b.Loop() {
		toGray(s)
	}
}

package scanner

import (
	"image"
	"math/rand/v2"
	"testing"

	"github.com/nidan-auth/nidan/internal/synth"
)

// TestFaintRegion checks the gate in front of the fixed grey levels: a
// faint code in a screenshot shows up, cluttered screenshots without a
// code (light and dark, PNG-clean and JPEG) do not.
func TestFaintRegion(t *testing.T) {
	for seed := range uint64(6) {
		r := rand.New(rand.NewPCG(seed, 31))
		s := synth.Screenshot(r, 1920, 1080, seed%2 == 1)
		var img image.Image = s
		if seed%3 == 2 {
			img = jpegRoundTrip(t, s, 50)
		}
		if newBlockStats(toGray(img)).hasFaintRegion() {
			t.Errorf("seed %d: screenshot without a code has a faint region", seed)
		}
		lo := uint8(60 + r.IntN(80))
		code := synth.Contrast(mustCode(t, synth.OTPAuth(r), 4+r.IntN(3)), lo, lo+uint8(35+r.IntN(25)))
		synth.Paste(s, code, image.Pt(r.IntN(1500), r.IntN(700)))
		if !newBlockStats(toGray(s)).hasFaintRegion() {
			t.Errorf("seed %d: faint code (%d/%d) not seen", seed, lo, code.RGBAAt(0, 0).R)
		}
	}
}

// TestDecodeFaintInScreenshot decodes faint codes that only the fixed
// grey levels find (the local thresholds turn their quiet zone black), so
// the gate in front of that stage must let them through.
func TestDecodeFaintInScreenshot(t *testing.T) {
	const text = "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP"
	for _, seed := range []uint64{0, 2} {
		r := rand.New(rand.NewPCG(seed, 41))
		s := synth.Screenshot(r, 1366, 768, false)
		lo := uint8(60 + r.IntN(80))
		hi := lo + uint8(35+r.IntN(25))
		m := 4 + r.IntN(3)
		synth.Paste(s, synth.Contrast(mustCode(t, text, m), lo, hi), image.Pt(r.IntN(1000), r.IntN(450)))
		rs, err := Decode(s)
		if err != nil || len(rs) != 1 || rs[0].Text != text {
			t.Errorf("seed %d (greys %d/%d, %d px modules): Decode = %q, %v", seed, lo, hi, m, Texts(rs), err)
		}
	}
}

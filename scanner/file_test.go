package scanner

import (
	"bytes"
	"errors"
	"image"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/nidan-auth/nidan/internal/synth"
	"github.com/nidan-auth/nidan/scanner/internal/lumajpeg"
)

// A JPEG that the luma decoder refuses still decodes, through image/jpeg.
func TestJPEGFallback(t *testing.T) {
	const text = "otpauth://totp/Nidan:rgb@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Nidan"
	s := synth.Screenshot(rand.New(rand.NewPCG(31, 1)), 640, 400, false)
	synth.Paste(s, mustCode(t, text, 4), image.Pt(200, 80))
	data, err := synth.JPEG(s, 90)
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range [][]byte{data, rgbCoded(t, data)} {
		rs, err := DecodeReader(bytes.NewReader(file))
		if err != nil || !slices.Equal(Texts(rs), []string{text}) {
			t.Fatalf("DecodeReader: %q, %v", Texts(rs), err)
		}
	}
	if _, err := lumajpeg.Decode(rgbCoded(t, data), MaxPixels); !errors.Is(err, lumajpeg.ErrUnsupported) {
		t.Fatalf("lumajpeg on an RGB-coded file: %v, want ErrUnsupported", err)
	}
}

// rgbCoded renames the three components of a baseline JPEG (without a
// JFIF header) R, G and B, which marks the file as RGB-coded: the bytes
// of the grey picture then read as a dimmer, still readable picture.
func rgbCoded(t *testing.T, data []byte) []byte {
	out := slices.Clone(data)
	i := bytes.Index(out, []byte{0xFF, 0xC0})
	if i < 0 || bytes.Contains(out, []byte("JFIF")) {
		t.Fatal("not a baseline JPEG without JFIF")
	}
	ids := []byte("RGB")
	old := []byte{out[i+10], out[i+13], out[i+16]}
	for k := range 3 {
		out[i+10+3*k] = ids[k]
	}
	// The scan header names the components by id too.
	j := bytes.Index(out, []byte{0xFF, 0xDA})
	for k := range 3 {
		if out[j+5+2*k] != old[k] {
			t.Fatal("unexpected scan header")
		}
		out[j+5+2*k] = ids[k]
	}
	return out
}

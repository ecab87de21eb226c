package scanner

import (
	"bytes"
	"errors"
	"flag"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/image/bmp"

	"github.com/nidan-auth/nidan/internal/synth"
)

var update = flag.Bool("update", false, "rewrite scanner/testdata fixtures")

// fixtures are small files in testdata, one per format and hard case,
// regenerated with `go test ./scanner -run TestFixtures -update`.
var fixtures = []struct {
	file string
	text string // "" = no code
	make func(t *testing.T, text string) []byte
}{
	{"dark-mode.png", "otpauth://totp/Nidan:dark@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Nidan", func(t *testing.T, text string) []byte {
		s := synth.Screenshot(rand.New(rand.NewPCG(21, 1)), 800, 500, true)
		synth.Paste(s, synth.Invert(mustCode(t, text, 3)), image.Pt(500, 200))
		return encodePNG(t, s)
	}},
	{"rotated.jpg", "otpauth://totp/Nidan:rot@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Nidan", func(t *testing.T, text string) []byte {
		s := synth.Screenshot(rand.New(rand.NewPCG(22, 1)), 800, 500, false)
		synth.Paste(s, synth.Rotate(mustCode(t, text, 4), 33, color.RGBA{255, 255, 255, 255}), image.Pt(300, 100))
		b, err := synth.JPEG(s, 60)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}},
	{"small-modules.gif", "otpauth://totp/Nidan:gif@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Nidan", func(t *testing.T, text string) []byte {
		s := synth.Screenshot(rand.New(rand.NewPCG(23, 1)), 640, 400, false)
		synth.Paste(s, mustCode(t, text, 2), image.Pt(400, 200))
		var buf bytes.Buffer
		if err := gif.Encode(&buf, s, nil); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}},
	{"clean.bmp", "otpauth://totp/Nidan:bmp@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Nidan", func(t *testing.T, text string) []byte {
		var buf bytes.Buffer
		if err := bmp.Encode(&buf, mustCode(t, text, 3)); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}},
	{"no-code.png", "", func(t *testing.T, _ string) []byte {
		return encodePNG(t, synth.Screenshot(rand.New(rand.NewPCG(24, 1)), 640, 400, false))
	}},
}

func encodePNG(t *testing.T, img image.Image) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestFixtures(t *testing.T) {
	for _, f := range fixtures {
		t.Run(f.file, func(t *testing.T) {
			path := filepath.Join("testdata", f.file)
			if *update {
				if err := os.WriteFile(path, f.make(t, f.text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			rs, err := DecodeFile(path)
			if f.text == "" {
				if !errors.Is(err, ErrNoCode) {
					t.Fatalf("DecodeFile = %q, %v; want ErrNoCode", Texts(rs), err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(rs) != 1 || rs[0].Text != f.text {
				t.Fatalf("DecodeFile = %q, want %q", Texts(rs), f.text)
			}
		})
	}
}

func TestDecodeFileErrors(t *testing.T) {
	if _, err := DecodeFile(filepath.Join("testdata", "missing.png")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	if _, err := DecodeReader(bytes.NewReader([]byte("not an image"))); !errors.Is(err, ErrUnsupported) {
		t.Errorf("text: %v, want ErrUnsupported", err)
	}
	// A GIF header claiming 65535×65535 pixels is refused before any
	// pixel memory is allocated.
	var buf bytes.Buffer
	if err := gif.Encode(&buf, image.NewGray(image.Rect(0, 0, 1, 1)), nil); err != nil {
		t.Fatal(err)
	}
	hdr := buf.Bytes()
	hdr[6], hdr[7], hdr[8], hdr[9] = 0xff, 0xff, 0xff, 0xff
	if _, err := DecodeReader(bytes.NewReader(hdr)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("huge GIF: %v, want ErrTooLarge", err)
	}
}

package greypng

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"testing"
)

// The byte-exact comparisons with image/png and the scanner's conversion
// live in package scanner (greypng_test.go there), which owns the
// conversion; these check the decoder on its own.

func encode(tb testing.TB, img image.Image) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// screenshot is a w×h RGB image of flat panels and text-like noise, the
// kind of PNG the scanner is given.
func screenshot(w, h int, seed uint64) *image.RGBA {
	rng := rand.New(rand.NewPCG(seed, 1))
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{byte(240 - y/16), byte(240 - x/32), 250, 255}
			if (x/40+y/24)%7 == 0 && rng.IntN(3) == 0 {
				c = color.RGBA{30, 30, 40, 255}
			}
			m.SetRGBA(x, y, c)
		}
	}
	return m
}

func TestGreyMatchesForOpaqueGrey(t *testing.T) {
	src := image.NewGray(image.Rect(0, 0, 31, 17))
	for i := range src.Pix {
		src.Pix[i] = byte(i * 37)
	}
	got, err := Decode(encode(t, src), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if got.W != 31 || got.H != 17 || !bytes.Equal(got.Pix, src.Pix) {
		t.Fatal("grey image decoded differently")
	}
	if _, err := Decode(encode(t, src), 31*17-1); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("limit below the size: %v, want ErrTooLarge", err)
	}
}

// FuzzDecode feeds arbitrary bytes to Decode: it must not panic, must
// return a plane of the declared size, and must not read a file that
// image/png refuses.
func FuzzDecode(f *testing.F) {
	f.Add(encode(f, screenshot(40, 30, 1)))
	g := image.NewGray(image.Rect(0, 0, 9, 5))
	f.Add(encode(f, g))
	p := image.NewPaletted(image.Rect(0, 0, 7, 3), color.Palette{color.Black, color.NRGBA{255, 255, 255, 128}})
	f.Add(encode(f, p))
	n := image.NewNRGBA(image.Rect(0, 0, 5, 5))
	f.Add(encode(f, n))
	f.Add([]byte(signature))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Decode(data, 1<<20)
		if err != nil {
			if !errors.Is(err, ErrFormat) && !errors.Is(err, ErrUnsupported) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("error without a sentinel: %v", err)
			}
			return
		}
		if m.W <= 0 || m.H <= 0 || len(m.Pix) != m.W*m.H {
			t.Fatalf("%d×%d with %d samples", m.W, m.H, len(m.Pix))
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("greypng read a file image/png refuses: %v", err)
		}
		if b := img.Bounds(); b.Dx() != m.W || b.Dy() != m.H {
			t.Fatalf("%d×%d, image/png %v", m.W, m.H, b)
		}
	})
}

// BenchmarkDecode is greypng on a 1920×1080 RGB screenshot.
func BenchmarkDecode(b *testing.B) {
	data := encode(b, screenshot(1920, 1080, 2))
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := Decode(data, 1<<26); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkImagePNG is image/png on the same file, for comparison (the
// scanner's conversion to grey comes on top of it).
func BenchmarkImagePNG(b *testing.B) {
	data := encode(b, screenshot(1920, 1080, 2))
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := png.Decode(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

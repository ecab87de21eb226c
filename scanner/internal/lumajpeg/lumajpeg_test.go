package lumajpeg

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// scene draws a photo-like test image: gradients, hard edges and noise,
// so that every kind of coefficient occurs.
func scene(w, h int, seed uint64) *image.RGBA {
	rng := rand.New(rand.NewPCG(seed, 7))
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			r := uint8(x * 255 / max(1, w-1))
			g := uint8(y * 255 / max(1, h-1))
			b := uint8(128 + 100*math.Sin(float64(x*y)/50))
			if (x/7+y/5)%3 == 0 {
				r, g = 255-r, 20
			}
			n := uint8(rng.IntN(24))
			m.SetRGBA(x, y, color.RGBA{r + n, g + n, b + n, 255})
		}
	}
	return m
}

func encode(t testing.TB, img image.Image, q int) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// reference is image/jpeg's luma plane of data.
func reference(t testing.TB, data []byte) (pix []byte, w, h int) {
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	w, h = b.Dx(), b.Dy()
	pix = make([]byte, w*h)
	switch m := img.(type) {
	case *image.YCbCr:
		for y := range h {
			copy(pix[y*w:], m.Y[y*m.YStride:y*m.YStride+w])
		}
	case *image.Gray:
		for y := range h {
			copy(pix[y*w:], m.Pix[y*m.Stride:y*m.Stride+w])
		}
	default:
		t.Fatalf("image/jpeg returned %T", img)
	}
	return pix, w, h
}

// compare checks that Decode agrees with image/jpeg to within the
// rounding differences of two inverse DCTs.
func compare(t *testing.T, name string, data []byte) {
	t.Helper()
	want, w, h := reference(t, data)
	got, err := Decode(data, 1<<26)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if got.W != w || got.H != h || len(got.Pix) != w*h {
		t.Fatalf("%s: %d×%d (%d samples), want %d×%d", name, got.W, got.H, len(got.Pix), w, h)
	}
	worst, sum := 0, 0
	for i := range want {
		d := int(got.Pix[i]) - int(want[i])
		if d < 0 {
			d = -d
		}
		worst = max(worst, d)
		sum += d
	}
	if mean := float64(sum) / float64(len(want)); worst > 3 || mean > 0.25 {
		t.Errorf("%s: differs from image/jpeg by up to %d (mean %.3f)", name, worst, mean)
	}
}

func TestMatchesImageJPEG(t *testing.T) {
	sizes := [][2]int{{1, 1}, {8, 8}, {9, 7}, {16, 16}, {17, 33}, {64, 48}, {101, 77}, {320, 240}}
	for i, s := range sizes {
		col := scene(s[0], s[1], uint64(i))
		gray := image.NewGray(col.Bounds())
		for y := range s[1] {
			for x := range s[0] {
				gray.Set(x, y, col.At(x, y))
			}
		}
		for _, q := range []int{1, 30, 75, 100} {
			compare(t, "color", encode(t, col, q))
			compare(t, "gray", encode(t, gray, q))
		}
	}
}

// The standard library's test images cover what its encoder does not
// write: progressive files (with separate DC scans too), every chroma
// subsampling, restart intervals.
func TestStandardLibraryImages(t *testing.T) {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if errors.Is(err, exec.ErrNotFound) && runtime.GOOS == "windows" {
		t.Skip("no go command here to find GOROOT's test images (make test-windows runs the binary under Wine); make test reads them on Linux")
	}
	if err != nil {
		t.Fatalf("go env GOROOT: %v", err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "src", "image", "testdata")
	files, err := filepath.Glob(filepath.Join(dir, "*.jpeg"))
	if err != nil || len(files) < 20 {
		t.Fatalf("%d JPEG files in %s (%v)", len(files), dir, err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(f)
		switch {
		case strings.Contains(name, "cmyk"), strings.Contains(name, "rgb"):
			if _, err := Decode(data, 1<<26); !errors.Is(err, ErrUnsupported) {
				t.Errorf("%s: %v, want ErrUnsupported", name, err)
			}
		default:
			compare(t, name, data)
		}
	}
}

func TestRefusals(t *testing.T) {
	data := encode(t, scene(64, 64, 1), 80)
	if _, err := Decode(data, 64*64-1); !errors.Is(err, ErrTooLarge) {
		t.Errorf("over the pixel limit: %v", err)
	}
	if _, err := Decode(data[:len(data)/2], 1<<20); !errors.Is(err, ErrFormat) {
		t.Errorf("truncated: %v", err)
	}
	if _, err := Decode([]byte("\x89PNG\r\n\x1a\n"), 1<<20); !errors.Is(err, ErrFormat) {
		t.Errorf("not a JPEG: %v", err)
	}
	// An arithmetic-coded frame header (SOF9).
	arith := bytes.Replace(data, []byte{0xFF, 0xC0}, []byte{0xFF, 0xC9}, 1)
	if _, err := Decode(arith, 1<<20); !errors.Is(err, ErrUnsupported) {
		t.Errorf("arithmetic coding: %v", err)
	}
}

// The fast inverse DCT against the textbook formula.
func TestIDCT(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var flat [64]int32
	for i := range flat {
		flat[i] = int32(math.Round(aanScale[i/8] * aanScale[i%8] / 8 * (1 << fracBits))) // quantiser 1
	}
	for n := range 200 {
		var blk [64]int32
		for i := range blk {
			if rng.IntN(4) == 0 || i == 0 {
				blk[i] = int32(rng.IntN(161) - 80)
			}
		}
		switch n % 10 {
		case 0:
			blk = [64]int32{0: int32(rng.IntN(800) - 400)}
		case 1, 2:
			// Low frequencies only, then the first column only: the
			// transform's shortcuts for sparse blocks.
			for i := range blk {
				if i/8 >= 4 || i%8 >= 4 || (n%10 == 2 && i%8 > 0) {
					blk[i] = 0
				}
			}
		}
		var got [64]byte
		idct(&blk, &flat, n%10 == 0, got[:], 8)
		for y := range 8 {
			for x := range 8 {
				var s float64
				for v := range 8 {
					for u := range 8 {
						cu, cv := 1.0, 1.0
						if u == 0 {
							cu = math.Sqrt2 / 2
						}
						if v == 0 {
							cv = math.Sqrt2 / 2
						}
						s += cu * cv * float64(blk[v*8+u]) *
							math.Cos(float64(2*x+1)*float64(u)*math.Pi/16) *
							math.Cos(float64(2*y+1)*float64(v)*math.Pi/16)
					}
				}
				want := math.Round(s/4 + 128)
				want = math.Max(0, math.Min(255, want))
				if d := math.Abs(float64(got[y*8+x]) - want); d > 1 {
					t.Fatalf("block %d (%d,%d): %d, want %.0f", n, x, y, got[y*8+x], want)
				}
			}
		}
	}
}

func TestZigzag(t *testing.T) {
	want := []uint8{0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5}
	for k, v := range want {
		if zigzag[k] != v {
			t.Fatalf("zigzag[%d] = %d, want %d", k, zigzag[k], v)
		}
	}
	if zigzag[63] != 63 {
		t.Fatalf("zigzag[63] = %d", zigzag[63])
	}
	seen := map[uint8]bool{}
	for _, v := range zigzag[:64] {
		seen[v] = true
	}
	if len(seen) != 64 {
		t.Fatal("zigzag is not a permutation")
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(encode(f, scene(33, 17, 3), 50))
	gray := image.NewGray(image.Rect(0, 0, 20, 12))
	for i := range gray.Pix {
		gray.Pix[i] = uint8(i * 37)
	}
	f.Add(encode(f, gray, 90))
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := Decode(data, 1<<20)
		if err != nil {
			return
		}
		if img.W <= 0 || img.H <= 0 || len(img.Pix) != img.W*img.H {
			t.Fatalf("%d×%d with %d samples", img.W, img.H, len(img.Pix))
		}
		if cfg, err := jpeg.DecodeConfig(bytes.NewReader(data)); err == nil && (cfg.Width != img.W || cfg.Height != img.H) {
			t.Fatalf("%d×%d, image/jpeg says %d×%d", img.W, img.H, cfg.Width, cfg.Height)
		}
	})
}

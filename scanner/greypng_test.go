package scanner

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/nidan-auth/nidan/internal/synth"
	"github.com/nidan-auth/nidan/scanner/internal/greypng"
)

// pngRef is what DecodeReader read before greypng: image/png, then the
// scanner's conversion.
func pngRef(t *testing.T, data []byte) (gray, error) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		return gray{}, err
	}
	return toGray(img), nil
}

// checkSame decodes data with greypng and requires exactly the reference
// grey plane.
func checkSame(t *testing.T, name string, data []byte) {
	t.Helper()
	want, err := pngRef(t, data)
	if err != nil {
		t.Fatalf("%s: image/png: %v", name, err)
	}
	got, err := greypng.Decode(data, MaxPixels)
	if err != nil {
		t.Fatalf("%s: greypng: %v", name, err)
	}
	if got.W != want.w || got.H != want.h {
		t.Fatalf("%s: %d×%d, want %d×%d", name, got.W, got.H, want.w, want.h)
	}
	if i := firstDiff(got.Pix, want.pix); i >= 0 {
		t.Fatalf("%s: pixel (%d,%d) is %d, want %d", name, i%want.w, i/want.w, got.Pix[i], want.pix[i])
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	if len(a) != len(b) {
		return min(len(a), len(b))
	}
	return -1
}

// testImages are images in every layout image/png writes, in odd sizes,
// with smooth gradients and noise so that its adaptive filter choice
// uses every filter type.
func testImages(rng *rand.Rand, w, h int) map[string]image.Image {
	out := map[string]image.Image{}
	grey := image.NewGray(image.Rect(0, 0, w, h))
	rgba := image.NewRGBA(grey.Rect)
	nrgba := image.NewNRGBA(grey.Rect)
	for y := range h {
		for x := range w {
			v := byte(x*3 + y*5)
			if rng.IntN(4) == 0 {
				v = byte(rng.IntN(256))
			}
			grey.SetGray(x, y, color.Gray{v})
			rgba.SetRGBA(x, y, color.RGBA{v, byte(x * 7), byte(255 - y), 255})
			nrgba.SetNRGBA(x, y, color.NRGBA{byte(y * 11), v, byte(x), byte(rng.IntN(256))})
		}
	}
	out["grey8"], out["rgb8"], out["rgba8"] = grey, rgba, nrgba
	for _, n := range []int{2, 4, 16, 200, 256} {
		pal := make(color.Palette, n)
		for i := range pal {
			pal[i] = color.RGBA{byte(rng.IntN(256)), byte(rng.IntN(256)), byte(rng.IntN(256)), 255}
		}
		p := image.NewPaletted(grey.Rect, pal)
		for i := range p.Pix {
			p.Pix[i] = byte(rng.IntN(n))
		}
		out["palette"+string(rune('0'+len(out)))] = p
		// With transparent entries, the encoder writes tRNS.
		tp := image.NewPaletted(grey.Rect, slices.Clone(pal))
		copy(tp.Pix, p.Pix)
		for i := range tp.Palette {
			if i%3 == 0 {
				c := tp.Palette[i].(color.RGBA)
				tp.Palette[i] = color.NRGBA{c.R, c.G, c.B, byte(rng.IntN(256))}
			}
		}
		out["palette-trns"+string(rune('0'+len(out)))] = tp
	}
	return out
}

func TestGreyPNGMatchesImagePNG(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 2))
	for _, sz := range []image.Point{{1, 1}, {3, 2}, {17, 9}, {64, 33}, {129, 67}} {
		for name, img := range testImages(rng, sz.X, sz.Y) {
			checkSame(t, name, encodePNG(t, img))
		}
	}
}

// pngChunk appends one chunk with its CRC.
func pngChunk(out []byte, typ string, body []byte) []byte {
	out = binary.BigEndian.AppendUint32(out, uint32(len(body)))
	start := len(out)
	out = append(out, typ...)
	out = append(out, body...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(out[start:]))
}

// craftPNG writes a PNG whose rows are random bytes behind the filter
// byte y%5, so every filter type is exercised on every colour type,
// including grey+alpha and sub-byte depths that image/png never writes.
func craftPNG(rng *rand.Rand, w, h, depth, ctype, interlace int, extra map[string][]byte) []byte {
	channels := map[int]int{0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[ctype]
	var raw []byte
	rows := func(w, h int) {
		rowLen := (w*channels*depth + 7) / 8
		for y := range h {
			raw = append(raw, byte(y%5))
			for range rowLen {
				raw = append(raw, byte(rng.IntN(256)))
			}
		}
	}
	if interlace == 0 {
		rows(w, h)
	} else {
		// Adam7's seven passes: origin and step of each.
		for _, p := range [][4]int{{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}} {
			pw, ph := (w-p[0]+p[2]-1)/p[2], (h-p[1]+p[3]-1)/p[3]
			if pw > 0 && ph > 0 {
				rows(pw, ph)
			}
		}
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(raw)
	zw.Close()
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(w))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(h))
	ihdr = append(ihdr, byte(depth), byte(ctype), 0, 0, byte(interlace))
	out := pngChunk([]byte(pngSignature), "IHDR", ihdr)
	for _, typ := range []string{"PLTE", "tRNS"} {
		if b, ok := extra[typ]; ok {
			out = pngChunk(out, typ, b)
		}
	}
	// Split the data over two IDAT chunks, as large files are.
	zb := z.Bytes()
	out = pngChunk(out, "IDAT", zb[:len(zb)/2])
	out = pngChunk(out, "IDAT", zb[len(zb)/2:])
	return pngChunk(out, "IEND", nil)
}

func randBytes(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.IntN(256))
	}
	return b
}

func TestGreyPNGCraftedFilters(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 3))
	for _, sz := range []image.Point{{1, 5}, {7, 10}, {33, 11}} {
		for _, c := range []struct{ depth, ctype int }{
			{8, 0}, {1, 0}, {2, 0}, {4, 0}, {8, 2}, {8, 4}, {8, 6},
			{1, 3}, {2, 3}, {4, 3}, {8, 3},
		} {
			extra := map[string][]byte{}
			if c.ctype == 3 {
				// A short palette: random indices past it are opaque
				// black in image/png, and the tRNS covers part of it.
				n := min(1<<c.depth, 3+rng.IntN(1<<c.depth))
				extra["PLTE"] = randBytes(rng, 3*n)
				extra["tRNS"] = randBytes(rng, rng.IntN(n+1))
			}
			data := craftPNG(rng, sz.X, sz.Y, c.depth, c.ctype, 0, extra)
			checkSame(t, "crafted", data)
		}
	}
}

// Kinds greypng leaves to image/png are refused as unsupported, and
// DecodeReader still reads them.
func TestGreyPNGFallback(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 4))
	const text = "otpauth://totp/Nidan:png@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Nidan"
	code := mustCode(t, text, 4)
	g16 := image.NewGray16(code.Bounds())
	for y := range code.Bounds().Dy() {
		for x := range code.Bounds().Dx() {
			g16.SetGray16(x, y, color.Gray16{uint16(code.RGBAAt(x, y).R) * 0x101})
		}
	}
	data16 := encodePNG(t, g16)
	if _, err := greypng.Decode(data16, MaxPixels); !errors.Is(err, greypng.ErrUnsupported) {
		t.Fatalf("16-bit: %v, want ErrUnsupported", err)
	}
	rs, err := DecodeReader(bytes.NewReader(data16))
	if err != nil || !slices.Equal(Texts(rs), []string{text}) {
		t.Fatalf("DecodeReader on 16-bit: %q, %v", Texts(rs), err)
	}
	for _, data := range [][]byte{
		craftPNG(rng, 9, 9, 8, 2, 1, nil),
		craftPNG(rng, 9, 9, 8, 0, 0, map[string][]byte{"tRNS": {0, 7}}),
		craftPNG(rng, 9, 9, 8, 2, 0, map[string][]byte{"tRNS": {0, 7, 0, 8, 0, 9}}),
	} {
		if _, err := greypng.Decode(data, MaxPixels); !errors.Is(err, greypng.ErrUnsupported) {
			t.Fatalf("greypng: %v, want ErrUnsupported", err)
		}
		want, err := pngRef(t, data)
		if err != nil {
			t.Fatal(err)
		}
		got, err := readPNGGrey(bytes.NewReader(data), 0)
		if err != nil || !bytes.Equal(got.pix, want.pix) {
			t.Fatalf("readPNGGrey fell back to %v, %v", got.pix, err)
		}
	}
	// And a code in an ordinary PNG reads through greypng.
	rs, err = DecodeReader(bytes.NewReader(encodePNG(t, code)))
	if err != nil || !slices.Equal(Texts(rs), []string{text}) {
		t.Fatalf("DecodeReader: %q, %v", Texts(rs), err)
	}
}

// Truncated and corrupted files are refused by greypng, or, where a
// change leaves a valid file (a flipped bit in an ignored chunk's CRC
// cannot), decode exactly as image/png decodes them; readPNGGrey then
// agrees with image/png either way.
func TestGreyPNGCorrupt(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 5))
	s := synth.Screenshot(rng, 120, 90, false)
	data := encodePNG(t, s)
	check := func(bad []byte) {
		t.Helper()
		want, werr := pngRef(t, bad)
		got, gerr := greypng.Decode(bad, MaxPixels)
		if gerr == nil {
			if werr != nil {
				t.Fatalf("greypng read a file image/png refuses (%v)", werr)
			}
			if !bytes.Equal(got.Pix, want.pix) {
				t.Fatal("greypng and image/png differ on a changed file")
			}
		} else if !errors.Is(gerr, greypng.ErrFormat) && !errors.Is(gerr, greypng.ErrUnsupported) {
			t.Fatalf("unexpected error %v", gerr)
		}
		via, verr := readPNGGrey(bytes.NewReader(bad), 0)
		if (verr == nil) != (werr == nil) || (verr == nil && !bytes.Equal(via.pix, want.pix)) {
			t.Fatalf("readPNGGrey: %v; image/png: %v", verr, werr)
		}
	}
	for n := 0; n < len(data); n += 1 + len(data)/97 {
		check(data[:n])
	}
	for range 200 {
		bad := slices.Clone(data)
		bad[rng.IntN(len(bad))] ^= byte(1 << rng.IntN(8))
		check(bad)
	}
}

func TestGreyPNGTooLarge(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 6))
	data := craftPNG(rng, 4, 4, 8, 0, 0, nil)
	// Rewrite the IHDR dimensions (and its CRC) to 100000×100000.
	binary.BigEndian.PutUint32(data[16:], 100000)
	binary.BigEndian.PutUint32(data[20:], 100000)
	binary.BigEndian.PutUint32(data[29:], crc32.ChecksumIEEE(data[12:29]))
	if _, err := greypng.Decode(data, MaxPixels); !errors.Is(err, greypng.ErrTooLarge) {
		t.Fatalf("greypng: %v, want ErrTooLarge", err)
	}
	if _, err := DecodeReader(bytes.NewReader(data)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("DecodeReader: %v, want ErrTooLarge", err)
	}
}

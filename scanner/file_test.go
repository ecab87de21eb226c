package scanner

import (
	"bytes"
	"errors"
	"image"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"testing/iotest"

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

// readAll returns the whole input whatever size it was told: the size
// only sets the first capacity of the buffer.
func TestReadAllSizeHint(t *testing.T) {
	data := make([]byte, 70_000)
	for i := range data {
		data[i] = byte(i * 7)
	}
	for _, size := range []int64{0, 1, 69_999, 70_000, 70_001, 1 << 20, -5, maxFileBytes + 1} {
		got, err := readAll(iotest.OneByteReader(bytes.NewReader(data[:1000])), size)
		if err != nil || !bytes.Equal(got, data[:1000]) {
			t.Fatalf("size %d, one byte at a time: %d bytes, %v", size, len(got), err)
		}
		got, err = readAll(bytes.NewReader(data), size)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("size %d: %d bytes, %v", size, len(got), err)
		}
		// (The allocator rounds the capacity up to its size class; a
		// buffer that grew would at least double.)
		if size == int64(len(data)) && cap(got) > len(data)+len(data)/4 {
			t.Fatalf("exact size: capacity %d for %d bytes, so the buffer grew", cap(got), len(data))
		}
	}
	if _, err := readAll(iotest.ErrReader(errors.ErrUnsupported), 10); !errors.Is(err, errors.ErrUnsupported) {
		t.Fatalf("a failing reader: %v", err)
	}
}

// DecodeFile reads the file it is given whole, with the file's size as
// the buffer's capacity.
func TestDecodeFileSized(t *testing.T) {
	const text = "otpauth://totp/Nidan:file@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Nidan"
	s := synth.Screenshot(rand.New(rand.NewPCG(32, 1)), 500, 360, false)
	synth.Paste(s, mustCode(t, text, 4), image.Pt(120, 60))
	data, err := synth.JPEG(s, 85)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "code.jpg")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	rs, err := DecodeFile(path)
	if err != nil || !slices.Equal(Texts(rs), []string{text}) {
		t.Fatalf("DecodeFile: %q, %v", Texts(rs), err)
	}
}

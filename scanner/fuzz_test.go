package scanner

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"testing"

	"github.com/nidan-auth/nidan/internal/synth"
)

// FuzzDecode feeds arbitrary pixels, in each of the buffer layouts that
// toGray reads directly, to Decode: it must not panic and must either
// find codes or say ErrNoCode.
func FuzzDecode(f *testing.F) {
	code := mustCode(f, "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP", 2)
	f.Add(uint8(0), uint8(code.Bounds().Dx()), code.Pix)
	f.Add(uint8(1), uint8(3), []byte{0, 255, 0, 255, 0, 255, 0, 255, 0})
	f.Add(uint8(2), uint8(0), []byte{})
	f.Fuzz(func(t *testing.T, kind, width uint8, pix []byte) {
		w := int(width)
		if w == 0 {
			w = 1
		}
		var img image.Image
		switch kind % 5 {
		case 0:
			h := len(pix) / 4 / w
			img = &image.RGBA{Pix: pix, Stride: 4 * w, Rect: image.Rect(0, 0, w, h)}
		case 1:
			h := len(pix) / w
			img = &image.Gray{Pix: pix, Stride: w, Rect: image.Rect(0, 0, w, h)}
		case 2:
			h := len(pix) / 4 / w
			img = &image.NRGBA{Pix: pix, Stride: 4 * w, Rect: image.Rect(0, 0, w, h)}
		case 3:
			h := len(pix) / w
			img = &image.Paletted{Pix: pix, Stride: w, Rect: image.Rect(0, 0, w, h),
				Palette: []color.Color{color.Black, color.White}}
		case 4:
			h := len(pix) / w / 2
			m := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
			copy(m.Y, pix)
			img = m
		}
		rs, err := Decode(img)
		if err != nil && !errors.Is(err, ErrNoCode) {
			t.Fatalf("Decode: unexpected error %v", err)
		}
		if err == nil && len(rs) == 0 {
			t.Fatal("Decode: no error and no result")
		}
	})
}

// FuzzDecodeReader feeds arbitrary file bytes to DecodeReader: it must not
// panic, whatever the format sniffing and image decoders make of them.
func FuzzDecodeReader(f *testing.F) {
	code := mustCode(f, "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP", 2)
	var buf bytes.Buffer
	if err := png.Encode(&buf, code); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	j, err := synth.JPEG(code, 50)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(j)
	buf.Reset()
	if err := gif.Encode(&buf, code, nil); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte("BM"))
	f.Add([]byte("RIFF\x00\x00\x00\x00WEBPVP8 "))
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, err := DecodeReader(bytes.NewReader(data))
		if err == nil && len(rs) == 0 {
			t.Fatal("DecodeReader: no error and no result")
		}
	})
}

package lumajpeg

import (
	"bytes"
	"image/jpeg"
	"testing"
)

// photoJPEG is a generated 1512×2016 photo-like JPEG (the median size of
// the benchmark's phone photos), 4:2:0 at quality 85.
func photoJPEG(b *testing.B) []byte {
	return encode(b, scene(1512, 2016, 5), 85)
}

// BenchmarkDecode is the luma decoder on photoJPEG.
func BenchmarkDecode(b *testing.B) {
	data := photoJPEG(b)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := Decode(data, 1<<26); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkImageJPEG is image/jpeg on the same file, for comparison.
func BenchmarkImageJPEG(b *testing.B) {
	data := photoJPEG(b)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := jpeg.Decode(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

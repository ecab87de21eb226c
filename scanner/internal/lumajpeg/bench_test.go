package lumajpeg

import (
	"testing"
)

// BenchmarkDecode decodes a generated 1512×2016 photo-like JPEG (the
// median size of the benchmark's phone photos), 4:2:0 at quality 85.
func BenchmarkDecode(b *testing.B) {
	data := encode(b, scene(1512, 2016, 5), 85)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := Decode(data, 1<<26); err != nil {
			b.Fatal(err)
		}
	}
}

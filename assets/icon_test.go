package assets

import (
	"bytes"
	"image"
	"image/png"
	"testing"
)

// TestIconPNG checks what the packagers rely on: a square 512×512 PNG whose
// corners are transparent (the rounded square must not show a white box).
func TestIconPNG(t *testing.T) {
	img, err := png.Decode(bytes.NewReader(IconPNG))
	if err != nil {
		t.Fatalf("decode icon.png: %v", err)
	}
	if got := img.Bounds(); got != image.Rect(0, 0, 512, 512) {
		t.Fatalf("icon.png is %v, want 512×512", got)
	}
	for _, p := range []image.Point{{0, 0}, {511, 0}, {0, 511}, {511, 511}} {
		if _, _, _, a := img.At(p.X, p.Y).RGBA(); a != 0 {
			t.Errorf("corner %v has alpha %d, want transparent", p, a)
		}
	}
	if _, _, _, a := img.At(256, 256).RGBA(); a != 0xffff {
		t.Errorf("centre has alpha %d, want opaque", a)
	}
	if !bytes.Contains(IconSVG, []byte("<svg")) {
		t.Error("IconSVG is not an SVG")
	}
}

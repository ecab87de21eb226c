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

// TestTrayPNG: the tray's icon is the same drawing, 64×64 (a tray library
// keeps it decoded, so not the 512 px one).
func TestTrayPNG(t *testing.T) {
	img, err := png.Decode(bytes.NewReader(TrayPNG))
	if err != nil {
		t.Fatalf("decode tray.png: %v", err)
	}
	if got := img.Bounds(); got != image.Rect(0, 0, 64, 64) {
		t.Fatalf("tray.png is %v, want 64×64", got)
	}
	for _, p := range []image.Point{{0, 0}, {63, 0}, {0, 63}, {63, 63}} {
		if _, _, _, a := img.At(p.X, p.Y).RGBA(); a != 0 {
			t.Errorf("corner %v has alpha %d, want transparent", p, a)
		}
	}
	if _, _, _, a := img.At(32, 32).RGBA(); a != 0xffff {
		t.Errorf("centre has alpha %d, want opaque", a)
	}
}

package assets

import (
	"bytes"
	"image"
	"image/png"
	"testing"
)

// checkIcon decodes a square PNG of the given side and checks what the
// packagers and the tray rely on: transparent corners (the rounded square
// must not show a white box) and an opaque centre.
func checkIcon(t *testing.T, name string, data []byte, side int) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	if got := img.Bounds(); got != image.Rect(0, 0, side, side) {
		t.Fatalf("%s is %v, want %d×%d", name, got, side, side)
	}
	last := side - 1
	for _, p := range []image.Point{{0, 0}, {last, 0}, {0, last}, {last, last}} {
		if _, _, _, a := img.At(p.X, p.Y).RGBA(); a != 0 {
			t.Errorf("%s: corner %v has alpha %d, want transparent", name, p, a)
		}
	}
	if _, _, _, a := img.At(side/2, side/2).RGBA(); a != 0xffff {
		t.Errorf("%s: centre has alpha %d, want opaque", name, a)
	}
}

// TestIconPNG: the app icon is a square 512×512 PNG drawn from IconSVG.
func TestIconPNG(t *testing.T) {
	checkIcon(t, "icon.png", IconPNG, 512)
	if !bytes.Contains(IconSVG, []byte("<svg")) {
		t.Error("IconSVG is not an SVG")
	}
}

// TestTrayPNG: the tray's icon is the same drawing, 64×64 (a tray library
// keeps it decoded, so not the 512 px one).
func TestTrayPNG(t *testing.T) { checkIcon(t, "tray.png", TrayPNG, 64) }

package brandlogo

import (
	"image/color"
	"math"
)

// Contrast thresholds (WCAG 2): 3:1 is what a graphic needs against what is
// around it; below 1.5:1 two colours read as one.
const (
	minGlyphContrast = 3
	minDiscContrast  = 1.5
)

// Glyph colours: white, or near-black where white would not read.
var (
	White = color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}
	Dark  = color.NRGBA{R: 0x1a, G: 0x1a, B: 0x1a, A: 0xff}
)

// Colour is the icon's brand colour.
func (ic *Icon) Colour() color.NRGBA {
	var v [3]uint8
	for i := range v {
		v[i] = hexByte(ic.Hex[2*i])<<4 | hexByte(ic.Hex[2*i+1])
	}
	return color.NRGBA{R: v[0], G: v[1], B: v[2], A: 0xff}
}

func hexByte(c byte) uint8 {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// GlyphOn is the colour to draw a logo in on a disc of colour bg: white
// unless white on bg is below 3:1, then near-black.
func GlyphOn(bg color.Color) color.NRGBA {
	if ContrastRatio(White, bg) >= minGlyphContrast {
		return White
	}
	return Dark
}

// NeedsOutline reports whether a disc of colour disc vanishes into a
// background of colour bg, so it wants an outline.
func NeedsOutline(disc, bg color.Color) bool { return ContrastRatio(disc, bg) < minDiscContrast }

// ContrastRatio is WCAG 2's (L1 + 0.05) / (L2 + 0.05), from 1 to 21.
func ContrastRatio(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// luminance is the relative luminance of an opaque sRGB colour.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		s := float64(v) / 0xffff
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

package synth

import (
	"image"
	"image/color"
	"math"
	"math/rand/v2"
)

// Shot describes how a webcam sees a phone held up to it.
type Shot struct {
	W, H  int     // frame size
	Scale float64 // phone screen width as a share of the frame width
	Tilt  float64 // perspective: how much the far edge shrinks, 0–0.4
	Turn  float64 // degrees the phone is turned in the image plane
	Blur  int     // box blur radius (focus, motion)
	Noise float64 // sensor noise, grey levels (standard deviation)
	Dx    float64 // offset of the phone from the frame centre, share of W
}

// PhoneFrame draws a webcam frame of a phone showing code on its
// screen: a dim room behind, the phone's dark body, its screen slightly
// blue and less than white (a backlit LCD seen by a camera), and the
// code with a title line above it; the phone seen in perspective, then
// blurred and noisy.
func PhoneFrame(r *rand.Rand, code image.Image, s Shot) *image.RGBA {
	cb := code.Bounds()
	// The phone's screen, upright: the code across most of its width.
	sw := cb.Dx() * 10 / 8
	sh := sw * 2
	screen := image.NewRGBA(image.Rect(0, 0, sw+sw/8, sh+sh/10))
	fill(screen, screen.Bounds(), color.RGBA{18, 18, 22, 255}) // body
	inner := image.Rect(sw/16, sh/20, sw/16+sw, sh/20+sh)
	fill(screen, inner, color.RGBA{235, 238, 245, 255})
	Text(r, screen, image.Rect(inner.Min.X+sw/10, inner.Min.Y+sh/12, inner.Max.X-sw/10, inner.Min.Y+sh/12+sw/8), color.RGBA{40, 40, 60, 255}, max(1, sw/300))
	Paste(screen, code, image.Pt(inner.Min.X+(sw-cb.Dx())/2, inner.Min.Y+(sh-cb.Dy())/2))
	// Where the phone lands in the frame.
	pw := s.Scale * float64(s.W)
	k := pw / float64(screen.Bounds().Dx())
	ph := float64(screen.Bounds().Dy()) * k
	cx, cy := float64(s.W)/2+s.Dx*float64(s.W), float64(s.H)/2
	a := s.Turn * math.Pi / 180
	in := s.Tilt * pw / 2
	quad := [4][2]float64{{-pw / 2, -ph / 2}, {pw / 2, -ph/2 + in}, {pw / 2, ph/2 - in}, {-pw / 2, ph / 2}}
	for i, p := range quad {
		quad[i] = [2]float64{p[0]*math.Cos(a) - p[1]*math.Sin(a) + cx, p[0]*math.Sin(a) + p[1]*math.Cos(a) + cy}
	}
	phone, off := Warp(screen, quad, color.RGBA{75, 70, 62, 255})
	frame := image.NewRGBA(image.Rect(0, 0, s.W, s.H))
	for y := range s.H { // a dim room: a wall fading to a desk
		t := float64(y) / float64(s.H)
		fill(frame, image.Rect(0, y, s.W, y+1), color.RGBA{lerp(90, 60, t), lerp(85, 55, t), lerp(80, 45, t), 255})
	}
	// (Warp fills the rest of the phone's bounding box with the room.)
	Paste(frame, phone, off)
	if s.Blur > 0 {
		frame = Blur(frame, s.Blur)
	}
	return Noise(r, frame, s.Noise)
}

// Noise adds Gaussian noise of standard deviation sd to every channel.
func Noise(r *rand.Rand, src *image.RGBA, sd float64) *image.RGBA {
	out := image.NewRGBA(src.Bounds())
	for i, v := range src.Pix {
		if i%4 == 3 || sd == 0 {
			out.Pix[i] = v
			continue
		}
		out.Pix[i] = uint8(max(0, min(255, math.Round(float64(v)+r.NormFloat64()*sd))))
	}
	return out
}

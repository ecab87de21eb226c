package scanner

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/nidan-auth/nidan/internal/synth"
)

var white = color.RGBA{255, 255, 255, 255}

// placed is a generated image and the texts it holds.
type placed struct {
	img   image.Image
	texts []string
}

func mustCode(t testing.TB, text string, module int) *image.RGBA {
	t.Helper()
	c, err := synth.Code(text, module, qrcode.Medium)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func jpegRoundTrip(t testing.TB, img image.Image, q int) image.Image {
	t.Helper()
	b, err := synth.JPEG(img, q)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ReadImage(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestDecode(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	text := synth.OTPAuth(r)
	text2 := synth.OTPAuth(r)
	mig := synth.Migration(r, 450)

	cases := []struct {
		name string
		make func(t *testing.T) placed
	}{
		{"clean", func(t *testing.T) placed {
			return placed{mustCode(t, text, 4), []string{text}}
		}},
		{"small code in 4K screenshot", func(t *testing.T) placed {
			s := synth.Screenshot(r, 3840, 2160, false)
			synth.Paste(s, mustCode(t, text, 4), image.Pt(2900, 1500)) // ~180 px
			return placed{s, []string{text}}
		}},
		{"dark mode", func(t *testing.T) placed {
			s := synth.Screenshot(r, 1920, 1080, true)
			synth.Paste(s, synth.Invert(mustCode(t, text, 5)), image.Pt(700, 300))
			return placed{s, []string{text}}
		}},
		{"rotated 30°", func(t *testing.T) placed {
			s := synth.Screenshot(r, 1280, 800, false)
			synth.Paste(s, synth.Rotate(mustCode(t, text, 5), 30, white), image.Pt(300, 150))
			return placed{s, []string{text}}
		}},
		{"2 px modules", func(t *testing.T) placed {
			s := synth.Screenshot(r, 1920, 1080, false)
			synth.Paste(s, mustCode(t, text, 2), image.Pt(1000, 500))
			return placed{s, []string{text}}
		}},
		{"two codes", func(t *testing.T) placed {
			s := synth.Screenshot(r, 1920, 1080, false)
			synth.Paste(s, mustCode(t, text, 4), image.Pt(200, 300))
			synth.Paste(s, mustCode(t, text2, 4), image.Pt(1200, 500))
			return placed{s, []string{text, text2}}
		}},
		{"migration export", func(t *testing.T) placed {
			return placed{mustCode(t, mig, 3), []string{mig}}
		}},
		{"low contrast", func(t *testing.T) placed {
			return placed{synth.Contrast(mustCode(t, text, 4), 110, 160), []string{text}}
		}},
		{"jpeg q40", func(t *testing.T) placed {
			s := synth.Screenshot(r, 1920, 1080, false)
			synth.Paste(s, mustCode(t, text, 3), image.Pt(900, 400))
			return placed{jpegRoundTrip(t, s, 40), []string{text}}
		}},
		{"perspective and blur", func(t *testing.T) placed {
			c := mustCode(t, text, 6)
			w := float64(c.Bounds().Dx())
			q := [4][2]float64{{20, 0}, {w - 10, 30}, {w + 10, w - 20}, {0, w}}
			p, _ := synth.Warp(c, q, white)
			s := synth.Screenshot(r, 1280, 800, false)
			synth.Paste(s, synth.Blur(p, 1), image.Pt(400, 200))
			return placed{s, []string{text}}
		}},
		{"negative", func(t *testing.T) placed {
			return placed{synth.Screenshot(r, 1920, 1080, false), nil}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.make(t)
			start := time.Now()
			rs, err := Decode(p.img)
			t.Logf("%v", time.Since(start))
			if len(p.texts) == 0 {
				if !errors.Is(err, ErrNoCode) {
					t.Fatalf("Decode = %q, %v; want ErrNoCode", Texts(rs), err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			got := Texts(rs)
			slices.Sort(got)
			want := slices.Clone(p.texts)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("Decode = %q; want %q", got, want)
			}
			for _, r := range rs {
				if !r.Bounds.Overlaps(p.img.Bounds()) {
					t.Errorf("bounds %v outside image %v", r.Bounds, p.img.Bounds())
				}
			}
		})
	}
}

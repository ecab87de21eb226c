// Command corpusgen writes the synthetic benchmark corpus for the scanner:
// one folder per category of image, and manifest.json listing each file's
// category and the texts of the codes in it. It is deterministic for a
// given -seed.
//
//	go run ./scanner/internal/corpusgen -out build/scan-corpus
//
// The corpus is a few hundred megabytes at most and is not committed;
// `make bench-scan` regenerates it.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/nidan-auth/nidan/internal/synth"
)

// Entry is one image of the corpus.
type Entry struct {
	File     string   `json:"file"`
	Category string   `json:"category"`
	Texts    []string `json:"texts"`
}

// Categories, in the order the benchmark prints them.
var Categories = []string{
	"clean", "screen-1080p", "screen-1440p", "screen-4k", "jpeg-q30-70",
	"modules-2-3px", "rotated", "perspective", "blur", "low-contrast",
	"inverted", "multi", "migration", "negative",
}

var white = color.RGBA{255, 255, 255, 255}

func main() {
	out := flag.String("out", "build/scan-corpus", "output `dir`")
	n := flag.Int("n", 16, "images per category")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	log.SetFlags(0)
	var manifest []Entry
	for ci, cat := range Categories {
		if err := os.MkdirAll(filepath.Join(*out, cat), 0o755); err != nil {
			log.Fatal(err)
		}
		for i := range *n {
			r := rand.New(rand.NewPCG(*seed, uint64(ci*1000+i)))
			img, texts, ext := make1(r, cat, i)
			name := filepath.Join(cat, fmt.Sprintf("%s-%02d.%s", cat, i, ext))
			var data []byte
			var err error
			if ext == "jpg" {
				data, err = synth.JPEG(img, 30+r.IntN(41))
			} else {
				var buf bytes.Buffer
				err = (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, img)
				data = buf.Bytes()
			}
			if err == nil {
				err = os.WriteFile(filepath.Join(*out, name), data, 0o644)
			}
			if err != nil {
				log.Fatal(err)
			}
			manifest = append(manifest, Entry{File: name, Category: cat, Texts: texts})
		}
		log.Printf("corpusgen: %s", cat)
	}
	b, err := json.MarshalIndent(manifest, "", "  ")
	if err == nil {
		err = os.WriteFile(filepath.Join(*out, "manifest.json"), b, 0o644)
	}
	if err != nil {
		log.Fatal(err)
	}
}

func code(r *rand.Rand, text string, module int) *image.RGBA {
	levels := []qrcode.RecoveryLevel{qrcode.Low, qrcode.Medium, qrcode.High}
	c, err := synth.Code(text, module, levels[r.IntN(len(levels))])
	if err != nil {
		log.Fatal(err)
	}
	return c
}

// place pastes c at a random spot of s where it fits, avoiding taken
// areas, and records the area.
func place(r *rand.Rand, s *image.RGBA, c image.Image, taken *[]image.Rectangle) {
	b := s.Bounds()
	cw, ch := c.Bounds().Dx(), c.Bounds().Dy()
	for try := 0; ; try++ {
		p := image.Pt(r.IntN(max(1, b.Dx()-cw)), r.IntN(max(1, b.Dy()-ch)))
		rect := image.Rectangle{p, p.Add(image.Pt(cw, ch))}
		ok := true
		for _, t := range *taken {
			if t.Inset(-20).Overlaps(rect) {
				ok = false
			}
		}
		if ok || try > 100 {
			synth.Paste(s, c, p)
			*taken = append(*taken, rect)
			return
		}
	}
}

func screenSize(r *rand.Rand) (int, int) {
	sizes := [][2]int{{1920, 1080}, {2560, 1440}, {1366, 768}}
	s := sizes[r.IntN(len(sizes))]
	return s[0], s[1]
}

// make1 draws image i of a category and returns it with its texts and
// the file extension to write it as.
func make1(r *rand.Rand, cat string, i int) (image.Image, []string, string) {
	text := synth.OTPAuth(r)
	one := []string{text}
	var taken []image.Rectangle
	switch cat {
	case "clean":
		return code(r, text, 3+i%6), one, "png"
	case "screen-1080p", "screen-1440p", "screen-4k":
		w, h, mod := 1920, 1080, 3+r.IntN(3)
		if cat == "screen-1440p" {
			w, h = 2560, 1440
		}
		if cat == "screen-4k" {
			w, h, mod = 3840, 2160, 4+r.IntN(3) // ~170–250 px codes
		}
		s := synth.Screenshot(r, w, h, r.IntN(4) == 0)
		place(r, s, code(r, text, mod), &taken)
		return s, one, "png"
	case "jpeg-q30-70":
		w, h := screenSize(r)
		s := synth.Screenshot(r, w, h, false)
		place(r, s, code(r, text, 3+r.IntN(4)), &taken)
		return s, one, "jpg"
	case "modules-2-3px":
		w, h := screenSize(r)
		if i%4 == 3 {
			w, h = 3840, 2160
		}
		s := synth.Screenshot(r, w, h, false)
		place(r, s, code(r, text, 2+i%2), &taken)
		return s, one, "png"
	case "rotated":
		w, h := screenSize(r)
		s := synth.Screenshot(r, w, h, false)
		deg := 5 + r.Float64()*350
		place(r, s, synth.Rotate(code(r, text, 4+r.IntN(3)), deg, white), &taken)
		return s, one, "png"
	case "perspective":
		w, h := screenSize(r)
		s := synth.Screenshot(r, w, h, false)
		c := code(r, text, 5+r.IntN(3))
		cw := float64(c.Bounds().Dx())
		j := func() float64 { return (r.Float64() - 0.5) * 0.24 * cw } // ±12 %
		q := [4][2]float64{{j(), j()}, {cw + j(), j()}, {cw + j(), cw + j()}, {j(), cw + j()}}
		for k := range q {
			q[k][0] += 0.15 * cw
			q[k][1] += 0.15 * cw
		}
		p, _ := synth.Warp(c, q, white)
		place(r, s, p, &taken)
		return s, one, "png"
	case "blur":
		w, h := screenSize(r)
		s := synth.Screenshot(r, w, h, false)
		place(r, s, code(r, text, 5+r.IntN(4)), &taken)
		return synth.Blur(s, 1+i%2), one, "png"
	case "low-contrast":
		w, h := screenSize(r)
		s := synth.Screenshot(r, w, h, false)
		lo := uint8(60 + r.IntN(80))
		place(r, s, synth.Contrast(code(r, text, 4+r.IntN(3)), lo, lo+uint8(35+r.IntN(25))), &taken)
		return s, one, "png"
	case "inverted":
		w, h := screenSize(r)
		s := synth.Screenshot(r, w, h, true)
		place(r, s, synth.Invert(code(r, text, 3+r.IntN(4))), &taken)
		return s, one, "png"
	case "multi":
		w, h := screenSize(r)
		s := synth.Screenshot(r, w, h, false)
		texts := []string{text}
		for range 1 + r.IntN(2) {
			texts = append(texts, synth.OTPAuth(r))
		}
		for _, t := range texts {
			place(r, s, code(r, t, 3+r.IntN(3)), &taken)
		}
		return s, texts, "png"
	case "migration":
		mig := synth.Migration(r, 300+r.IntN(301))
		if i%2 == 0 {
			return code(r, mig, 3+r.IntN(3)), []string{mig}, "png"
		}
		w, h := screenSize(r)
		s := synth.Screenshot(r, w, h, false)
		place(r, s, code(r, mig, 3+r.IntN(3)), &taken)
		return s, []string{mig}, "png"
	case "negative":
		w, h := screenSize(r)
		if i%4 == 3 {
			w, h = 3840, 2160
		}
		s := synth.Screenshot(r, w, h, i%3 == 0)
		if i%2 == 1 {
			return s, nil, "jpg"
		}
		return s, nil, "png"
	}
	panic("unknown category " + cat)
}

package main

import (
	"bytes"
	"errors"
	"image"
	"image/draw"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/nidan-auth/nidan/internal/synth"
	"github.com/nidan-auth/nidan/scanner"
)

// The payloads of the captured outputs in testdata: codes of several
// lines, quotes, a literal "<LF>" (what ZXingReader's one-line mode
// writes for a line feed), the same code twice, binary data with "]]>"
// (zbarimg's XML then switches to base64) and UTF-8.
var (
	multiTexts = []string{"Version 1 QR\nsecond line", "plain one", "tab\there \"quoted\" <LF> back\\slash", "Version 1 QR\nsecond line"}
	binTexts   = []string{"bin\x01\x02]]>end", "ünïcode 二段"}
	// zbarimg guesses the UTF-8 code's character set wrongly and
	// reports this instead (the same with --raw).
	zbarUnicode = "\xff\xff\x83\xff\xff\xbc\xff\xff\xbe\xff\xff\xbd\xafcode \xff\xff\xa0\xff\xff\xa7\xff\xff\xae\xff\xff\xb5"
)

var parsers = map[string]func([]byte) ([]string, error){
	"nidan": parseNidan, "zxing": parseZXing, "zbar": parseZbar,
}

func captured(t *testing.T, decoder, name string) []byte {
	t.Helper()
	ext := ".txt"
	if decoder == "zbar" {
		ext = ".xml"
	}
	b, err := os.ReadFile(filepath.Join("testdata", decoder+"-"+name+ext))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sameTexts(t *testing.T, what string, got, want []string) {
	t.Helper()
	got, want = slices.Clone(got), slices.Clone(want)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("%s: got %q, want %q", what, got, want)
	}
}

// TestParseCaptured parses outputs the three decoders printed for images
// of the payloads above (captured with the commands runAll uses).
func TestParseCaptured(t *testing.T) {
	for _, c := range []struct {
		name string
		want map[string][]string
	}{
		{"multi", map[string][]string{"nidan": multiTexts, "zxing": multiTexts, "zbar": multiTexts}},
		{"bin", map[string][]string{"nidan": binTexts, "zxing": binTexts, "zbar": {binTexts[0], zbarUnicode}}},
		{"none", map[string][]string{"nidan": nil, "zxing": nil, "zbar": nil}},
	} {
		for dec, parse := range parsers {
			got, err := parse(captured(t, dec, c.name))
			if err != nil {
				t.Errorf("%s %s: %v", dec, c.name, err)
				continue
			}
			sameTexts(t, dec+" "+c.name, got, c.want[dec])
		}
	}
}

// TestCountDistinct checks the photo count on the captured outputs: four
// codes, two of them the same text of two lines, are three distinct
// texts for every decoder (counting lines gave Nidan and zbarimg six).
func TestCountDistinct(t *testing.T) {
	for dec, parse := range parsers {
		out := captured(t, dec, "multi")
		texts, err := parse(out)
		if err != nil {
			t.Fatal(err)
		}
		if len(texts) != 4 || distinct(texts) != 3 {
			t.Errorf("%s: %d texts, %d distinct; want 4 and 3", dec, len(texts), distinct(texts))
		}
	}
	if n := distinct([]string{"a", "", "a", "b"}); n != 2 {
		t.Errorf("distinct = %d, want 2 (empty texts do not count)", n)
	}
}

func TestParseMalformed(t *testing.T) {
	for dec, out := range map[string]string{
		"nidan": "plain line, not quoted\n",
		"zxing": "Text:       \"x\"\nFormat:     QRCode\n",
		"zbar":  "<barcodes><source><index><symbol><data format='base64'>!!</data></symbol></index></source></barcodes>",
	} {
		if _, err := parsers[dec]([]byte(out)); !errors.Is(err, errOutput) {
			t.Errorf("%s: err = %v, want errOutput", dec, err)
		}
	}
	if _, err := parseZbar([]byte("<barcodes><source>")); !errors.Is(err, errOutput) {
		t.Errorf("truncated XML: err = %v, want errOutput", err)
	}
	// A payload line that looks like ZXingReader's Bytes field is not
	// taken for a code of its own.
	fake := "Text:       \"a\nBytes:      41\nb\"\nBytes:      61 0A 42 79 74 65 73 3A 20 34 31 0A 62\nBytesECI:   5D 51 32\n\n"
	more, err := parseZXing([]byte(fake))
	if err != nil || len(more) != 1 || more[0] != "a\nBytes: 41\nb" {
		t.Errorf("fake Bytes line: %q, %v", more, err)
	}
}

// TestDecodersLive runs Nidan, ZXingReader and zbarimg on freshly
// generated images of the same payloads, with the arguments the benchmark
// uses, so that a change in either tool's output form is caught.
func TestDecodersLive(t *testing.T) {
	if runtime.GOOS != "linux" {
		// The reference decoders are the Debian packages scanbench runs beside
		// Nidan; the Windows test binaries run under Wine, where they do not exist.
		t.Skip("ZXingReader and zbarimg are measured on Linux only")
	}
	for _, tool := range []string{"ZXingReader", "zbarimg"} {
		if _, err := exec.LookPath(tool); err != nil {
			if testing.Short() {
				t.Skip(tool + " not installed (scripts/deps.sh test installs it)")
			}
			t.Fatal(tool + " not installed: scripts/deps.sh test installs it (zxing-cpp-tools, zbar-tools)")
		}
	}
	dir := t.TempDir()
	for _, c := range []struct {
		name        string
		texts, zbar []string
	}{
		{"multi", multiTexts, multiTexts},
		{"bin", binTexts, []string{binTexts[0], zbarUnicode}},
	} {
		path := filepath.Join(dir, c.name+".png")
		writeCodes(t, path, c.texts)
		rs, err := scanner.DecodeFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var nidan bytes.Buffer
		if err := writeNidan(&nidan, scanner.Texts(rs)); err != nil {
			t.Fatal(err)
		}
		got, err := parseNidan(nidan.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		sameTexts(t, "nidan "+c.name, got, c.texts)
		for _, d := range []struct {
			tool  string
			args  []string
			parse func([]byte) ([]string, error)
			want  []string
		}{
			{"ZXingReader", zxingArgs(path), parseZXing, c.texts},
			{"zbarimg", zbarArgs(path), parseZbar, c.zbar},
		} {
			out, err := exec.Command(d.tool, d.args...).Output()
			if err != nil {
				t.Fatalf("%s %s: %v", d.tool, strings.Join(d.args, " "), err)
			}
			got, err := d.parse(out)
			if err != nil {
				t.Fatal(err)
			}
			sameTexts(t, d.tool+" "+c.name, got, d.want)
		}
	}
}

// writeCodes writes a PNG of the texts' codes side by side on white.
func writeCodes(t *testing.T, path string, texts []string) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40+340*len(texts), 400))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	for i, s := range texts {
		c, err := synth.Code(s, 6, qrcode.Medium)
		if err != nil {
			t.Fatal(err)
		}
		synth.Paste(img, c, image.Pt(20+i*340, 40))
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

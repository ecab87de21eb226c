package iconpack

import (
	"archive/zip"
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
)

// makePack writes a pack ZIP: pack.json plus the given files.
func makePack(t testing.TB, packJSON string, files map[string][]byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	add := func(name string, data []byte) {
		f, err := w.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		f.Write(data)
	}
	if packJSON != "" {
		add("pack.json", []byte(packJSON))
	}
	for n, d := range files {
		add(n, d)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func pngBytes(t testing.TB, c color.Color) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, 32, 32))
	for y := 0; y < 32; y++ {
		for x := 0; x < 32; x++ {
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><circle cx="12" cy="12" r="10" fill="#c00"/></svg>`

func testPack(t testing.TB) []byte {
	return makePack(t, `{"uuid":"0b3e6d0c-2f7a-4e55-9c1e-6f0d9c2b7a11","name":"Test pack","version":2,"icons":[
		{"name":"Initech","filename":"icons/initech.png","category":"Work","issuer":["initech","Initech Corp."]},
		{"name":"Blizzard","filename":"icons/blizzard.svg","category":"Gaming","issuer":["blizzard","battle.net"]},
		{"name":"Missing","filename":"icons/missing.png","issuer":["missing"]},
		{"name":"Gif","filename":"icons/x.gif","issuer":["gif"]},
		{"name":"Huge","filename":"icons/huge.png","issuer":["huge"]}]}`,
		map[string][]byte{
			"icons/initech.png":  pngBytes(t, color.NRGBA{R: 0x20, G: 0x80, B: 0x20, A: 0xff}),
			"icons/blizzard.svg": []byte(svg),
			"icons/x.gif":        []byte("GIF89a"),
			"icons/huge.png":     bytes.Repeat([]byte{1}, MaxIcon+1),
			"unlisted.txt":       []byte("ignored"),
		})
}

func TestParseAndMatch(t *testing.T) {
	p, err := Parse(testPack(t))
	if err != nil {
		t.Fatal(err)
	}
	if p.UUID != "0b3e6d0c-2f7a-4e55-9c1e-6f0d9c2b7a11" || p.Name != "Test pack" || p.Version != 2 {
		t.Fatalf("pack %+v", p)
	}
	if len(p.Icons) != 2 || p.Skipped != 3 {
		t.Fatalf("%d icons, %d skipped; want 2 and 3 (missing, gif, too large)", len(p.Icons), p.Skipped)
	}
	for issuer, want := range map[string]string{
		"Battle.net": "Blizzard", "BLIZZARD": "Blizzard", "initech corp": "Initech", "Initech": "Initech",
		"Acme": "", "": "", "Huge": "",
	} {
		ic, ok := p.Match(issuer)
		got := ""
		if ok {
			got = ic.Name
		}
		if got != want {
			t.Errorf("Match(%q) = %q, want %q", issuer, got, want)
		}
	}
	bl, _ := p.Match("blizzard")
	if bl.MIME != "image/svg+xml" || string(bl.Data) != svg {
		t.Errorf("blizzard: %s %q", bl.MIME, bl.Data)
	}
	in, _ := p.Match("initech")
	if in.MIME != "image/png" || !bytes.HasPrefix(in.Data, []byte("\x89PNG")) {
		t.Errorf("initech: %s", in.MIME)
	}
	if r := p.Search("bliz", 10); len(r) != 1 || r[0].Name != "Blizzard" {
		t.Errorf("Search(bliz) = %v", r)
	}
}

func TestParseRejects(t *testing.T) {
	for name, data := range map[string][]byte{
		"not a zip":   []byte("PK? no"),
		"no pack":     makePack(t, "", map[string][]byte{"a.png": pngBytes(t, color.Black)}),
		"bad json":    makePack(t, "{", nil),
		"no uuid":     makePack(t, `{"name":"x","icons":[{"filename":"a.svg"}]}`, map[string][]byte{"a.svg": []byte(svg)}),
		"no icons":    makePack(t, `{"uuid":"u","name":"x","icons":[]}`, nil),
		"all missing": makePack(t, `{"uuid":"u","name":"x","icons":[{"filename":"a.svg"}]}`, nil),
	} {
		_, err := Parse(data)
		if !errors.Is(err, ErrBadPack) {
			t.Errorf("%s: %v, want ErrBadPack", name, err)
		} else if !strings.Contains(err.Error(), "icon pack") {
			t.Errorf("%s: message %q does not say what", name, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(testPack(f))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(data)
		if err != nil {
			return
		}
		if p.UUID == "" || len(p.Icons) == 0 {
			t.Fatalf("accepted a pack without uuid or icons: %+v", p)
		}
		for _, ic := range p.Icons {
			if len(ic.Data) == 0 || len(ic.Data) > MaxIcon || ic.MIME == "" {
				t.Fatalf("icon %q: %d bytes, %q", ic.Name, len(ic.Data), ic.MIME)
			}
		}
	})
}

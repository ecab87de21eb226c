package brandlogo

import (
	"bytes"
	"compress/gzip"
	"errors"
	"image/color"
	"strings"
	"testing"
	"unicode/utf8"
)

// The test vectors of docs/brand-logos.md, against the committed asset.
func TestLookupRealIssuers(t *testing.T) {
	c := New()
	if err := c.Load(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ issuer, slug string }{
		{"Google", "google"},
		{"google", "google"},
		{"  GOOGLE ", "google"},
		{"google.com", "google"},
		{"https://accounts.google.com/", "google"},
		{"accounts.google.com", "google"},
		{"GitHub", "github"},
		{"github.com", "github"},
		{"www.github.com", "github"},
		{"Proton Mail", "protonmail"},
		{"ProtonMail", "protonmail"},
		{"proton-mail", "protonmail"},
		{"Steam", "steam"},
		{"store.steampowered.com", ""}, // no such name in simple-icons: no guess
		{"Discord", "discord"},
		{"Discord (work)", "discord"},
		{"discord.com", "discord"},
		{"Twitter", "x"},
		{"Battle.net", "battledotnet"},
		{"AT&T", "atandt"},
		{"C++", "cplusplus"},
		{"Dropbox", "dropbox"},
		{"me@bitwarden.com", "bitwarden"},
		{"Société Générale", ""},
		{"アメブロ", "ameba"},
		// simple-icons removed these brands at their owners' request:
		// the letter avatar is the answer.
		{"Microsoft", ""},
		{"Amazon Web Services", ""},
		{"AWS", ""},
		{"", ""},
		{"E Trade", ""}, // a one-letter word prefix must not find /e/
	} {
		ic, ok := c.Lookup(tc.issuer)
		got := ""
		if ok {
			got = ic.Slug
		}
		if got != tc.slug {
			t.Errorf("Lookup(%q) = %q, want %q", tc.issuer, got, tc.slug)
		}
	}
}

func TestAssetContents(t *testing.T) {
	c := New()
	if n := c.Len(); n < 3000 {
		t.Fatalf("%d logos, want the ~3 000 of simple-icons", n)
	}
	if v := c.Version(); v == "" {
		t.Fatal("no version")
	}
	g, ok := c.Get("github")
	if !ok || g.Title != "GitHub" || g.Hex != "181717" || !strings.HasPrefix(g.Path, "M12 .297c") {
		t.Fatalf("github = %+v", g)
	}
	svg := string(g.SVG("#ffffff"))
	if !strings.HasPrefix(svg, "<svg ") || !strings.Contains(svg, `fill="#ffffff"`) || !strings.Contains(svg, g.Path) {
		t.Fatalf("SVG: %.120s", svg)
	}
	if _, ok := c.Get("no-such-slug"); ok {
		t.Fatal("found a slug that is not there")
	}
}

func TestSearch(t *testing.T) {
	c := New()
	got := c.Search("GitHub", 10)
	if len(got) < 5 {
		t.Fatalf("%d results", len(got))
	}
	// the title equal to the query first, then names starting with it,
	// then names containing it
	if got[0].Slug != "github" {
		t.Errorf("first = %s, want github", got[0].Slug)
	}
	within := false
	for _, ic := range got[1:] {
		k := Key(ic.Title)
		switch {
		case strings.HasPrefix(k, "github") && within:
			t.Errorf("%s (%s) after a name that only contains github", ic.Slug, ic.Title)
		case !strings.HasPrefix(k, "github"):
			within = true
		}
	}
	if !within {
		t.Errorf("no name containing github found: %v", got)
	}
	if r := c.Search("twitter", 3); len(r) == 0 || r[0].Slug != "x" {
		t.Errorf("search by alias: %v", r)
	}
	if r := c.Search("  ", 10); r != nil {
		t.Errorf("empty query found %d", len(r))
	}
	if r := c.Search("mail", 1000); len(r) < 5 {
		t.Errorf("substring search found only %d", len(r))
	}
}

func gz(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

func TestParseRejects(t *testing.T) {
	for name, data := range map[string][]byte{
		"not gzip":     []byte("{}"),
		"not json":     gz(t, "{"),
		"wrong src":    gz(t, `{"source":"other","icons":[]}`),
		"no path":      gz(t, `{"source":"simple-icons","icons":[{"slug":"a","hex":"000000"}]}`),
		"dup slug":     gz(t, `{"source":"simple-icons","icons":[{"slug":"a","hex":"000000","path":"M0 0"},{"slug":"a","hex":"000000","path":"M0 0"}]}`),
		"bad colour":   gz(t, `{"source":"simple-icons","icons":[{"slug":"a","hex":"00000g","path":"M0 0"}]}`),
		"short colour": gz(t, `{"source":"simple-icons","icons":[{"slug":"a","hex":"fff","path":"M0 0"}]}`),
	} {
		_, err := Parse(data)
		if !errors.Is(err, ErrBadAsset) {
			t.Errorf("%s: err = %v, want ErrBadAsset", name, err)
		}
		c := NewFrom(data)
		if _, ok := c.Lookup("a"); ok || c.Len() != 0 {
			t.Errorf("%s: a bad asset still finds logos", name)
		}
	}
	good := gz(t, `{"source":"simple-icons","version":"1","icons":[{"slug":"acme","title":"Acme","hex":"ff0000","path":"M0 0h24v24H0z"}]}`)
	c := NewFrom(good)
	if ic, ok := c.Lookup("ACME Corp"); !ok || ic.Slug != "acme" || ic.Colour() != (color.NRGBA{R: 0xff, A: 0xff}) {
		t.Fatalf("tiny asset: %v %v", ic, ok)
	}
}

func TestKey(t *testing.T) {
	for in, want := range map[string]string{
		"Proton Mail": "protonmail", "AT&T": "atandt", "C++": "cplusplus", "Société": "societe",
		"Node.js": "nodejs", "  X ": "x", "ＧＩＴＨＵＢ": "github", "アメブロ": "アメブロ", "!!": "",
	} {
		if got := Key(in); got != want {
			t.Errorf("Key(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestContrast(t *testing.T) {
	c := New()
	for slug, want := range map[string]color.NRGBA{
		"google": White, "github": White, "steam": White, "discord": White,
		"binance": Dark, "snapchat": Dark,
	} {
		ic, ok := c.Get(slug)
		if !ok {
			t.Fatalf("no %s", slug)
		}
		if got := GlyphOn(ic.Colour()); got != want {
			t.Errorf("%s (#%s): glyph %v, want %v", slug, ic.Hex, got, want)
		}
		if r := ContrastRatio(GlyphOn(ic.Colour()), ic.Colour()); r < 3 {
			t.Errorf("%s: contrast %.2f < 3", slug, r)
		}
	}
	// Every logo gets a readable glyph: the better of white and near-black
	// is always at least 3:1 (the worst case is mid grey, about 4.6:1).
	for i := range c.asset.Icons {
		ic := &c.asset.Icons[i]
		if r := ContrastRatio(GlyphOn(ic.Colour()), ic.Colour()); r < 3 {
			t.Errorf("%s (#%s): contrast %.2f", ic.Slug, ic.Hex, r)
		}
	}
	darkBg := color.NRGBA{R: 0x17, G: 0x17, B: 0x18, A: 0xff}
	st, _ := c.Get("steam")
	if !NeedsOutline(st.Colour(), darkBg) {
		t.Error("Steam's black disc on a dark background wants an outline")
	}
	if NeedsOutline(st.Colour(), White) {
		t.Error("Steam's black disc on white needs none")
	}
}

// FuzzKey: the normaliser never panics, is idempotent, and yields only
// lower-case letters and digits.
func FuzzKey(f *testing.F) {
	for _, s := range []string{"Proton Mail", "AT&T", "https://accounts.google.com/", "Société", "C++", "a@b.c", "\xff\xfe"} {
		f.Add(s)
	}
	c := New()
	f.Fuzz(func(t *testing.T, s string) {
		k := Key(s)
		if !utf8.ValidString(k) && utf8.ValidString(s) {
			t.Fatalf("Key(%q) = %q is not UTF-8", s, k)
		}
		if Key(k) != k {
			t.Fatalf("Key not idempotent: %q → %q → %q", s, k, Key(k))
		}
		for _, r := range k {
			if r == ' ' || r == '.' || r == '&' || r == '+' {
				t.Fatalf("Key(%q) = %q keeps %q", s, k, r)
			}
		}
		if ic, ok := c.Lookup(s); ok && ic.Path == "" {
			t.Fatalf("Lookup(%q) gave an empty logo", s)
		}
		hostCandidates(s)
		wordPrefixes(s)
	})
}

package brandlogo

import (
	"strings"
	"testing"
)

func TestSpellArcs(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		// simple-icons' Discord: flags run into each other and the next number
		{"M20.317 4.3698a19.7913 19.7913 0 00-4.8851-1.5152.0741.0741 0 00-.0785.0371z",
			"M 20.317 4.3698 a 19.7913 19.7913 0 0 0 -4.8851 -1.5152 .0741 .0741 0 0 0 -.0785 .0371 z"},
		{"M0 0a1 1 0 011 1", "M 0 0 a 1 1 0 0 1 1 1"},
		{"M0 0A2,2,30,1,1,4,4", "M 0 0 A 2 2 30 1 1 4 4"},
		{"m1 1a.5.5 0 1 1 1e-2-3E+1", "m 1 1 a .5 .5 0 1 1 1e-2 -3E+1"},
		{"M1 1h2a1 1 0 10-2 0l3-4", "M 1 1 h 2 a 1 1 0 1 0 -2 0 l 3 -4"},
		// no arcs: untouched
		{"M7.46 13.779v.292h4.142Z", "M7.46 13.779v.292h4.142Z"},
	} {
		if got := spellArcs(c.in); got != c.want {
			t.Errorf("spellArcs(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

// Every arc of every logo in the asset comes out with seven numbers, its
// flags one digit each: what Fyne's rasteriser needs to draw it.
func TestSpellArcsEveryLogo(t *testing.T) {
	a, err := Parse(embedded)
	if err != nil {
		t.Fatal(err)
	}
	arcs := 0
	for i := range a.Icons {
		ic := &a.Icons[i]
		f := strings.Fields(spellArcs(ic.Path))
		for j := 0; j < len(f); j++ {
			if f[j] != "a" && f[j] != "A" {
				continue
			}
			n := j + 1
			for n < len(f) && !strings.ContainsAny(f[n][:1], "MmZzLlHhVvCcSsQqTtAa") {
				n++
			}
			args := f[j+1 : n]
			if len(args) == 0 || len(args)%7 != 0 {
				t.Fatalf("%s: arc with %d arguments: %v", ic.Slug, len(args), args)
			}
			for k := 0; k < len(args); k += 7 {
				arcs++
				for _, flag := range args[k+3 : k+5] {
					if flag != "0" && flag != "1" {
						t.Fatalf("%s: arc flag %q in %v", ic.Slug, flag, args[k:k+7])
					}
				}
			}
		}
	}
	if arcs < 1000 {
		t.Fatalf("only %d arcs in the asset: the test reads nothing", arcs)
	}
}

// FuzzSpellArcs: never panics, keeps every character but separators, is
// idempotent and at most doubles the length.
func FuzzSpellArcs(f *testing.F) {
	for _, s := range []string{"M0 0a1 1 0 011 1", "a.5.5 0 00-.0785.0371", "A1e5-1e-5 1 1 1 1 1", "a--..1e", "M1 1h2Z", "a\xff1 1"} {
		f.Add(s)
	}
	bare := func(s string) string {
		return strings.Map(func(r rune) rune {
			if strings.ContainsRune(" ,\t\n\r", r) {
				return -1
			}
			return r
		}, s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := spellArcs(s)
		if bare(out) != bare(s) {
			t.Fatalf("spellArcs(%q) = %q changed more than separators", s, out)
		}
		if len(out) > 2*len(s) {
			t.Fatalf("spellArcs(%q) is %d bytes long", s, len(out))
		}
		if strings.ContainsAny(s, "aA") && spellArcs(out) != out {
			t.Fatalf("not idempotent: %q → %q → %q", s, out, spellArcs(out))
		}
	})
}

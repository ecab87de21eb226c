package brandlogo

import (
	"math"
	"strconv"
	"strings"
	"testing"
)

func TestFlattenArcs(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		// a half circle from (0,0) to (2,0) around (1,0); sweep 1 turns
		// through (1,-1) (y grows downwards), in two quarter curves with
		// the control points 4/3·tan(π/8) ≈ 0.5523 along the tangents
		{"M0 0A1 1 0 0 1 2 0", "M 0 0 C 0 -0.5523 0.4477 -1 1 -1 C 1.5523 -1 2 -0.5523 2 0"},
		// sweep 0: through (1,1); relative, flags run together as minified
		{"M0 0a1 1 0 002 0", "M 0 0 C 0 0.5523 0.4477 1 1 1 C 1.5523 1 2 0.5523 2 0"},
		// a radius too small for the chord is scaled up: still a half circle
		{"M0 0a.5.5 0 012 0z", "M 0 0 C 0 -0.5523 0.4477 -1 1 -1 C 1.5523 -1 2 -0.5523 2 0 Z"},
		// the other commands come out absolute; H, V and repeated M pairs as
		// lines; S reflects the last control point; an arc to its own start
		// draws nothing, one of radius 0 is a line
		{"m1 1 2 0h1v1c1 0 1 1 1 1s1 1 2 0a1 1 0 0 1 0 0a0 1 0 0 1 1 1",
			"M 1 1 L 3 1 L 4 1 L 4 2 C 5 2 5 3 5 3 C 5 3 6 4 7 3 L 8 4"},
		// no arcs, or not path data: untouched
		{"M7.46 13.779v.292h4.142Z", "M7.46 13.779v.292h4.142Z"},
		{"M0 0a1 1 0 0 1", "M0 0a1 1 0 0 1"},
		{"a1 1 0 0 1 2 0", "a1 1 0 0 1 2 0"},
		{"M0 0a1 1 0 2 1 2 0", "M0 0a1 1 0 2 1 2 0"},
	} {
		if got := flattenArcs(c.in); got != c.want {
			t.Errorf("flattenArcs(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

// Every logo of the asset with arcs comes out without them, each subpath
// starting and ending where the published path's does.
func TestFlattenArcsEveryLogo(t *testing.T) {
	a, err := Parse(embedded)
	if err != nil {
		t.Fatal(err)
	}
	arcs := 0
	for i := range a.Icons {
		ic := &a.Icons[i]
		if !strings.ContainsAny(ic.Path, "aA") {
			continue
		}
		arcs++
		out := flattenArcs(ic.Path)
		if strings.ContainsAny(out, "aA") {
			t.Fatalf("%s keeps arcs: %.200s", ic.Slug, out)
		}
		want, ok := endPoints(t, ic.Path)
		got, ok2 := endPoints(t, out)
		if !ok || !ok2 || len(got) != len(want) {
			t.Fatalf("%s: %d end points, want %d", ic.Slug, len(got), len(want))
		}
		for j := range want {
			if math.Abs(got[j][0]-want[j][0]) > 1e-3 || math.Abs(got[j][1]-want[j][1]) > 1e-3 {
				t.Fatalf("%s: command %d ends at %v, the published path at %v", ic.Slug, j, got[j], want[j])
			}
		}
	}
	if arcs < 1000 {
		t.Fatalf("only %d logos with arcs: the test reads nothing", arcs)
	}
}

// endPoints follows a path and lists where the pen is at each moveto and
// close and at the end: the same in a path and its flattened form, since
// only the commands between them change.
func endPoints(t *testing.T, d string) ([][2]float64, bool) {
	t.Helper()
	cmds, ok := parsePath(d)
	if !ok {
		return nil, false
	}
	var out [][2]float64
	var x, y, sx, sy float64
	for _, c := range cmds {
		key := upper(c.key)
		n := argCounts[key]
		if key == 'M' || key == 'Z' {
			out = append(out, [2]float64{x, y})
		}
		if key == 'Z' {
			x, y = sx, sy
			continue
		}
		for i := 0; i+n <= len(c.args); i += n {
			a := c.args[i : i+n]
			ox, oy := 0.0, 0.0
			if c.key != key {
				ox, oy = x, y
			}
			switch key {
			case 'H':
				x = a[0] + ox
			case 'V':
				y = a[0] + oy
			default:
				x, y = a[n-2]+ox, a[n-1]+oy
			}
			if key == 'M' && i == 0 {
				sx, sy = x, y
			}
		}
	}
	return append(out, [2]float64{x, y}), true
}

// FuzzFlattenArcs: never panics; what it returns is the input itself or a
// path of absolute M, L, C, Q and Z with finite numbers that reads back.
func FuzzFlattenArcs(f *testing.F) {
	for _, s := range []string{"M0 0a1 1 0 011 1", "M1 1a.5.5 0 00-.0785.0371z", "M0 0A1e5-1e-5 1 1 1 1 1", "a--..1e", "M1 1h2Z", "M0 0a\xff1 1", "M0 0s1 1 2 2t3 3q1 1 2 2a3 3 45 1 0 9 9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := flattenArcs(s)
		if out == s {
			return
		}
		if _, ok := parsePath(out); !ok {
			t.Fatalf("flattenArcs(%q) = %q does not parse", s, out)
		}
		for _, tok := range strings.Fields(out) {
			if len(tok) == 1 && strings.Contains("MLCQZ", tok) {
				continue
			}
			v, err := strconv.ParseFloat(tok, 64)
			if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
				t.Fatalf("flattenArcs(%q) wrote %q", s, tok)
			}
		}
		if flattenArcs(out) != out {
			t.Fatalf("flattenArcs(%q) = %q has arcs left", s, out)
		}
	})
}

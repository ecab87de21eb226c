package brandlogo

import (
	"math"
	"strconv"
	"strings"
)

// flattenArcs rewrites an SVG path's data without elliptical arcs: each arc
// becomes the cubic Bézier curves that trace it, every command absolute.
// The SVG rasteriser Fyne uses gets arcs wrong twice over: it reads
// simple-icons' minified flags ("a.077.077 0 00-.0785-.037") as one number
// and draws nothing, and arcs it does read it often draws on the wrong
// centre (Discord's logo came out a white blob). 404 of the 3 259 logos
// have arcs. Paths without arcs, and paths that do not parse, are returned
// as they are: a damaged path stays as damaged as it was.
func flattenArcs(d string) string {
	if !strings.ContainsAny(d, "aA") {
		return d
	}
	cmds, ok := parsePath(d)
	if !ok {
		return d
	}
	var p pathWriter
	p.b.Grow(2 * len(d))
	for _, c := range cmds {
		if !p.command(c) || p.bad {
			return d
		}
	}
	return p.b.String()
}

// pathCommand is one command letter and all the numbers that follow it.
type pathCommand struct {
	key  byte
	args []float64
}

// argCounts is how many numbers one repetition of each command takes.
var argCounts = map[byte]int{'M': 2, 'L': 2, 'T': 2, 'H': 1, 'V': 1, 'C': 6, 'S': 4, 'Q': 4, 'A': 7, 'Z': 0}

// parsePath reads path data by the SVG grammar: a command letter, then
// numbers (sign, digits, one point, exponent) split by spaces, commas or by
// a character that cannot continue the number; an arc's two flags are one
// digit each and need no separator.
func parsePath(d string) ([]pathCommand, bool) {
	var out []pathCommand
	for i := 0; i < len(d); {
		c := d[i]
		switch {
		case c == ' ' || c == ',' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			i++
		case argCounts[upper(c)] > 0 || upper(c) == 'Z':
			out = append(out, pathCommand{key: c})
			i++
		case len(out) == 0:
			return nil, false // numbers before any command
		default:
			cur := &out[len(out)-1]
			if upper(cur.key) == 'A' {
				if k := len(cur.args) % 7; k == 3 || k == 4 {
					if c != '0' && c != '1' {
						return nil, false // a flag is 0 or 1
					}
					cur.args = append(cur.args, float64(c-'0'))
					i++
					continue
				}
			}
			n := numberEnd(d, i)
			if n == i {
				return nil, false
			}
			f, err := strconv.ParseFloat(d[i:n], 64)
			if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
				return nil, false
			}
			cur.args = append(cur.args, f)
			i = n
		}
	}
	if len(out) == 0 || upper(out[0].key) != 'M' {
		return nil, false // path data starts with a moveto
	}
	for _, c := range out {
		n := argCounts[upper(c.key)]
		if (n == 0 && len(c.args) > 0) || (n > 0 && (len(c.args) == 0 || len(c.args)%n != 0)) {
			return nil, false
		}
	}
	return out, true
}

func upper(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

// numberEnd is where the number starting at d[i] ends: an optional sign,
// digits with at most one point, an optional exponent.
func numberEnd(d string, i int) int {
	j := i
	if j < len(d) && (d[j] == '-' || d[j] == '+') {
		j++
	}
	digits, point := 0, false
	for ; j < len(d); j++ {
		if c := d[j]; c >= '0' && c <= '9' {
			digits++
		} else if c == '.' && !point {
			point = true
		} else {
			break
		}
	}
	if digits == 0 {
		return i
	}
	if j < len(d) && (d[j] == 'e' || d[j] == 'E') {
		k := j + 1
		if k < len(d) && (d[k] == '-' || d[k] == '+') {
			k++
		}
		if k < len(d) && d[k] >= '0' && d[k] <= '9' {
			for k < len(d) && d[k] >= '0' && d[k] <= '9' {
				k++
			}
			j = k
		}
	}
	return j
}

// pathWriter writes commands back out as absolute M, L, C, Q and Z,
// keeping the current point, the subpath's start and the last control
// point (for S and T, which reflect it).
type pathWriter struct {
	b              strings.Builder
	x, y           float64 // current point
	sx, sy         float64 // start of the subpath
	cx, cy         float64 // last control point of a C/S or Q/T
	lastCubic      bool
	lastQuadratic  bool
	wroteSomething bool
	bad            bool // a number overflowed: keep the path as published
}

func (p *pathWriter) emit(key byte, nums ...float64) {
	if p.wroteSomething {
		p.b.WriteByte(' ')
	}
	p.wroteSomething = true
	p.b.WriteByte(key)
	for _, v := range nums {
		if v = math.Round(v*1e4) / 1e4; math.IsInf(v, 0) || math.IsNaN(v) {
			p.bad = true
			return
		}
		if v == 0 {
			v = 0 // not "-0"
		}
		p.b.WriteByte(' ')
		p.b.WriteString(strconv.FormatFloat(v, 'f', -1, 64))
	}
}

// command writes one command with all its repetitions.
func (p *pathWriter) command(c pathCommand) bool {
	key := upper(c.key)
	rel := c.key != key
	n := argCounts[key]
	if key == 'Z' {
		p.emit('Z')
		p.x, p.y = p.sx, p.sy
		p.lastCubic, p.lastQuadratic = false, false
		return true
	}
	for i := 0; i+n <= len(c.args); i += n {
		a := append([]float64(nil), c.args[i:i+n]...)
		ox, oy := 0.0, 0.0
		if rel {
			ox, oy = p.x, p.y
		}
		cubic, quadratic := false, false
		switch key {
		case 'M':
			x, y := a[0]+ox, a[1]+oy
			if i == 0 {
				p.emit('M', x, y)
				p.sx, p.sy = x, y
			} else { // further pairs after a moveto are lines
				p.emit('L', x, y)
			}
			p.x, p.y = x, y
		case 'L':
			p.x, p.y = a[0]+ox, a[1]+oy
			p.emit('L', p.x, p.y)
		case 'H':
			p.x = a[0] + ox
			p.emit('L', p.x, p.y)
		case 'V':
			p.y = a[0] + oy
			p.emit('L', p.x, p.y)
		case 'C':
			p.curve(a[0]+ox, a[1]+oy, a[2]+ox, a[3]+oy, a[4]+ox, a[5]+oy)
			cubic = true
		case 'S':
			x1, y1 := p.reflect(p.lastCubic)
			p.curve(x1, y1, a[0]+ox, a[1]+oy, a[2]+ox, a[3]+oy)
			cubic = true
		case 'Q':
			p.quad(a[0]+ox, a[1]+oy, a[2]+ox, a[3]+oy)
			quadratic = true
		case 'T':
			x1, y1 := p.reflect(p.lastQuadratic)
			p.quad(x1, y1, a[0]+ox, a[1]+oy)
			quadratic = true
		case 'A':
			p.arc(a[0], a[1], a[2], a[3] != 0, a[4] != 0, a[5]+ox, a[6]+oy)
		default:
			return false
		}
		p.lastCubic, p.lastQuadratic = cubic, quadratic
	}
	return true
}

// reflect is the first control point of an S or T: the last one mirrored
// through the current point if the command before was of its kind, else
// the current point.
func (p *pathWriter) reflect(same bool) (float64, float64) {
	if !same {
		return p.x, p.y
	}
	return 2*p.x - p.cx, 2*p.y - p.cy
}

func (p *pathWriter) curve(x1, y1, x2, y2, x, y float64) {
	p.emit('C', x1, y1, x2, y2, x, y)
	p.cx, p.cy, p.x, p.y = x2, y2, x, y
}

func (p *pathWriter) quad(x1, y1, x, y float64) {
	p.emit('Q', x1, y1, x, y)
	p.cx, p.cy, p.x, p.y = x1, y1, x, y
}

// arc draws an elliptical arc from the current point to x, y as cubic
// curves of at most a quarter turn each, after the endpoint-to-centre
// conversion of the SVG specification (implementation notes, F.6.5 and
// F.6.6: out-of-range radii are scaled up until the arc fits).
func (p *pathWriter) arc(rx, ry, angle float64, large, sweep bool, x, y float64) {
	x1, y1 := p.x, p.y
	if x1 == x && y1 == y {
		return // an arc to where it starts draws nothing
	}
	rx, ry = math.Abs(rx), math.Abs(ry)
	if rx == 0 || ry == 0 {
		p.x, p.y = x, y
		p.emit('L', x, y)
		return
	}
	phi := angle * math.Pi / 180
	cos, sin := math.Cos(phi), math.Sin(phi)
	dx, dy := (x1-x)/2, (y1-y)/2
	x1p, y1p := cos*dx+sin*dy, -sin*dx+cos*dy
	if l := x1p*x1p/(rx*rx) + y1p*y1p/(ry*ry); l > 1 {
		rx, ry = rx*math.Sqrt(l), ry*math.Sqrt(l)
	}
	num := rx*rx*ry*ry - rx*rx*y1p*y1p - ry*ry*x1p*x1p
	den := rx*rx*y1p*y1p + ry*ry*x1p*x1p
	coef := math.Sqrt(max(0, num/den))
	if large == sweep {
		coef = -coef
	}
	cxp, cyp := coef*rx*y1p/ry, -coef*ry*x1p/rx
	cx := cos*cxp - sin*cyp + (x1+x)/2
	cy := sin*cxp + cos*cyp + (y1+y)/2
	ux, uy := (x1p-cxp)/rx, (y1p-cyp)/ry
	vx, vy := (-x1p-cxp)/rx, (-y1p-cyp)/ry
	theta := math.Atan2(uy, ux)
	delta := math.Atan2(ux*vy-uy*vx, ux*vx+uy*vy)
	if !sweep && delta > 0 {
		delta -= 2 * math.Pi
	} else if sweep && delta < 0 {
		delta += 2 * math.Pi
	}
	segs := int(math.Ceil(math.Abs(delta) / (math.Pi / 2)))
	step := delta / float64(segs)
	k := 4.0 / 3 * math.Tan(step/4)
	point := func(t float64) (float64, float64) {
		ex, ey := rx*math.Cos(t), ry*math.Sin(t)
		return cos*ex - sin*ey + cx, sin*ex + cos*ey + cy
	}
	tangent := func(t float64) (float64, float64) {
		ex, ey := -rx*math.Sin(t), ry*math.Cos(t)
		return cos*ex - sin*ey, sin*ex + cos*ey
	}
	for i := range segs {
		t1, t2 := theta+float64(i)*step, theta+float64(i+1)*step
		ax, ay := point(t1)
		bx, by := point(t2)
		if i == segs-1 {
			bx, by = x, y // land exactly on the end point
		}
		d1x, d1y := tangent(t1)
		d2x, d2y := tangent(t2)
		p.curve(ax+k*d1x, ay+k*d1y, bx-k*d2x, by-k*d2y, bx, by)
	}
}

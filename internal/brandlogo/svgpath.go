package brandlogo

import (
	"strings"
	"unicode/utf8"
)

// spellArcs rewrites an SVG path's data so that every number stands apart,
// separated by a space. simple-icons minifies its paths the way SVG allows
// ("a.077.077 0 00-.0785-.037": the two arc flags run into each other and
// into the next number), and the SVG rasteriser Fyne uses reads "00-.0785"
// as one number, finds too few arc arguments and draws nothing: 404 of the
// 3 259 logos, Discord and Docker among them, were empty discs. Paths
// without arcs are returned as they are.
//
// The reading follows the SVG path grammar: a command letter, then numbers
// (sign, digits, point, digits, exponent); a number ends where a character
// that cannot continue it starts, a second point starts the next number;
// the 4th and 5th argument of each arc are flags of one digit each. Text
// that is not path data is kept, so a damaged path stays as damaged as it
// was and is never made longer than twice its length.
func spellArcs(d string) string {
	if !strings.ContainsAny(d, "aA") {
		return d
	}
	var b strings.Builder
	b.Grow(len(d) + len(d)/2)
	arc := false // inside an arc command's arguments
	arg := 0     // the argument's index in its group of seven
	sep := func() {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
	}
	for i := 0; i < len(d); {
		c := d[i]
		switch {
		case c == ' ' || c == ',' || c == '\t' || c == '\n' || c == '\r':
			i++
		case arc && (arg%7 == 3 || arg%7 == 4) && (c == '0' || c == '1'):
			sep()
			b.WriteByte(c)
			arg++
			i++
		case c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9'):
			n := numberEnd(d, i)
			if n == i { // a lone sign or point: keep it, as the rasteriser would see it
				n = i + 1
			}
			sep()
			b.WriteString(d[i:n])
			arg++
			i = n
		default: // a command letter, or anything else kept whole
			_, n := utf8.DecodeRuneInString(d[i:])
			sep()
			b.WriteString(d[i : i+n])
			arc = c == 'a' || c == 'A'
			arg = 0
			i += n
		}
	}
	return b.String()
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

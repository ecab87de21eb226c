// Package linebreak breaks text into lines that fit a width, by the rules
// Japanese text is set by, so that the desktop app can wrap its labels in
// Japanese as a reader expects (the toolkit either breaks only at spaces,
// which Japanese has none of, or between any two characters).
//
// The rules (a simplified JIS X 4051):
//   - kinsoku: a line never starts with closing punctuation (、。」』）…),
//     a small kana (ゃ ッ …), the long-vowel mark ー or an iteration mark,
//     and never ends with an opening bracket (「『（…);
//   - a run of katakana (a loanword: バックアップ), a run of kanji (a
//     compound: 復元, 管理画面) and a Latin word are kept whole unless the
//     run alone is wider than the line, then broken between characters,
//     the kinsoku rules still kept where the width allows;
//   - elsewhere a line may break between any two Japanese characters, and
//     at spaces, which are dropped at the break;
//   - a newline in the text is a forced break.
//
// Width is measured by a function the caller gives (the app passes
// fyne.MeasureText), over whole candidate lines, so kerning and the font's
// real advances count.
package linebreak

import (
	"strings"
	"unicode"
)

// Wrap returns the lines of text, each no wider than max as measure
// reports it, unless a single character is wider than max on its own.
// Spaces at a break are dropped; no other character is added or lost.
func Wrap(text string, max float32, measure func(string) float32) []string {
	var out []string
	for _, para := range strings.Split(text, "\n") {
		out = append(out, wrapParagraph(para, max, measure)...)
	}
	return out
}

// class is what a character is for breaking.
type class int

const (
	other    class = iota // a character that may break on either side (kana, CJK punctuation)
	space                 // a break opportunity, dropped at the break
	latin                 // letters, digits, ASCII punctuation: runs are words
	katakana              // runs are loanwords
	han                   // runs are compounds
)

func classOf(r rune) class {
	switch {
	case unicode.IsSpace(r):
		return space
	case r == 'ー' || r == 'ｰ':
		return katakana // the long-vowel mark belongs to the word it lengthens
	case unicode.Is(unicode.Katakana, r) && r != '・':
		return katakana
	case unicode.Is(unicode.Han, r) || r == '々' || r == '〆' || r == 'ヶ':
		return han
	case unicode.Is(unicode.Hiragana, r):
		return other
	case r >= 0x3000 && r <= 0x303F, r >= 0xFF00 && r <= 0xFFEF, r >= 0x2E80 && r <= 0x9FFF:
		return other // CJK punctuation, fullwidth forms
	}
	return latin
}

// noStart are characters a line must not start with.
const noStart = "、。，．,.:;!?)]}」』）］｝〕〉》】〙〗〟’”｠»" +
	"ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ" +
	"ーｰ・：；！？ゝゞヽヾ々〻‐゠–〜～…‥"

// noEnd are characters a line must not end with.
const noEnd = "([{「『（［｛〔〈《【〘〖〝‘“｟«"

func isNoStart(r rune) bool { return strings.ContainsRune(noStart, r) }
func isNoEnd(r rune) bool   { return strings.ContainsRune(noEnd, r) }

// unit is a piece a line breaks around, not inside (unless it alone is too
// wide); a space unit is where a break may drop spaces.
type unit struct {
	text  string
	space bool
}

// units splits a paragraph into units: runs of one kind for words, single
// characters elsewhere, then glues each no-start character to the unit
// before it and each no-end character to the unit after it.
func units(para string) []unit {
	var raw []unit
	var cur strings.Builder
	curClass := class(-1)
	flush := func() {
		if cur.Len() > 0 {
			raw = append(raw, unit{text: cur.String(), space: curClass == space})
			cur.Reset()
		}
	}
	for _, r := range para {
		c := classOf(r)
		if c != curClass || c == other {
			flush()
		}
		cur.WriteRune(r)
		curClass = c
	}
	flush()

	var out []unit
	glueNext := false // the last unit ends with a no-end character
	for _, u := range raw {
		first := []rune(u.text)[0]
		switch {
		case len(out) > 0 && glueNext && !u.space:
			out[len(out)-1].text += u.text
		case len(out) > 0 && !out[len(out)-1].space && !u.space && isNoStart(first):
			out[len(out)-1].text += u.text
		default:
			out = append(out, u)
		}
		last := out[len(out)-1]
		r := []rune(last.text)
		glueNext = !last.space && isNoEnd(r[len(r)-1])
	}
	return out
}

func wrapParagraph(para string, max float32, measure func(string) float32) []string {
	var lines []string
	var line strings.Builder
	pending := "" // spaces between the line so far and the next unit
	emit := func() {
		lines = append(lines, line.String())
		line.Reset()
		pending = ""
	}
	for _, u := range units(para) {
		if u.space {
			if line.Len() > 0 {
				pending += u.text
			}
			continue
		}
		if line.Len() > 0 {
			if measure(line.String()+pending+u.text) <= max {
				line.WriteString(pending + u.text)
				pending = ""
				continue
			}
			emit()
		}
		if measure(u.text) <= max {
			line.WriteString(u.text)
			continue
		}
		// Wider than a line on its own: break it between characters.
		pieces := splitRunes(u.text, max, measure)
		lines = append(lines, pieces[:len(pieces)-1]...)
		line.WriteString(pieces[len(pieces)-1])
	}
	if line.Len() > 0 || len(lines) == 0 {
		emit()
	}
	return lines
}

// splitRunes breaks one over-wide unit into pieces that fit, moving a
// break back by a character when it would start a piece with a no-start
// character or end one with a no-end character, as long as the piece
// keeps at least one character.
func splitRunes(s string, max float32, measure func(string) float32) []string {
	rs := []rune(s)
	var out []string
	for len(rs) > 0 {
		n := 1
		for n < len(rs) && measure(string(rs[:n+1])) <= max {
			n++
		}
		if n < len(rs) {
			for k := n; k > 1; k-- {
				if !isNoStart(rs[k]) && !isNoEnd(rs[k-1]) {
					n = k
					break
				}
			}
		}
		out = append(out, string(rs[:n]))
		rs = rs[n:]
	}
	return out
}

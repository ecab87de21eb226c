package linebreak

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// cells measures as a terminal does: a CJK character is two cells, anything
// else one. Close enough to a proportional font for the rules to show, and
// exact, so the tests can say where each break must fall.
func cells(s string) float32 {
	var w float32
	for _, r := range s {
		if r >= 0x2E80 {
			w += 2
		} else {
			w++
		}
	}
	return w
}

func TestWrap(t *testing.T) {
	for _, c := range []struct {
		name  string
		text  string
		width float32
		want  []string
	}{
		// The issue's examples: 。 and ー never start a line, a katakana
		// word and a kanji compound are not split.
		{"period stays", "バックアップを保存しました。", 26, []string{"バックアップを保存しまし", "た。"}},
		{"long vowel stays", "サーバー", 6, []string{"サー", "バー"}}, // only when the word is wider than the line
		{"katakana word whole", "2段階認証を有効にするときにウェブサイトが表示する", 30, []string{"2段階認証を有効にするときに", "ウェブサイトが表示する"}},
		{"backup whole", "自動バックアップはまだありません。", 14, []string{"自動", "バックアップは", "まだありませ", "ん。"}},
		{"compound whole", "ファイルから復元する", 14, []string{"ファイルから", "復元する"}},
		{"opening bracket moves", "設定の「バックアップ」を開く", 16, []string{"設定の", "「バックアップ」", "を開く"}},
		{"small kana stays", "ちょっと待って", 6, []string{"ちょっ", "と待っ", "て"}},
		{"latin word whole", "Nidanは2段階認証のアプリ", 14, []string{"Nidanは2", "段階認証の", "アプリ"}},
		{"english words", "Add the QR code or key", 10, []string{"Add the QR", "code or", "key"}},
		{"newline kept", "一行目\n二行目", 40, []string{"一行目", "二行目"}},
		{"empty", "", 10, []string{""}},
		{"word wider than a line", "バックアップ", 5, []string{"バッ", "クア", "ップ"}},
		{"url wider than a line", "https://example.com/x", 8, []string{"https://", "example.", "com/x"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := Wrap(c.text, c.width, cells)
			if !slices.Equal(got, c.want) {
				t.Fatalf("Wrap(%q, %v) = %q, want %q", c.text, c.width, got, c.want)
			}
			check(t, c.text, c.width, got)
		})
	}
}

// The issue's bad breaks, in the strings the app shows, at the widths of a
// narrow window: no line starts with 。 or ー, and バックアップ, ウェブサイト
// and 復元 are never split.
func TestIssueStrings(t *testing.T) {
	texts := []string{
		"2段階認証を有効にするときにウェブサイトが表示するQRコードかキーを追加してください。",
		"Nidanは、2段階認証でサインインするときにウェブサイトが求める6桁のコードを表示します。",
		"バックアップはバックアップ用パスワードで暗号化されます。このコンピューター以外の場所にも保存してください。",
		"ファイルから復元するか、バックアップから復元してください。サーバー管理画面を追加しました。",
	}
	for _, text := range texts {
		for w := float32(16); w <= 60; w++ {
			lines := Wrap(text, w, cells)
			check(t, text, w, lines)
			for i, l := range lines {
				if strings.HasPrefix(l, "。") || strings.HasPrefix(l, "ー") || strings.HasPrefix(l, "、") {
					t.Errorf("width %v: line %d starts with %q: %q", w, i, []rune(l)[0], lines)
				}
			}
			joined := strings.Join(lines, "|")
			for _, word := range []string{"バックアップ", "ウェブサイト", "復元", "サーバー", "コンピューター"} {
				if strings.Count(joined, word) != strings.Count(text, word) {
					t.Errorf("width %v: %s split: %q", w, word, lines)
				}
			}
		}
	}
}

// check holds for every wrap: nothing but spaces at the breaks is lost or
// added, each line fits (or is one character), and where the width leaves
// room, no line starts with a no-start character or ends with a no-end one.
func check(t *testing.T, text string, width float32, lines []string) {
	t.Helper()
	strip := func(s string) string {
		return strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) {
				return -1
			}
			return r
		}, s)
	}
	if got, want := strip(strings.Join(lines, "")), strip(text); got != want {
		t.Fatalf("Wrap(%q, %v) lost or added text: %q", text, width, lines)
	}
	for i, l := range lines {
		if cells(l) > width && utf8.RuneCountInString(l) > 1 {
			t.Fatalf("Wrap(%q, %v): line %d %q is %v wide", text, width, i, l, cells(l))
		}
		if l != strings.TrimSpace(l) && strings.TrimSpace(l) != "" {
			t.Fatalf("Wrap(%q, %v): line %d %q has spaces at its ends", text, width, i, l)
		}
	}
	if width < 8 {
		return
	}
	var again []string
	for _, para := range strings.Split(text, "\n") {
		pl := Wrap(para, width, cells)
		again = append(again, pl...)
		if crowded(para) {
			continue
		}
		for i, l := range pl {
			rs := []rune(l)
			if len(rs) == 0 {
				continue
			}
			if i > 0 && isNoStart(rs[0]) {
				t.Fatalf("Wrap(%q, %v): line %d starts with %q: %q", para, width, i, rs[0], pl)
			}
			if i < len(pl)-1 && isNoEnd(rs[len(rs)-1]) {
				t.Fatalf("Wrap(%q, %v): line %d ends with %q: %q", para, width, i, rs[len(rs)-1], pl)
			}
		}
	}
	if !slices.Equal(again, lines) {
		t.Fatalf("Wrap(%q, %v) = %q, but its paragraphs wrap to %q", text, width, lines, again)
	}
}

// crowded reports text where the rules cannot always be kept: two kinsoku
// characters (or one and a space) in a row.
func crowded(text string) bool {
	rs := []rune(text)
	k := func(r rune) bool { return isNoStart(r) || isNoEnd(r) || unicode.IsSpace(r) }
	for i := 1; i < len(rs); i++ {
		if k(rs[i]) && k(rs[i-1]) {
			return true
		}
	}
	return false
}

func FuzzWrap(f *testing.F) {
	f.Add("バックアップを保存しました。", float32(26))
	f.Add("設定の「バックアップ」を開く", float32(16))
	f.Add("Add the QR code or key a website shows", float32(12))
	f.Add("ちょっと待って\nサーバー管理画面を追加しました。", float32(9))
	f.Add("", float32(1))
	f.Fuzz(func(t *testing.T, text string, width float32) {
		// Bounded: a wrap measures each candidate line whole, so its cost
		// grows with the line length times the text length.
		if !utf8.ValidString(text) || width != width || width < 1 || width > 200 || len(text) > 600 {
			return
		}
		check(t, text, width, Wrap(text, width, cells))
	})
}

func BenchmarkWrap(b *testing.B) {
	text := "バックアップはバックアップ用パスワードで暗号化されます。このコンピューター以外の場所にも保存してください。"
	for b.Loop() {
		Wrap(text, 40, cells)
	}
}

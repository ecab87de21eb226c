package brandlogo

import (
	"net/url"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Key normalises a brand name or an issuer for matching
// (docs/brand-logos.md, "Looking a logo up by issuer"): accents and case
// folded, "+" and "&" spelled out, everything but letters and digits
// dropped.
func Key(s string) string {
	if k, ok := asciiKey(s); ok {
		return k
	}
	// Invalid bytes go first: the normaliser passes them through and then
	// leaves the letters after them composed, so a second Key would differ.
	s = strings.ToValidUTF8(s, "")
	var b strings.Builder
	b.Grow(len(s))
	latin := false // the last letter kept was a Latin one
	for _, r := range norm.NFKD.String(s) {
		switch {
		case r == '+':
			b.WriteString("plus")
			latin = true // a mark after the spelled-out word goes as after its letters
		case r == '&':
			b.WriteString("and")
			latin = true
		case unicode.Is(unicode.Mn, r):
			// A combining mark left by NFKD: dropped after a Latin
			// letter (é → e), kept elsewhere, where it is part of the
			// letter (the dakuten of ブ).
			if !latin && b.Len() > 0 {
				b.WriteRune(r)
			}
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			latin = unicode.Is(unicode.Latin, r)
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return norm.NFC.String(b.String())
}

// publicLabels are top-level and common second-level domain labels: the
// part of a host name that says nothing about the brand.
var publicLabels = map[string]bool{
	"com": true, "net": true, "org": true, "io": true, "co": true, "app": true, "dev": true,
	"me": true, "ai": true, "gg": true, "tv": true, "info": true, "biz": true, "xyz": true,
	"cloud": true, "edu": true, "gov": true, "ac": true, "ne": true, "or": true, "so": true,
	"uk": true, "us": true, "eu": true, "de": true, "fr": true, "jp": true, "cn": true, "ca": true,
	"au": true, "nl": true, "it": true, "es": true, "ch": true, "se": true, "no": true, "fi": true,
	"dk": true, "pl": true, "ru": true, "br": true, "in": true, "kr": true, "tw": true, "hk": true,
	"be": true, "at": true, "cz": true, "nz": true, "sg": true, "ie": true, "pt": true, "mx": true,
}

// hostCandidates are the keys to try for an issuer that looks like a
// domain, a URL or an e-mail address, best first; nil for anything else.
func hostCandidates(issuer string) []string {
	s := strings.TrimSpace(issuer)
	if strings.ContainsAny(s, " \t") || !strings.Contains(s, ".") {
		return nil
	}
	if strings.Contains(s, "://") {
		u, err := url.Parse(s)
		if err != nil || u.Hostname() == "" {
			return nil
		}
		s = u.Hostname()
	} else {
		if i := strings.LastIndexByte(s, '@'); i >= 0 {
			s = s[i+1:]
		}
		if i := strings.IndexAny(s, "/:?#"); i >= 0 {
			s = s[:i]
		}
	}
	labels := strings.Split(strings.ToLower(strings.Trim(s, ".")), ".")
	if len(labels) < 2 {
		return nil
	}
	if labels[0] == "www" {
		labels = labels[1:]
	}
	for len(labels) > 1 && publicLabels[labels[len(labels)-1]] {
		labels = labels[:len(labels)-1]
	}
	var out []string
	if len(labels) > 1 {
		out = append(out, Key(strings.Join(labels, "")))
	}
	for i := len(labels) - 1; i >= 0; i-- {
		if k := Key(labels[i]); k != "" {
			out = append(out, k)
		}
	}
	return out
}

// wordPrefixes are the keys of the issuer's leading words, longest first,
// without the whole issuer (tried before) and without keys shorter than 3
// characters, which would match too much ("E Trade" is not "/e/").
func wordPrefixes(issuer string) []string {
	words := strings.FieldsFunc(issuer, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune("-_:;,()[]{}/|·–—", r)
	})
	var out []string
	for n := len(words) - 1; n >= 1; n-- {
		if k := Key(strings.Join(words[:n], "")); len(k) >= 3 {
			out = append(out, k)
		}
	}
	return out
}

// asciiKey is Key for the common all-ASCII name, without the Unicode
// normalisation passes (most of Key's cost, paid for every title and alias
// when the catalogue loads).
func asciiKey(s string) (string, bool) {
	b := make([]byte, 0, len(s)+8)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 0x80:
			return "", false
		case c == '+':
			b = append(b, "plus"...)
		case c == '&':
			b = append(b, "and"...)
		case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
			b = append(b, c)
		case 'A' <= c && c <= 'Z':
			b = append(b, c+'a'-'A')
		}
	}
	return string(b), true
}

package formats

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/nidan-auth/nidan/accounts"
)

// Text exports: one URI per line. Bitwarden, Ente, Raivo and Aegis write
// otpauth:// lines; Google Authenticator's export is one or more
// otpauth-migration:// codes, which people collect into a text file after
// scanning them. Blank lines and lines starting with '#' are skipped; CRLF
// line ends and a UTF-8 BOM are fine. Ente's codeDisplay parameter on an
// otpauth line is understood wherever the line comes from (ente.go). Any other line is an error naming its
// line number, and every bad line is reported, not just the first.

type textFileKind int

const (
	kindOther textFileKind = iota
	kindURIs
	kindMigration
)

const (
	otpauthScheme   = "otpauth://"
	migrationScheme = "otpauth-migration://"
)

// textLines yields the meaningful lines of a text export with their 1-based
// line numbers.
func textLines(data []byte, fn func(n int, line string)) {
	for i, raw := range bytes.Split(data, []byte("\n")) {
		line := strings.TrimSpace(string(raw))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fn(i+1, line)
	}
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// textKind reports whether data looks like a text export: its first
// meaningful line is a URI, and all of them are migration URIs for kindMigration.
func textKind(data []byte) textFileKind {
	kind, first := kindOther, true
	textLines(data, func(_ int, line string) {
		switch {
		case hasPrefixFold(line, migrationScheme):
			if first {
				kind = kindMigration
			}
		case hasPrefixFold(line, otpauthScheme):
			if first || kind == kindMigration {
				kind = kindURIs
			}
		}
		first = false
	})
	return kind
}

// batch tracks the parts of one Google Authenticator export seen in a file.
type batch struct {
	size  int
	parts []int
}

// importText reads a text export; with googleOnly every line must be an
// otpauth-migration:// URI.
func importText(data []byte, googleOnly bool, c *collector) error {
	batches := map[int]*batch{}
	var batchOrder []int
	lines := 0
	textLines(data, func(n int, line string) {
		lines++
		where := fmt.Sprintf("line %d", n)
		switch {
		case hasPrefixFold(line, otpauthScheme) && !googleOnly:
			addOTPAuthLine(c, where, line)
		case hasPrefixFold(line, migrationScheme):
			m, err := accounts.ParseMigration(line)
			if err != nil {
				c.fail(where, "", err)
				return
			}
			for i, a := range m.Accounts {
				c.add(fmt.Sprintf("%s, account %d", where, i+1), a, nil)
			}
			b := batches[m.BatchID]
			if b == nil {
				b = &batch{}
				batches[m.BatchID] = b
				batchOrder = append(batchOrder, m.BatchID)
			}
			b.size = max(b.size, m.BatchSize)
			b.parts = append(b.parts, m.BatchIndex)
		default:
			want := "an otpauth:// or otpauth-migration:// URI"
			if googleOnly {
				want = "an otpauth-migration:// URI"
			}
			c.fail(where, "", fmt.Errorf("%w: not %s", accounts.ErrMalformed, want))
		}
	})
	if lines == 0 {
		return fmt.Errorf("%w: no URIs in the file", accounts.ErrMalformed)
	}
	// A multi-code Google export scanned only in part would lose accounts
	// without anyone noticing; name the missing codes.
	for _, id := range batchOrder {
		b := batches[id]
		slices.Sort(b.parts)
		b.parts = slices.Compact(b.parts)
		if len(b.parts) >= b.size {
			continue
		}
		what := fmt.Sprintf("%d of %d QR codes missing", b.size-len(b.parts), b.size)
		if b.size <= 100 {
			var missing []string
			for i := range b.size {
				if _, found := slices.BinarySearch(b.parts, i); !found {
					missing = append(missing, fmt.Sprint(i+1))
				}
			}
			what = fmt.Sprintf("QR code %s of %d missing", strings.Join(missing, ", "), b.size)
		}
		c.fail("google export", "", fmt.Errorf("%w: %s", ErrIncompleteBatch, what))
	}
	return nil
}

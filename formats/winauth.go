package formats

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/nidan-auth/nidan/accounts"
)

// WinAuth's text export (docs/formats.md, "WinAuth text export"): otpauth
// lines with WinAuth's own parameters, among them Steam accounts written as
// 5-digit TOTP.
var winAuthFormat = Format{
	Name: "winauth", App: "WinAuth text export (.txt)",
	detect: func(s *sniff) bool { return textKind(s.data) == kindURIs && isWinAuth(s.data) },
	read:   func(data []byte, _ func() ([]byte, error), c *collector) error { return readWinAuth(data, c) },
}

// winAuthParam matches the query parameters only WinAuth writes.
var winAuthParam = regexp.MustCompile(`(?i)[?&](serial|deviceid|data|icon)=`)

func isWinAuth(data []byte) bool {
	found := false
	textLines(data, func(_ int, line string) {
		found = found || (hasPrefixFold(line, otpauthScheme) && winAuthParam.MatchString(line))
	})
	return found
}

func readWinAuth(data []byte, c *collector) error {
	lines := 0
	textLines(data, func(n int, line string) {
		lines++
		where := fmt.Sprintf("line %d", n)
		if !hasPrefixFold(line, otpauthScheme) {
			c.fail(where, "", fmt.Errorf("%w: not an otpauth:// URI", accounts.ErrMalformed))
			return
		}
		a, err := parseWinAuthURI(line)
		c.add(where, a, err)
	})
	if lines == 0 {
		return fmt.Errorf("%w: no URIs in the file", accounts.ErrMalformed)
	}
	return nil
}

// parseWinAuthURI reads one WinAuth line. WinAuth form-encodes the label,
// so a '+' there is a space (a real '+' is %2B).
func parseWinAuthURI(line string) (accounts.Account, error) {
	head, query, _ := strings.Cut(line, "?")
	q := map[string]string{}
	for _, part := range strings.Split(query, "&") {
		k, v, _ := strings.Cut(part, "=")
		if k = strings.ToLower(k); q[k] == "" {
			q[k] = v
		}
	}
	head = strings.ReplaceAll(head, "+", "%20")
	// WinAuth writes a Steam account as 5-digit TOTP; its device ID is
	// WinAuth's alone, "data" and 5 digits count only under Steam's name.
	steamName := strings.EqualFold(q["issuer"], "steam") || strings.HasPrefix(strings.ToLower(head), "otpauth://totp/steam:")
	steam := q["deviceid"] != "" || steamName && (q["data"] != "" || q["digits"] == "5")
	uri := head + "?" + query
	if steam {
		uri += "&encoder=steam"
	}
	a, err := accounts.ParseURI(uri)
	if err != nil {
		return a, err
	}
	if serial := battleNetSerial(q["serial"]); serial != "" {
		switch {
		case a.Issuer == "": // WinAuth's name for it ("Battle.net") is the issuer
			a.Issuer, a.Name = a.Name, serial
		case a.Name == "":
			a.Name = serial
		}
	}
	return a, nil
}

// battleNetSerial puts back the dashes WinAuth removes: US123456789012 →
// US-1234-5678-9012.
func battleNetSerial(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) != 14 {
		return s
	}
	return s[:2] + "-" + s[2:6] + "-" + s[6:10] + "-" + s[10:]
}

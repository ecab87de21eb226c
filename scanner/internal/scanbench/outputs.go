package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Each decoder's output is parsed into one text per code it reported.
// Splitting plain output into lines would count a payload of two lines
// as two codes (and match neither against the expected text), so every
// decoder is run in a mode that delimits its codes: Nidan prints each
// text Go-quoted on a line, ZXingReader's detailed mode prints each
// code's bytes in hex, and zbarimg's XML puts each code in its own
// element (base64 when the data is binary or contains "]]>").

// errOutput means a decoder's output did not have the expected form.
var errOutput = errors.New("unexpected decoder output")

// writeNidan prints each text Go-quoted, one a line: the form parseNidan
// reads.
func writeNidan(w io.Writer, texts []string) error {
	for _, t := range texts {
		if _, err := fmt.Fprintln(w, strconv.Quote(t)); err != nil {
			return err
		}
	}
	return nil
}

// parseNidan reads what writeNidan printed.
func parseNidan(out []byte) ([]string, error) {
	var texts []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if sc.Text() == "" {
			continue
		}
		t, err := strconv.Unquote(sc.Text())
		if err != nil {
			return nil, fmt.Errorf("nidan: line %q: %w", sc.Text(), errOutput)
		}
		texts = append(texts, t)
	}
	return texts, sc.Err()
}

// zxingArgs runs ZXingReader for QR codes in its detailed mode. Its
// one-line mode (-1) escapes control characters as "<LF>" and the like,
// which a payload may also contain literally, and leaves quotes inside
// the text unescaped; the detailed mode gives each code's bytes.
func zxingArgs(path string) []string { return []string{"-format", "QRCode", path} }

// parseZXing reads ZXingReader's detailed output: per code a block of
// "Name: value" lines starting with Text (quoted, may span lines) and
// then Bytes (the content in hex) and BytesECI; "No barcode found" when
// there is none. A Bytes line counts only when BytesECI follows it, so
// that a payload line that happens to start with "Bytes:" is not taken
// for one.
func parseZXing(out []byte) ([]string, error) {
	lines := strings.Split(string(out), "\n")
	var texts []string
	for i, l := range lines {
		v, ok := strings.CutPrefix(l, "Bytes:")
		if !ok || i+1 >= len(lines) || !strings.HasPrefix(lines[i+1], "BytesECI:") {
			continue
		}
		b, err := hex.DecodeString(strings.Join(strings.Fields(v), ""))
		if err != nil {
			return nil, fmt.Errorf("zxing: bytes %q: %w", v, errOutput)
		}
		texts = append(texts, string(b))
	}
	if len(texts) == 0 && strings.Contains(string(out), "Text:") {
		return nil, fmt.Errorf("zxing: a result without its bytes: %w", errOutput)
	}
	return texts, nil
}

// zbarArgs runs zbarimg with its default symbologies and XML output. (Its
// --raw option, plain data one code after another, overrides --xml.)
func zbarArgs(path string) []string { return []string{"--nodbus", "-q", "--xml", path} }

// parseZbar reads zbarimg's XML: one symbol element per code, its data as
// text or, with format='base64', base64-encoded.
func parseZbar(out []byte) ([]string, error) {
	var doc struct {
		Symbols []struct {
			Type string `xml:"type,attr"`
			Data struct {
				Format string `xml:"format,attr"`
				Text   string `xml:",chardata"`
			} `xml:"data"`
		} `xml:"source>index>symbol"`
	}
	if err := xml.Unmarshal(out, &doc); err != nil {
		return nil, fmt.Errorf("zbar: %v: %w", err, errOutput)
	}
	var texts []string
	for _, s := range doc.Symbols {
		t := s.Data.Text
		if s.Data.Format == "base64" {
			b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(t), ""))
			if err != nil {
				return nil, fmt.Errorf("zbar: base64 data: %v: %w", err, errOutput)
			}
			t = string(b)
		}
		texts = append(texts, t)
	}
	return texts, nil
}

// distinct is the number of different non-empty texts in ss: what a photo
// is credited with (at most its labelled number of codes), since the
// labels give no payloads and a decoder may report one code twice.
func distinct(ss []string) int {
	seen := map[string]bool{}
	for _, s := range ss {
		if s != "" {
			seen[s] = true
		}
	}
	return len(seen)
}

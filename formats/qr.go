package formats

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/skip2/go-qrcode"

	"github.com/nidan-auth/nidan/accounts"
)

// QR code images of otpauth:// URIs, one PNG per account: every other
// authenticator scans them. Written only, into a folder.
var qrFormat = Format{
	Name: "qr", App: "QR code images (a folder of .png)",
	Plaintext: true,
	writeDir:  ExportQRFiles,
}

// DefaultQRSize is the width in pixels QRCodePNG uses for a size of 0 or less.
const DefaultQRSize = 512

// QRCodePNG renders the account's otpauth URI as a PNG QR code size pixels
// wide (a code that needs more pixels comes out larger), with medium error
// correction and the standard four-module quiet zone so phone cameras lock on.
func QRCodePNG(a *accounts.Account, size int) ([]byte, error) {
	if err := a.Validate(); err != nil {
		return nil, fmt.Errorf("qr code: %w", err)
	}
	if size <= 0 {
		size = DefaultQRSize
	}
	q, err := qrcode.New(a.URI(), qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("qr code: %w", err)
	}
	png, err := q.PNG(size)
	if err != nil {
		return nil, fmt.Errorf("qr code: %w", err)
	}
	return png, nil
}

// ExportQRFiles writes one QR code PNG per account into dir (which must
// exist), named after issuer and account name, and returns the paths in
// account order. Files are created 0600 and never overwrite anything: a name
// already taken gets a "-2", "-3"… suffix. On error the files already written
// are removed again, so no stray secrets are left behind.
func ExportQRFiles(dir string, accts []accounts.Account) (paths []string, err error) {
	defer func() {
		if err != nil {
			for _, p := range paths {
				os.Remove(p)
			}
			paths = nil
		}
	}()
	for i := range accts {
		a := &accts[i]
		png, err := QRCodePNG(a, DefaultQRSize)
		if err != nil {
			return paths, fmt.Errorf("export qr: %s: %w", a.Label(), err)
		}
		p, err := writeNew(dir, qrFileBase(a), ".png", png)
		if err != nil {
			return paths, fmt.Errorf("export qr: %s: %w", a.Label(), err)
		}
		paths = append(paths, p)
	}
	return paths, nil
}

// writeNew writes data to dir/base+ext, or base-2+ext and so on if that
// exists, creating the file exclusively with mode 0600.
func writeNew(dir, base, ext string, data []byte) (string, error) {
	for n := 1; n < 10000; n++ {
		name := base + ext
		if n > 1 {
			name = fmt.Sprintf("%s-%d%s", base, n, ext)
		}
		p := filepath.Join(dir, name)
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		_, err = f.Write(data)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(p)
			return "", err
		}
		return p, nil
	}
	return "", fmt.Errorf("no free file name for %s%s", base, ext)
}

// qrFileBase is a file name (without extension) safe on every desktop file
// system: "Issuer_name", letters and digits kept, everything else folded to
// '_', at most 60 bytes, never empty, hidden or a reserved Windows name.
func qrFileBase(a *accounts.Account) string {
	s := a.Issuer
	if a.Name != "" {
		if s != "" {
			s += "_"
		}
		s += a.Name
	}
	var sb strings.Builder
	lastUnderscore := false
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '.' || r == '@' || r == '+' {
			sb.WriteRune(r)
			lastUnderscore = false
		} else if !lastUnderscore {
			sb.WriteByte('_')
			lastUnderscore = true
		}
	}
	base := strings.Trim(sb.String(), "_.-")
	for len(base) > 60 {
		_, size := utf8.DecodeLastRuneInString(base)
		base = base[:len(base)-size]
	}
	base = strings.TrimRight(base, "_.-")
	if base == "" {
		return "account"
	}
	switch strings.ToUpper(strings.SplitN(base, ".", 2)[0]) {
	case "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
		"LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9":
		base = "_" + base
	}
	return base
}

// Package iconpack reads icon packs in the Aegis format (a ZIP with a
// pack.json; docs/brand-logos.md, "Icon packs") and matches their icons to
// issuers. It imports no Fyne.
package iconpack

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/nidan-auth/nidan/internal/brandlogo"
)

// Limits of docs/brand-logos.md, "Icon packs".
const (
	MaxZip      = 32 << 20
	MaxPackJSON = 4 << 20
	MaxIcons    = 20000
	MaxIcon     = 64 << 10 // the same cap as accounts.MaxIconLen
)

// ErrBadPack is wrapped by every error Parse returns.
var ErrBadPack = errors.New("not a usable icon pack")

// Pack is a decoded icon pack.
type Pack struct {
	UUID    string
	Name    string
	Version int
	Icons   []Icon
	Skipped int // icons left out: missing file, unknown type, too large
}

// Icon is one icon of a pack, with its image bytes.
type Icon struct {
	Name     string
	Category string
	Issuers  []string
	Filename string
	MIME     string
	Data     []byte
	nameKey  string   // brandlogo.Key of the name
	keys     []string // brandlogo.Key of each issuer
}

type packJSON struct {
	UUID    string `json:"uuid"`
	Name    string `json:"name"`
	Version int    `json:"version"`
	Icons   []struct {
		Name     string   `json:"name"`
		Filename string   `json:"filename"`
		Category string   `json:"category"`
		Issuer   []string `json:"issuer"`
	} `json:"icons"`
}

// mimeOf is the image type of a file name, "" for one that is not read.
func mimeOf(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	case ".jpg", ".jpeg":
		return "image/jpeg"
	}
	return ""
}

// Parse reads a pack from the bytes of its ZIP.
func Parse(data []byte) (*Pack, error) {
	if len(data) > MaxZip {
		return nil, fmt.Errorf("%w: the file is larger than %d MiB", ErrBadPack, MaxZip>>20)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%w: not a ZIP archive: %w", ErrBadPack, err)
	}
	files := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		files[strings.TrimPrefix(f.Name, "./")] = f
	}
	pj, ok := files["pack.json"]
	if !ok {
		return nil, fmt.Errorf("%w: no pack.json at the top of the archive", ErrBadPack)
	}
	raw, err := readCapped(pj, MaxPackJSON)
	if err != nil {
		return nil, fmt.Errorf("%w: pack.json: %w", ErrBadPack, err)
	}
	var def packJSON
	if err := json.Unmarshal(raw, &def); err != nil {
		return nil, fmt.Errorf("%w: pack.json: %w", ErrBadPack, err)
	}
	if strings.TrimSpace(def.UUID) == "" || strings.TrimSpace(def.Name) == "" {
		return nil, fmt.Errorf("%w: pack.json has no uuid or name", ErrBadPack)
	}
	if len(def.Icons) > MaxIcons {
		return nil, fmt.Errorf("%w: %d icons, more than %d", ErrBadPack, len(def.Icons), MaxIcons)
	}
	p := &Pack{UUID: def.UUID, Name: def.Name, Version: def.Version}
	for _, d := range def.Icons {
		f, ok := files[strings.TrimPrefix(d.Filename, "./")]
		mime := mimeOf(d.Filename)
		if !ok || mime == "" || f.UncompressedSize64 > MaxIcon {
			p.Skipped++
			continue
		}
		img, err := readCapped(f, MaxIcon)
		if err != nil || len(img) == 0 {
			p.Skipped++
			continue
		}
		ic := Icon{Name: d.Name, Category: d.Category, Issuers: d.Issuer, Filename: d.Filename, MIME: mime, Data: img}
		if ic.Name == "" {
			ic.Name = strings.TrimSuffix(path.Base(d.Filename), path.Ext(d.Filename))
		}
		ic.nameKey = brandlogo.Key(ic.Name)
		for _, s := range d.Issuer {
			if k := brandlogo.Key(s); k != "" {
				ic.keys = append(ic.keys, k)
			}
		}
		p.Icons = append(p.Icons, ic)
	}
	if len(p.Icons) == 0 {
		return nil, fmt.Errorf("%w: none of its %d icons could be read", ErrBadPack, len(def.Icons))
	}
	return p, nil
}

// readCapped reads a ZIP entry, refusing one that inflates past max (the
// header's size can lie).
func readCapped(f *zip.File, max int64) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s: larger than %d bytes", f.Name, max)
	}
	return b, nil
}

// Match is the icon an issuer is listed for (Aegis matches the issuer
// field against each icon's issuer list), if any.
func (p *Pack) Match(issuer string) (*Icon, bool) {
	k := brandlogo.Key(issuer)
	if k == "" {
		return nil, false
	}
	for i := range p.Icons {
		for _, ik := range p.Icons[i].keys {
			if ik == k {
				return &p.Icons[i], true
			}
		}
	}
	return nil, false
}

// Search returns up to limit icons whose name or issuers contain query.
func (p *Pack) Search(query string, limit int) []*Icon {
	q := brandlogo.Key(query)
	if q == "" {
		return nil
	}
	var out []*Icon
	for i := range p.Icons {
		for _, k := range append([]string{p.Icons[i].nameKey}, p.Icons[i].keys...) {
			if k != "" && strings.Contains(k, q) {
				out = append(out, &p.Icons[i])
				break
			}
		}
		if len(out) == limit {
			break
		}
	}
	return out
}

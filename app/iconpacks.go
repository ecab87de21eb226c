package app

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/internal/iconpack"
)

// Icon packs (docs/brand-logos.md, "Icon packs"): imported ZIPs are kept in
// the data folder for choosing from; the chosen icon is copied into the
// account, which is what backups and sync carry.

// logoIcon is the logo field of an account that shows its own icon.
const logoIcon = "icon"

// packDir is where imported packs are kept: beside the vault.
func (u *ui) packDir() string { return filepath.Join(filepath.Dir(u.path), "iconpacks") }

// safeName keeps a pack's UUID as a file name only if it looks like one.
var safeName = regexp.MustCompile(`^[A-Za-z0-9-]{1,64}$`)

func packFile(dir string, p *iconpack.Pack) string {
	name := p.UUID
	if !safeName.MatchString(name) {
		sum := sha256.Sum256([]byte(p.UUID))
		name = hex.EncodeToString(sum[:8])
	}
	return filepath.Join(dir, name+".zip")
}

// readPacks parses every pack kept in dir; one that no longer parses is
// reported and skipped.
func readPacks(dir string) []*iconpack.Pack {
	files, _ := filepath.Glob(filepath.Join(dir, "*.zip"))
	var out []*iconpack.Pack
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err == nil {
			var p *iconpack.Pack
			if p, err = iconpack.Parse(data); err == nil {
				out = append(out, p)
				continue
			}
		}
		fyne.LogError("icon pack "+f, err)
	}
	return out
}

// keepPack checks a pack and writes it into dir, replacing an older
// version of the same pack; a newer one already kept is left alone.
func keepPack(dir string, data []byte) (*iconpack.Pack, error) {
	p, err := iconpack.Parse(data)
	if err != nil {
		return nil, err
	}
	path := packFile(dir, p)
	if old, err := os.ReadFile(path); err == nil {
		if op, err := iconpack.Parse(old); err == nil && op.Version > p.Version {
			return nil, fmt.Errorf("%w: version %d of %q is already imported, newer than this %d", errOlderPack, op.Version, p.Name, p.Version)
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("keep icon pack: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return nil, fmt.Errorf("keep icon pack: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("keep icon pack: %w", err)
	}
	return p, nil
}

var errOlderPack = errors.New("older icon pack")

// loadPacks reads the kept packs once, off the UI goroutine, then runs then.
func (u *ui) loadPacks(then func()) {
	if u.logos.packsRead {
		then()
		return
	}
	dir := u.packDir()
	var packs []*iconpack.Pack
	u.background(func() { packs = readPacks(dir) }, func() {
		u.logos.packs, u.logos.packsRead = packs, true
		then()
	})
}

// onImportPack asks for a pack's ZIP, keeps it and runs then.
func (u *ui) onImportPack(then func()) {
	u.openFile(nil, func(r fyne.URIReadCloser) {
		if data, ok := u.readChosen(r); ok {
			u.importPack(data, then)
		}
	})
}

func (u *ui) importPack(data []byte, then func()) {
	dir := u.packDir()
	var p *iconpack.Pack
	var err error
	u.background(func() { p, err = keepPack(dir, data) }, func() {
		if err != nil {
			hint := lang.L("Icon packs are ZIP files with a pack.json, as Aegis uses.")
			if errors.Is(err, errOlderPack) {
				hint = ""
			}
			u.showError("Could not import the icon pack", err, hint)
			return
		}
		u.logos.packsRead = false
		u.loadPacks(func() {
			u.list.showNotice(lang.X("iconpack.imported", "Icon pack {{.Name}}: {{.N}} icons.", map[string]any{"Name": p.Name, "N": len(p.Icons)}))
			then()
		})
	})
}

// packMatch is the first kept pack's icon listed for an issuer.
func (l *logos) packMatch(issuer string) (*iconpack.Icon, bool) {
	for _, p := range l.packs {
		if ic, ok := p.Match(issuer); ok {
			return ic, true
		}
	}
	return nil, false
}

// packSearch is the kept packs' icons whose name or issuers match.
func (l *logos) packSearch(query string, limit int) []*iconpack.Icon {
	var out []*iconpack.Icon
	for _, p := range l.packs {
		out = append(out, p.Search(query, limit-len(out))...)
		if len(out) >= limit {
			break
		}
	}
	return out
}

// useIcon makes an account show a pack's icon: its bytes go into the
// account.
func useIcon(a *accounts.Account, ic *iconpack.Icon) {
	a.Logo, a.Icon, a.IconMIME = logoIcon, append([]byte(nil), ic.Data...), ic.MIME
}

// iconResource is an account's own icon as a resource, one per content.
func (l *logos) iconResource(a *accounts.Account) fyne.Resource {
	sum := sha256.Sum256(a.Icon)
	key := "icon-" + hex.EncodeToString(sum[:12])
	if r, ok := l.res[key]; ok {
		return r
	}
	ext := ".png"
	switch {
	case strings.HasSuffix(a.IconMIME, "svg+xml"):
		ext = ".svg"
	case strings.HasSuffix(a.IconMIME, "jpeg"):
		ext = ".jpg"
	}
	r := fyne.NewStaticResource(key+ext, append([]byte(nil), a.Icon...))
	l.res[key] = r
	return r
}

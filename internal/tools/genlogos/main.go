// Command genlogos turns an unpacked simple-icons npm package into the one
// asset Nidan embeds (docs/brand-logos.md): a gzip'd JSON file of slug,
// title, aliases, brand colour and SVG path per icon, and a provenance
// note beside it. `make logos` fetches the package and runs it:
//
//	go run ./internal/tools/genlogos -pkg /tmp/x/package -out internal/brandlogo
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/nidan-auth/nidan/internal/brandlogo"
)

// pkgIcon is one entry of the package's data/simple-icons.json.
type pkgIcon struct {
	Title   string `json:"title"`
	Slug    string `json:"slug"`
	Hex     string `json:"hex"`
	Aliases struct {
		Aka []string                 `json:"aka"`
		Dup []struct{ Title string } `json:"dup"`
		Loc map[string]string        `json:"loc"`
		Old []string                 `json:"old"`
	} `json:"aliases"`
	License *struct {
		Type string `json:"type"`
	} `json:"license"`
}

// freeLicences are the per-icon licences that need no attribution; icons
// under any other are left out (docs/brand-logos.md, "Which icons").
var freeLicences = map[string]bool{"CC0-1.0": true, "Unlicense": true}

// svgShape is the one form every simple-icons SVG has: a 24×24 view box, a
// title and a single path. Anything else stops the generator rather than
// drawing a wrong logo.
var svgShape = regexp.MustCompile(`^<svg role="img" viewBox="0 0 24 24" xmlns="http://www.w3.org/2000/svg"><title>[^<]*</title><path d="([^"]+)"/></svg>\s*$`)

func main() {
	pkg := flag.String("pkg", "", "the unpacked simple-icons npm package (the directory holding package.json)")
	out := flag.String("out", "internal/brandlogo", "directory to write simple-icons.json.gz and SIMPLE-ICONS.md into")
	flag.Parse()
	if *pkg == "" {
		fmt.Fprintln(os.Stderr, "usage: genlogos -pkg DIR [-out DIR]")
		os.Exit(2)
	}
	if err := run(*pkg, *out); err != nil {
		fmt.Fprintln(os.Stderr, "genlogos:", err)
		os.Exit(1)
	}
}

func run(pkg, out string) error {
	var meta struct {
		Name, Version, License string
	}
	if err := readJSON(filepath.Join(pkg, "package.json"), &meta); err != nil {
		return err
	}
	if meta.Name != "simple-icons" || meta.License != "CC0-1.0" {
		return fmt.Errorf("%s: package %q licence %q, want simple-icons under CC0-1.0", pkg, meta.Name, meta.License)
	}
	var src []pkgIcon
	if err := readJSON(filepath.Join(pkg, "data", "simple-icons.json"), &src); err != nil {
		return err
	}
	asset := brandlogo.Asset{Source: "simple-icons", Version: meta.Version, License: meta.License}
	skipped := map[string]int{}
	for _, s := range src {
		if s.License != nil && !freeLicences[s.License.Type] {
			skipped[s.License.Type]++
			continue
		}
		svg, err := os.ReadFile(filepath.Join(pkg, "icons", s.Slug+".svg"))
		if err != nil {
			return fmt.Errorf("icon %s: %w", s.Slug, err)
		}
		m := svgShape.FindSubmatch(svg)
		if m == nil {
			return fmt.Errorf("icon %s: not the single-path 24×24 SVG simple-icons ships", s.Slug)
		}
		asset.Icons = append(asset.Icons, brandlogo.Icon{
			Slug: s.Slug, Title: s.Title, Hex: strings.ToUpper(s.Hex),
			Aliases: aliases(s), Path: string(m[1]),
		})
	}
	sort.Slice(asset.Icons, func(i, j int) bool { return asset.Icons[i].Slug < asset.Icons[j].Slug })

	js, err := json.Marshal(asset)
	if err != nil {
		return err
	}
	var gz bytes.Buffer
	zw, err := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	if err != nil {
		return err
	}
	if _, err := zw.Write(js); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	// The reader's checks are the generator's too: never commit an asset
	// the app would refuse.
	if _, err := brandlogo.Parse(gz.Bytes()); err != nil {
		return fmt.Errorf("generated asset does not parse: %w", err)
	}
	if err := os.WriteFile(filepath.Join(out, brandlogo.AssetName), gz.Bytes(), 0o644); err != nil {
		return err
	}
	note := provenance(meta.Version, len(asset.Icons), len(src), skipped, gz.Len())
	if err := os.WriteFile(filepath.Join(out, "SIMPLE-ICONS.md"), []byte(note), 0o644); err != nil {
		return err
	}
	fmt.Printf("%d icons (%d left out for their licence), %d bytes\n", len(asset.Icons), len(src)-len(asset.Icons), gz.Len())
	return nil
}

// aliases lists an icon's other names in the documented order, without
// repeats or the title itself.
func aliases(s pkgIcon) []string {
	var out []string
	seen := map[string]bool{s.Title: true}
	add := func(a string) {
		if a = strings.TrimSpace(a); a != "" && !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	for _, a := range s.Aliases.Aka {
		add(a)
	}
	for _, d := range s.Aliases.Dup {
		add(d.Title)
	}
	locs := make([]string, 0, len(s.Aliases.Loc))
	for k := range s.Aliases.Loc {
		locs = append(locs, k)
	}
	sort.Strings(locs) // map order is random; the asset must not be
	for _, k := range locs {
		add(s.Aliases.Loc[k])
	}
	for _, a := range s.Aliases.Old {
		add(a)
	}
	return out
}

func provenance(version string, kept, total int, skipped map[string]int, size int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# simple-icons %s\n\n", version)
	fmt.Fprintf(&b, "`%s` is generated by `make logos` (internal/tools/genlogos) from the npm\n", brandlogo.AssetName)
	fmt.Fprintf(&b, "package `simple-icons@%s` (https://simpleicons.org,\n", version)
	b.WriteString("https://github.com/simple-icons/simple-icons), released under CC0-1.0\n")
	b.WriteString("(https://creativecommons.org/publicdomain/zero/1.0/). Do not edit it by hand.\n\n")
	fmt.Fprintf(&b, "It holds %d of the package's %d icons (%d bytes). Icons that simple-icons lists\n", kept, total, size)
	b.WriteString("under a licence of their own other than CC0-1.0 or Unlicense were left out:\n\n")
	types := make([]string, 0, len(skipped))
	for t := range skipped {
		types = append(types, t)
	}
	sort.Strings(types)
	for _, t := range types {
		fmt.Fprintf(&b, "- %s: %d\n", t, skipped[t])
	}
	b.WriteString("\nThe logos are trademarks of their owners. They are shown only to help a person\n")
	b.WriteString("recognise the account a code belongs to; their use does not imply endorsement.\n")
	b.WriteString("See docs/brand-logos.md for the file format.\n")
	return b.String()
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

package brandlogo

import (
	_ "embed"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

//go:embed simple-icons.json.gz
var embedded []byte

// Catalog is the set of logos with its look-up indexes. It decodes its asset
// on first use (or on Load, which the app calls off the UI goroutine at
// start), so a program that never draws a logo never pays for it. It is
// safe for concurrent use.
type Catalog struct {
	gz   []byte
	once sync.Once
	done atomic.Bool // set when once has run
	err  error

	asset  *Asset
	bySlug map[string]int
	byKey  map[string]int
	keys   []string // keys[i]: Key of icon i's title, then its aliases', joined by "\x00"
}

// New returns the catalogue of the asset built into Nidan.
func New() *Catalog { return &Catalog{gz: embedded} }

// NewFrom returns a catalogue over another asset (tests; a newer file).
func NewFrom(gz []byte) *Catalog { return &Catalog{gz: gz} }

// Load decodes the asset if that has not happened yet and reports whether it
// was good. Look-ups on a catalogue whose asset is bad find nothing.
func (c *Catalog) Load() error {
	c.once.Do(func() {
		c.load()
		c.done.Store(true)
	})
	return c.err
}

func (c *Catalog) load() {
	a, err := Parse(c.gz)
	c.gz = nil // the decoded form is what stays
	if err != nil {
		c.err = err
		return
	}
	c.asset = a
	c.bySlug = make(map[string]int, len(a.Icons))
	c.byKey = make(map[string]int, 2*len(a.Icons))
	c.keys = make([]string, len(a.Icons))
	// Titles first, over every icon, so that an alias never takes the key
	// of another brand's title; then slugs and aliases where still free.
	order := make([]int, len(a.Icons))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(x, y int) bool { return a.Icons[order[x]].Title < a.Icons[order[y]].Title })
	for _, i := range order {
		ic := &a.Icons[i]
		c.bySlug[ic.Slug] = i
		if k := Key(ic.Title); k != "" {
			if _, taken := c.byKey[k]; !taken {
				c.byKey[k] = i
			}
		}
	}
	for _, i := range order {
		ic := &a.Icons[i]
		ks := []string{Key(ic.Title)}
		for _, name := range append([]string{ic.Slug}, ic.Aliases...) {
			k := Key(name)
			if k == "" {
				continue
			}
			if _, taken := c.byKey[k]; !taken {
				c.byKey[k] = i
			}
			if name != ic.Slug {
				ks = append(ks, k)
			}
		}
		c.keys[i] = strings.Join(ks, "\x00")
	}
}

// Len is the number of logos.
func (c *Catalog) Len() int {
	if c.Load() != nil {
		return 0
	}
	return len(c.asset.Icons)
}

// Version is the simple-icons version the asset was made from.
func (c *Catalog) Version() string {
	if c.Load() != nil {
		return ""
	}
	return c.asset.Version
}

// Get returns the logo with the given slug.
func (c *Catalog) Get(slug string) (*Icon, bool) {
	if c.Load() != nil {
		return nil, false
	}
	i, ok := c.bySlug[slug]
	if !ok {
		return nil, false
	}
	return &c.asset.Icons[i], true
}

// Lookup finds the logo of an issuer (docs/brand-logos.md, "Looking a logo
// up by issuer"): the whole issuer, then its host name if it is a domain,
// URL or e-mail address, then its leading words.
func (c *Catalog) Lookup(issuer string) (*Icon, bool) {
	if c.Load() != nil {
		return nil, false
	}
	if i, ok := c.byKey[Key(issuer)]; ok {
		return &c.asset.Icons[i], true
	}
	for _, k := range hostCandidates(issuer) {
		if i, ok := c.byKey[k]; ok {
			return &c.asset.Icons[i], true
		}
	}
	for _, k := range wordPrefixes(issuer) {
		if i, ok := c.byKey[k]; ok {
			return &c.asset.Icons[i], true
		}
	}
	return nil, false
}

// Search returns up to limit logos whose title or alias matches query, best
// first: the title, then an alias, equal to the query; then names that
// start with it; then names that contain it; each group by title. An empty
// query matches nothing.
func (c *Catalog) Search(query string, limit int) []*Icon {
	q := Key(query)
	if q == "" || limit <= 0 || c.Load() != nil {
		return nil
	}
	var groups [4][]int // title equal, alias equal, prefix, contains
	for i, ks := range c.keys {
		best := len(groups)
		for j, k := range strings.Split(ks, "\x00") {
			switch {
			case k == q && j == 0:
				best = 0
			case k == q:
				best = min(best, 1)
			case strings.HasPrefix(k, q):
				best = min(best, 2)
			case strings.Contains(k, q):
				best = min(best, 3)
			}
		}
		if best < len(groups) {
			groups[best] = append(groups[best], i)
		}
	}
	out := make([]*Icon, 0, limit)
	for _, group := range groups {
		sort.SliceStable(group, func(x, y int) bool {
			return strings.ToLower(c.asset.Icons[group[x]].Title) < strings.ToLower(c.asset.Icons[group[y]].Title)
		})
		for _, i := range group {
			if len(out) == limit {
				return out
			}
			out = append(out, &c.asset.Icons[i])
		}
	}
	return out
}

// Loaded reports whether the asset has been decoded (well or not), so that
// a caller on a UI goroutine can draw a fallback instead of waiting.
func (c *Catalog) Loaded() bool { return c.done.Load() }

// The values of an account's logo field (docs/brand-logos.md, "The logo
// stored in an account").
const (
	// Prefix starts the logo field of an account showing a simple-icons
	// logo; the slug follows.
	Prefix = "simple-icons:"
	// Generic is the logo field of an account showing its letter on its
	// colour whatever its issuer.
	Generic = "generic"
)

// ForAccount is the logo an account shows, from its logo field and issuer:
// the chosen simple-icons logo, or the issuer's when none is chosen (or the
// chosen one is no longer in the asset). Generic and any other choice (an
// icon-pack icon) show no simple-icons logo.
func (c *Catalog) ForAccount(logo, issuer string) (*Icon, bool) {
	switch {
	case logo == "":
		return c.Lookup(issuer)
	case strings.HasPrefix(logo, Prefix):
		if ic, ok := c.Get(strings.TrimPrefix(logo, Prefix)); ok {
			return ic, true
		}
		return c.Lookup(issuer)
	}
	return nil, false
}

package brandlogo

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"testing"
)

// Parse packs the paths into one string: every icon of the real asset must
// come out as a plain decode of the file has it, escapes included.
func TestParsePacksPathsFaithfully(t *testing.T) {
	zr, err := gzip.NewReader(bytes.NewReader(embedded))
	if err != nil {
		t.Fatal(err)
	}
	js, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	var want Asset
	if err := json.Unmarshal(js, &want); err != nil {
		t.Fatal(err)
	}
	got, err := Parse(embedded)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Icons) != len(want.Icons) || got.Version != want.Version || got.License != want.License {
		t.Fatalf("%d icons, version %q, licence %q; want %d, %q, %q",
			len(got.Icons), got.Version, got.License, len(want.Icons), want.Version, want.License)
	}
	for i := range want.Icons {
		g, w := got.Icons[i], want.Icons[i]
		if g.Slug != w.Slug || g.Title != w.Title || g.Hex != w.Hex || g.Path != w.Path || len(g.Aliases) != len(w.Aliases) {
			t.Fatalf("icon %d: %+v, want %+v", i, g, w)
		}
	}

	esc := `{"source":"simple-icons","icons":[{"slug":"a","title":"A","hex":"000000","path":"M0 0\u0020L1 1"},` +
		`{"slug":"b","title":"B","hex":"ffffff","path":"M2 2z"}]}`
	a, err := Parse(gz(t, esc))
	if err != nil {
		t.Fatal(err)
	}
	if a.Icons[0].Path != "M0 0 L1 1" || a.Icons[1].Path != "M2 2z" {
		t.Fatalf("paths %q, %q", a.Icons[0].Path, a.Icons[1].Path)
	}
	if _, err := Parse(gz(t, `{"source":"simple-icons","icons":[{"slug":"a","title":"A","hex":"000000","path":5}]}`)); err == nil {
		t.Fatal("a number for a path was accepted")
	}
}

package formats

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Nidan's Ente export is the golden file, every line carries codeDisplay
// with the group as its only tag, and it reads back with the groups.
func TestExportEnte(t *testing.T) {
	accts := exportAccounts()
	accts[1].Group = "Money, banks & more"
	var buf bytes.Buffer
	if err := ExportEnte(&buf, accts); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "export", "ente.txt")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("export differs from %s:\ngot:\n%s\nwant:\n%s", golden, buf.Bytes(), want)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != len(accts) {
		t.Fatalf("%d lines for %d accounts", len(lines), len(accts))
	}
	for i, line := range lines {
		uri, raw, found := cutCodeDisplay(line)
		if !found || uri != accts[i].URI() {
			t.Fatalf("line %d: %q has no codeDisplay after the account's URI", i+1, line)
		}
		d, err := parseEnteDisplay(raw)
		if err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		wantTags := []string{}
		if accts[i].Group != "" {
			wantTags = []string{accts[i].Group}
		}
		if d.Trashed || d.Pinned || !slices.Equal(d.Tags, wantTags) {
			t.Errorf("line %d: display %+v, want tags %q and nothing trashed or pinned", i+1, d, wantTags)
		}
	}
	f, err := DetectFormat(buf.Bytes())
	if err != nil || f.Name != "ente" {
		t.Fatalf("detected as %q, %v", f.Name, err)
	}
	for _, name := range []string{"ente", FormatURIs} { // both readers keep the groups
		back, err := Import(buf.Bytes(), name, nil)
		if err != nil {
			t.Fatal(err)
		}
		if g, w := render(back), render(accts); g != w {
			t.Errorf("read back as %s differs:\ngot:\n%s\nwant:\n%s", name, g, w)
		}
	}
}

// A file without codeDisplay stays a plain list; the Ente reader still
// reads it, so --format ente on a hand-made list works.
func TestEntePlainWithoutDisplay(t *testing.T) {
	data := readImport(t, "uris.txt")
	if f, _ := DetectFormat(data); f.Name != FormatURIs {
		t.Fatalf("uris.txt detected as %q", f.Name)
	}
	a, errA := Import(data, FormatURIs, nil)
	b, errB := Import(data, "ente", nil)
	if errA != nil || errB != nil || render(a) != render(b) {
		t.Errorf("uris and ente readers differ: %v, %v\n%s\n%s", errA, errB, render(a), render(b))
	}
}

// The codeDisplay parser never panics, never loses the account over a bad
// display, and what it accepts survives being written and read again.
func FuzzEnteCodeDisplay(f *testing.F) {
	for _, s := range []string{
		"%7B%22trashed%22%3Atrue%7D",
		"%7B%22tags%22%3A%5B%22Work%22%2C%22Dev%22%5D%2C%22note%22%3A%22a+b%22%7D",
		"%7B%22tags%22%3A%5B",
		"%ZZ",
		"",
		"%7B%22tags%22%3A%5B1%5D%7D",
		"{\"pinned\":true}&x=1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		line := "otpauth://totp/Fuzz:me?secret=JBSWY3DPEHPK3PXP&issuer=Fuzz&codeDisplay=" + raw
		c := &collector{format: "ente"}
		addOTPAuthLine(c, "line 1", line)
		if len(c.accts)+len(c.bad) != 1 {
			t.Fatalf("%d accounts and %d errors for one line", len(c.accts), len(c.bad))
		}
		_, cut, _ := cutCodeDisplay(line) // a raw '&' or '#' ends the value
		d, err := parseEnteDisplay(cut)
		switch {
		case len(c.bad) == 1:
			if !errors.Is(c.bad[0], ErrTrashed) && !strings.ContainsAny(raw, "&#") {
				t.Fatalf("line with a good URI failed: %v", c.bad[0])
			}
		case string(c.accts[0].Secret) != "Hello!\xde\xad\xbe\xef":
			t.Fatalf("secret changed: %x", c.accts[0].Secret)
		case err == nil && !d.Trashed && c.accts[0].Group != enteGroup(d.Tags):
			t.Fatalf("group %q, tags %q", c.accts[0].Group, d.Tags)
		}
		if len(c.accts) == 1 {
			var buf bytes.Buffer
			if err := ExportEnte(&buf, c.accts); err != nil {
				t.Fatal(err)
			}
			back, err := Import(buf.Bytes(), "", nil)
			if err != nil || len(back) != 1 || back[0].Group != c.accts[0].Group {
				t.Fatalf("written again and read back: %v, %q, want group %q", err, render(back), c.accts[0].Group)
			}
		}
	})
}

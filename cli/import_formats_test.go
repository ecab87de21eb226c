package cli

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// nidan import reads the 2FAS, Authenticator Pro and FreeOTP fixtures of
// formats/testdata/import by detection alone, encrypted ones with
// NIDAN_IMPORT_PASSWORD; a wrong one says so and changes nothing; an
// encrypted 2FAS export comes back in another vault.
func TestImportOtherAppsCLI(t *testing.T) {
	fixture := func(name string) string { return filepath.Join("..", "formats", "testdata", "import", name) }
	c := newCLIVault(t)
	c.ok("", "init")
	c.env["NIDAN_IMPORT_PASSWORD"] = "correct horse battery staple" // gen_vectors.py's
	for _, tt := range []struct {
		file string
		n    int
	}{
		{"2fas_schema1.2fas", 3}, {"2fas_schema2.2fas", 2}, {"2fas_schema2_encrypted.2fas", 2},
		{"authpro_encrypted.authpro", 3}, {"authpro_legacy.authpro", 3}, {"authpro_db.db3", 4},
		{"freeotp_backup_fast.xml", 4}, {"freeotp_backup_prefs.xml", 4},
	} {
		out := c.ok("", "import", "--dry-run", fixture(tt.file))
		if want := fmt.Sprintf("would add %d, update 0, skip 0 already in the vault; nothing was changed", tt.n); !strings.Contains(out, want) {
			t.Errorf("%s: %q lacks %q", tt.file, out, want)
		}
	}
	c.env["NIDAN_IMPORT_PASSWORD"] = "not it"
	c.fails("wrong password", "import", fixture("freeotp_backup_fast.xml"))
	if out := c.ok("", "list"); strings.Count(out, "\n") > 1 { // the header only
		t.Fatalf("a failed import changed the vault: %q", out)
	}
	c.env["NIDAN_IMPORT_PASSWORD"] = "correct horse battery staple"
	if out := c.ok("", "import", fixture("authpro_legacy.authpro")); out != "added 3\n" {
		t.Fatalf("import: %q", out)
	}

	out := filepath.Join(t.TempDir(), "2fas.2fas")
	c.env["NIDAN_EXPORT_PASSWORD"] = "2fas pw"
	c.ok("", "export", "--format", "2fas-encrypted", "--out", out)
	d := newCLIVault(t)
	d.ok("", "init")
	d.env["NIDAN_IMPORT_PASSWORD"] = "2fas pw"
	if got := d.ok("", "import", out); got != "added 3\n" {
		t.Fatalf("import of the encrypted 2FAS export: %q", got)
	}
}

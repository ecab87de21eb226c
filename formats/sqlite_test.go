package formats

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// The database fixtures (gen_sqlite.py, Python's sqlite3) hold one entry
// each that cannot be imported; the rest must come out as the golden file
// says, and the bad one named with its reason.
func TestSQLiteDatabases(t *testing.T) {
	for _, tt := range []struct {
		file, format, golden, badWhere string
		badErr                         error
	}{
		{"google_db.sqlite", "google-db", "google_db.golden", "row 4", nil},
		{"microsoft_db.sqlite", "microsoft", "microsoft_db.golden", "row 3", errMicrosoftWork},
	} {
		t.Run(tt.file, func(t *testing.T) {
			data := readImport(t, tt.file)
			if f, err := DetectFormat(data); err != nil || f.Name != tt.format {
				t.Fatalf("DetectFormat = %q, %v", f.Name, err)
			}
			accts, err := Import(data, "", nil)
			var ie *ImportError
			if !errors.As(err, &ie) || len(ie.Entries) != 1 || ie.Entries[0].Where != tt.badWhere {
				t.Fatalf("want one bad entry at %s: %v", tt.badWhere, err)
			}
			if tt.badErr != nil && !errors.Is(err, tt.badErr) {
				t.Errorf("bad entry's reason: %v", err)
			}
			checkFresh(t, accts)
			golden := filepath.Join("testdata", "import", tt.golden)
			if *update {
				os.WriteFile(golden, []byte(render(accts)), 0o644)
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got := render(accts); got != string(want) {
				t.Errorf("imported accounts differ from %s:\ngot:\n%s\nwant:\n%s", golden, got, want)
			}
		})
	}
	// A SQLite file that is neither app's is not taken for one.
	if _, err := DetectFormat([]byte(sqliteMagic + "CREATE TABLE notes (body TEXT)")); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("unrelated SQLite file: %v", err)
	}
	// A damaged database is damage, not an empty import.
	data := readImport(t, "google_db.sqlite")
	if _, err := Import(data[:len(data)/2], "google-db", nil); err == nil {
		t.Error("half a database imported without an error")
	}
}

package app

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/nidan-auth/nidan/assets"
)

// TestTranslationsComplete checks that every string the app translates
// (lang.L, lang.X keys and the error contexts of showError and saveFile)
// has an English and a Japanese entry, so no screen falls back to English
// in Japanese.
func TestTranslationsComplete(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	re := regexp.MustCompile(`(?:lang\.L\(|lang\.X\(|showError\(|saveFile\()"((?:[^"\\]|\\.)*)"`)
	keys := map[string]string{}
	for _, f := range files {
		if filepath.Ext(f) == ".go" && len(f) > 8 && f[len(f)-8:] == "_test.go" {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			keys[m[1]] = f
		}
	}
	for _, l := range []string{"en", "ja"} {
		b, err := assets.Translations.ReadFile(assets.TranslationsDir + "/" + l + ".json")
		if err != nil {
			t.Fatal(err)
		}
		var tr map[string]string
		if err := json.Unmarshal(b, &tr); err != nil {
			t.Fatalf("%s.json: %v", l, err)
		}
		for k, f := range keys {
			if _, ok := tr[k]; !ok {
				t.Errorf("%s.json lacks %q (used in %s)", l, k, f)
			}
		}
	}
}

//go:build e2e

package panel

import (
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/scanner"
)

// TestChromiumLanguages opens the panel in a real browser once per
// language (the browser's Accept-Language for Japanese, the switch link
// for English), signs in, starts the setup and checks what the user sees:
// the page's own words (the seed's, in Japanese), the heading and the QR
// code in view without scrolling, and a QR code that scans off the
// screenshot. Screenshots go to $NIDAN_E2E_SCREENSHOTS if set, else the
// test's temporary directory.
func TestChromiumLanguages(t *testing.T) {
	for _, tt := range []struct {
		lang, accept string
		switchTo     bool // reach the language through the switch link
		words        []string
	}{
		{"ja", "ja,en-US", false, []string{"二要素認証設定", "初期設定用認証キー", "ワンタイムパスワード", "登録して有効化する"}},
		{"en", "ja,en-US", true, []string{"Two-step verification settings", "Setup key", "one-time password", "Register and enable"}},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			f := newFixture(t, Options{Name: "Example Shop"})
			wd := startChromium(t, tt.accept)
			wd.open(f.srv.URL + "/")
			if tt.switchTo {
				wd.click("#lang")
			}
			if got := wd.attr("html", "lang"); got != tt.lang {
				t.Fatalf("page language %q, want %q", got, tt.lang)
			}
			wd.typeInto("#id", "alice")
			wd.typeInto("#password", "wrong")
			wd.click("#signin")
			// A refused sign-in keeps the ID.
			if got := wd.attr("#id", "value"); got != "alice" {
				t.Errorf("ID after a refused sign-in: %q", got)
			}
			wd.typeInto("#password", "correct horse")
			wd.click("#signin")
			wd.click("#setup-start")
			page := wd.text("main")
			for _, w := range tt.words {
				if !strings.Contains(page, w) {
					t.Errorf("setup page lacks %q:\n%s", w, page)
				}
			}
			var scrollY float64
			wd.script("return window.scrollY", &scrollY)
			var qrBottom, height float64
			wd.script("return document.getElementById('qr').getBoundingClientRect().bottom", &qrBottom)
			wd.script("return window.innerHeight", &height)
			if scrollY != 0 || qrBottom > height {
				t.Errorf("setup page opens scrolled to %v; QR bottom %v of %v", scrollY, qrBottom, height)
			}
			img := wd.screenshot()
			dir := os.Getenv("NIDAN_E2E_SCREENSHOTS")
			if dir == "" {
				dir = t.TempDir()
			}
			out, err := os.Create(filepath.Join(dir, "panel-setup-"+tt.lang+".png"))
			if err != nil {
				t.Fatal(err)
			}
			if err := png.Encode(out, img); err != nil {
				t.Fatal(err)
			}
			out.Close()
			rs, err := scanner.Decode(img)
			if err != nil {
				t.Fatalf("scan the screenshot: %v", err)
			}
			a, err := accounts.ParseURI(rs[0].Text)
			if err != nil || a.Issuer != "Panel Test" || a.Name != "alice" {
				t.Errorf("scanned %q: %+v %v", rs[0].Text, a, err)
			}
		})
	}
}

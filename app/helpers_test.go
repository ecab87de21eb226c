package app

import (
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/zalando/go-keyring"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/internal/brandlogo"
	"github.com/nidan-auth/nidan/vault"
)

// testKDF keeps Argon2id cheap in tests; the app uses vault.DefaultKDF.
var testKDF = vault.KDFParams{Time: 1, Memory: 64, Threads: 1}

// testLanguage is the language new test UIs start in.
var testLanguage = "en"

const testPassword = "correct horse battery"

// testNow is a fixed instant 10 s into a 30 s period (1700000000 % 30 == 20).
var testNow = time.Unix(1_700_000_000, 0)

func TestMain(m *testing.M) {
	keyring.MockInit() // never touch the real keyring
	declareFyneDo()
	os.Setenv("LANGUAGE", "en")
	os.Setenv("LANG", "en_US.UTF-8")
	os.Exit(m.Run())
}

// fyneDoApp is fyne's test app with the metadata the shipped app has:
// FyneApp.toml's [Migrations] fyneDo = true (and the migrated_fynedo tag
// the Makefile builds with) say that Nidan calls Fyne from other goroutines
// only through fyne.Do. Without that declaration Fyne keeps its old
// threading mode, and under -tags mobile the test driver, which never
// records a main goroutine, takes every goroutine for the main one: each
// SetTheme (newUI's applyTheme) then re-themes the window on a goroutine of
// its own while the test builds the next screen, which raced with the
// layout (a Japanese sentence measured as one line: TestPhoneScreensFit/ja
// failed under load; go test -race showed the race).
type fyneDoApp struct{ fyne.App }

func (fyneDoApp) Metadata() fyne.AppMetadata {
	return fyne.AppMetadata{Migrations: map[string]bool{"fyneDo": true}}
}

// declareFyneDo makes Fyne read the declaration once, as it does on its
// first thread check; it keeps the answer for the process, so every test
// app after it runs in the shipped threading mode whatever the build tags.
func declareFyneDo() {
	fyne.SetCurrentApp(fyneDoApp{test.NewApp()})
	fyne.Do(func() {})
}

// newTestUI starts the app on a test window over a fresh vault path. The
// clock is a variable so tests can move it.
// testLogos is the brand-logo catalogue every test window shares: decoded
// once per test binary, not once per window.
var testLogos = brandlogo.New()

func newTestUI(t *testing.T) (*ui, *time.Time) {
	t.Helper()
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(480, 640))
	now := testNow
	dir := t.TempDir()
	u, err := newUI(a, w, Options{
		VaultPath: filepath.Join(dir, "vault.nidan"),
		Vault:     vault.Options{KDF: testKDF, BackupDir: filepath.Join(dir, "backups")},
		Sync:      true,
		Language:  testLanguage,
		Now:       func() time.Time { return now },
		Logos:     testLogos,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(u.shutdown)
	return u, &now
}

// newUnlockedUI is newTestUI with a vault created and open, holding accts.
func newUnlockedUI(t *testing.T, accts ...accounts.Account) (*ui, *time.Time) {
	t.Helper()
	u, now := newTestUI(t)
	v, err := vault.Create(u.path, []byte(testPassword), u.vaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if len(accts) > 0 {
		if _, err := v.Add(accts...); err != nil {
			t.Fatal(err)
		}
	}
	u.setupWindow()
	u.unlocked(v)
	return u, now
}

func testAccount(t testing.TB, issuer, name, secret string) accounts.Account {
	t.Helper()
	b, err := accounts.DecodeSecret(secret)
	if err != nil {
		t.Fatal(err)
	}
	return accounts.New(accounts.TOTP, issuer, name, b)
}

// texts returns every label, button, entry and check text on the canvas.
func texts(o fyne.CanvasObject) []string {
	var out []string
	walk(o, func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Label:
			out = append(out, w.Text)
		case *widget.Button:
			out = append(out, w.Text)
		case *widget.Check:
			out = append(out, w.Text)
		case *widget.Hyperlink:
			out = append(out, w.Text)
		case *canvas.Text:
			out = append(out, w.Text)
		}
	})
	return out
}

// walk calls f on o and every visible object inside it.
func walk(o fyne.CanvasObject, f func(fyne.CanvasObject)) {
	walkInto(o, func(o fyne.CanvasObject) bool { f(o); return true })
}

// walkInto calls into on o and the visible objects inside it, going inside
// an object only when into returns true for it.
func walkInto(o fyne.CanvasObject, into func(fyne.CanvasObject) bool) {
	if o == nil || !o.Visible() || !into(o) {
		return
	}
	switch c := o.(type) {
	case *fyne.Container:
		for _, ch := range c.Objects {
			walkInto(ch, into)
		}
	case fyne.Widget:
		for _, ch := range test.WidgetRenderer(c).Objects() {
			walkInto(ch, into)
		}
	}
}

func shows(u *ui, s string) bool {
	for _, t := range texts(u.win.Content()) {
		if strings.Contains(t, s) {
			return true
		}
	}
	for _, ov := range u.win.Canvas().Overlays().List() {
		for _, t := range texts(ov) {
			if strings.Contains(t, s) {
				return true
			}
		}
	}
	return false
}

func mustShow(t *testing.T, u *ui, s string) {
	t.Helper()
	if !shows(u, s) {
		t.Fatalf("window does not show %q; it shows %q", s, texts(u.win.Content()))
	}
}

// anyButton is a plain button or the button of an icon button with a
// tooltip.
func anyButton(o fyne.CanvasObject) (*widget.Button, bool) {
	switch b := o.(type) {
	case *widget.Button:
		return b, true
	case *tipButton:
		return &b.Button, true
	}
	return nil, false
}

// button finds a visible button by its text.
func button(t *testing.T, u *ui, text string) *widget.Button {
	t.Helper()
	var b *widget.Button
	find := func(o fyne.CanvasObject) {
		walk(o, func(o fyne.CanvasObject) {
			if w, ok := o.(*widget.Button); ok && w.Text == text && b == nil {
				b = w
			}
			if w, ok := o.(*toastButton); ok && w.Text == text && b == nil {
				b = &w.Button
			}
		})
	}
	ovs := u.win.Canvas().Overlays().List()
	for i := len(ovs) - 1; i >= 0; i-- { // the top dialog first
		find(ovs[i])
	}
	find(u.win.Content())
	if b == nil {
		t.Fatalf("no button %q; window shows %q", text, texts(u.win.Content()))
	}
	return b
}

// rowFor returns the list row showing an account (the list also makes one
// row only to measure its size).
func rowFor(t *testing.T, u *ui, id string) *row {
	t.Helper()
	for _, r := range u.list.rows {
		if r.acct.ID == id {
			return r
		}
	}
	t.Fatalf("no row shows account %s (%d rows)", id, len(u.list.rows))
	return nil
}

// savePNG writes a screenshot (make screenshots, make screenshots-mobile).
func savePNG(t *testing.T, path string, img image.Image) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

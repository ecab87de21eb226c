//go:build mobile

package app

// The phone layout, run with `go test -tags mobile ./app/` (make
// test-mobile): fyne's test driver then reports a mobile device, so every
// screen takes its phone code path. Each screen is laid out at phone and
// tablet sizes, in English and Japanese, and must fit the width with
// touch-sized controls. With NIDAN_SCREENSHOTS_MOBILE set, the screens are
// also rendered there (make screenshots-mobile → docs/screenshots/mobile/).

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/nidan-auth/nidan/accounts"
)

// phoneSizes are portrait phones from the common small Android size to the
// largest iPhone (Pro Max), and a tablet both ways, in points. (At 320 pt,
// the first iPhone SE, the list's two filters and a backup's line are a few
// points too wide.)
var phoneSizes = []fyne.Size{{Width: 360, Height: 640}, {Width: 430, Height: 932}, {Width: 768, Height: 1024}, {Width: 1024, Height: 768}}

func TestPhoneIsMobile(t *testing.T) {
	newTestUI(t)
	if !isMobile() {
		t.Fatal("-tags mobile: fyne's test device is not mobile; the phone tests would test the desktop")
	}
}

// checkFits fails for anything on show that reaches past the window's right
// edge, and for tappable controls smaller than touchTarget.
func checkFits(t *testing.T, u *ui, size fyne.Size, screen string) {
	t.Helper()
	c := u.win.Canvas()
	// The test window grows to fit its content and never shrinks back:
	// set the phone's size again for every screen.
	u.win.Resize(size)
	// Two layout passes, as the driver does each frame: wrapped labels
	// only know their height once they have their width.
	u.win.Content().Refresh()
	u.win.Content().Refresh()
	if m := u.win.Content().MinSize(); m.Width > size.Width+0.5 {
		t.Errorf("%s at %v: the screen needs %.0f pt of width", screen, size, m.Width)
	}
	d := fyne.CurrentApp().Driver()
	roots := append([]fyne.CanvasObject{u.win.Content()}, c.Overlays().List()...)
	var bad []string
	for _, root := range roots {
		walkFit(root, func(o fyne.CanvasObject) {
			pos := d.AbsolutePositionForObject(o)
			right := pos.X + o.Size().Width
			if right > size.Width+0.5 && o.Size().Width > 0 {
				bad = append(bad, fmt.Sprintf("%s ends at x=%.0f, past the right edge", describe(o), right))
			}
			if tappable(o) && (o.Size().Height < touchTarget-0.5 || o.Size().Width < touchTarget-0.5) {
				bad = append(bad, fmt.Sprintf("%s is %.0f×%.0f pt, smaller than a finger (%d pt)", describe(o), o.Size().Width, o.Size().Height, touchTarget))
			}
		})
	}
	if len(bad) > 0 {
		// The outermost offenders come first; the rest are inside them.
		t.Errorf("%s at %.0f×%.0f: %d problems, first: %s", screen, size.Width, size.Height, len(bad), strings.Join(bad[:min(4, len(bad))], "; "))
	}
	u.win.Resize(size) // for the next screen's dialogs
}

// walkFit is walk without what may pass the edge: a dialog's shadow, and
// the content of a horizontal scroll (the colours), which scrolls.
func walkFit(o fyne.CanvasObject, f func(fyne.CanvasObject)) {
	walkInto(o, func(o fyne.CanvasObject) bool {
		if strings.HasSuffix(fmt.Sprintf("%T", o), ".Shadow") { // fyne's internal widget.Shadow
			return false
		}
		f(o)
		s, ok := o.(*container.Scroll)
		return !ok || s.Direction != container.ScrollHorizontalOnly
	})
}

func tappable(o fyne.CanvasObject) bool {
	switch o.(type) {
	case *widget.Button, *widget.Entry, *widget.Select, *widget.SelectEntry, *widget.Check, *searchEntry, *swatch:
		return true
	}
	return strings.HasSuffix(fmt.Sprintf("%T", o), ".radioItem") // one choice of a RadioGroup
}

func describe(o fyne.CanvasObject) string {
	ts := texts(o)
	s := strings.Join(ts, " ")
	if len([]rune(s)) > 40 {
		s = string([]rune(s)[:40]) + "…"
	}
	return fmt.Sprintf("%T %q", o, s)
}

// phoneScreens goes through every screen of the phone app once, calling at
// after each with its name.
func phoneScreens(t *testing.T, size fyne.Size, setup func(*ui), at func(u *ui, name string)) {
	// First launch.
	u, _ := newTestUI(t)
	u.win.Resize(size)
	setup(u)
	u.start()
	at(u, "welcome")
	choosePassword(t, u)
	at(u, "password")
	test.Tap(button(t, u, tr("Create vault")))
	if u.vault == nil || u.list == nil {
		t.Fatalf("phone: after Create vault the list should show (no keyring step); shows %q", texts(u.win.Content()))
	}
	at(u, "empty")

	accts := demoAccounts(t)
	u, now := newUnlockedUI(t, accts...)
	u.win.Resize(size)
	setup(u)
	u.showList()
	*now = testNow.Add(6 * time.Second) // the next codes show
	u.tick(*now)
	at(u, "list")
	u.copyCode(accts[0].ID)
	at(u, "copied")
	u.list.onMenu(u.list.list)
	at(u, "menu")
	u.win.Canvas().Overlays().Remove(u.win.Canvas().Overlays().Top())
	test.TapSecondary(rowFor(t, u, accts[1].ID)) // a long press
	at(u, "row-menu")
	u.win.Canvas().Overlays().Remove(u.win.Canvas().Overlays().Top())

	u.onAdd()
	at(u, "add")
	typeBadKey(t, u)
	at(u, "manual")
	u.show((&detailsScreen{u: u, acct: accts[0], isNew: true}).build())
	at(u, "details")
	mig, _ := accounts.MigrationURIs(accts[:4], 3)
	u.onTexts(mig[:1], func(string) {})
	at(u, "migration")
	u.onSettings()
	at(u, "settings")
	u.onBackups()
	at(u, "backups")
	u.onExport()
	at(u, "export")
	u.win.Canvas().Overlays().Remove(u.win.Canvas().Overlays().Top())
	u.showList()
	u.onDelete(accts[1].ID)
	at(u, "delete")
	u.showList()
	u.showQR(accts[0].ID)
	at(u, "qr")
	u.onExitedForeground() // the phone's home button
	at(u, "locked")
	enterWrongPassword(t, u)
	at(u, "wrong-password")
}

func TestPhoneScreensFit(t *testing.T) {
	for _, l := range []string{"en", "ja"} {
		for _, size := range phoneSizes {
			t.Run(fmt.Sprintf("%s-%.0fx%.0f", l, size.Width, size.Height), func(t *testing.T) {
				testLanguage = l
				t.Cleanup(func() { testLanguage = "en"; applyLanguage("en") })
				phoneScreens(t, size, func(*ui) {}, func(u *ui, name string) { checkFits(t, u, size, name) })
			})
		}
	}
}

// TestPhoneScreenshots renders every phone screen at 360×640 pt, en/ja,
// light/dark, into $NIDAN_SCREENSHOTS_MOBILE.
func TestPhoneScreenshots(t *testing.T) {
	dir := os.Getenv("NIDAN_SCREENSHOTS_MOBILE")
	if dir == "" {
		t.Skip("NIDAN_SCREENSHOTS_MOBILE not set (make screenshots-mobile)")
	}
	for _, l := range []string{"en", "ja"} {
		for _, variant := range []string{"light", "dark"} {
			t.Run(l+"-"+variant, func(t *testing.T) {
				testLanguage = l
				t.Cleanup(func() { testLanguage = "en"; applyLanguage("en") })
				n := 0
				setup := func(u *ui) {
					u.prefs.p.SetString(prefTheme, variant)
					u.applyTheme()
				}
				phoneScreens(t, fyne.NewSize(360, 640), setup, func(u *ui, name string) {
					n++
					u.win.Content().Refresh()
					u.win.Content().Refresh()
					savePNG(t, filepath.Join(dir, fmt.Sprintf("%s-%s-%02d-%s.png", l, variant, n, name)), u.win.Canvas().Capture())
				})
			})
		}
	}
}

// On a phone the row's menu button is always there (no hover), and a long
// press (fyne's secondary tap on touch screens) opens the same menu.
func TestPhoneRowMenuWithoutHover(t *testing.T) {
	a := testAccount(t, "GitHub", "alice", "JBSWY3DPEHPK3PXP")
	u, _ := newUnlockedUI(t, a)
	u.win.Resize(fyne.NewSize(360, 640))
	r := rowFor(t, u, a.ID)
	if !r.menu.Visible() {
		t.Fatal("the row's ⋮ button is hidden on a phone")
	}
	r.MouseOut() // a stray hover event must not hide it
	if !r.menu.Visible() {
		t.Fatal("MouseOut hid the row's ⋮ button on a phone")
	}
	r.menu.MouseIn(&desktop.MouseEvent{}) // no pointer rests on a phone: no tips
	u.timers.fire(timerTip)
	if got := u.tips.text(); got != "" {
		t.Fatalf("tooltip %q on a phone", got)
	}
	r.menu.MouseOut()
	if !r.menu.Visible() {
		t.Fatal("the ⋮ button's MouseOut hid it on a phone")
	}
	test.Tap(r.menu)
	mustShow(t, u, tr("Show QR code…"))
}

// A tap on a row copies its code: on a phone the row itself gets the tap
// (it also takes long presses), not the list item.
func TestPhoneTapRowCopies(t *testing.T) {
	a := testAccount(t, "GitHub", "alice", "JBSWY3DPEHPK3PXP")
	u, _ := newUnlockedUI(t, a)
	var r fyne.CanvasObject = rowFor(t, u, a.ID)
	tp, ok := r.(fyne.Tappable)
	if !ok {
		t.Fatal("the row takes no taps on a phone; fyne's mobile driver would stop a tap there")
	}
	tp.Tapped(&fyne.PointEvent{})
	want, _ := a.CodeAt(testNow)
	if got := u.clipboard.Content(); got != want.Current {
		t.Fatalf("tapping the row copied %q, want %q", got, want.Current)
	}
}

// Going to the background locks the vault at once and drops the codes; a
// system picker Nidan opened does not (the user comes back to it).
func TestPhoneLocksInBackground(t *testing.T) {
	a := testAccount(t, "GitHub", "alice", "JBSWY3DPEHPK3PXP")
	u, _ := newUnlockedUI(t, a)

	done := u.picking() // e.g. "Choose a photo…" shows the gallery
	u.onExitedForeground()
	if u.vault == nil {
		t.Fatal("locked while Nidan's own photo picker was open")
	}
	u.onEnteredForeground()
	done()

	u.onExitedForeground()
	if u.vault != nil || u.list != nil {
		t.Fatal("the vault is still open in the background")
	}
	mustShow(t, u, tr("Nidan is locked. Enter your backup password to see your codes."))
	for _, txt := range texts(u.win.Content()) {
		if strings.Contains(txt, "GitHub") {
			t.Fatal("the lock screen shows an account")
		}
	}
	u.onEnteredForeground()
	if u.vault != nil {
		t.Fatal("coming back unlocked the vault")
	}
}

// The clipboard delay running out while Nidan is in the background (where
// Android lets no app read the clipboard) clears it when Nidan comes back,
// if it still holds the code.
func TestPhoneClipboardClearedOnReturn(t *testing.T) {
	a := testAccount(t, "GitHub", "alice", "JBSWY3DPEHPK3PXP")
	u, _ := newUnlockedUI(t, a)
	u.copyCode(a.ID)
	want, _ := a.CodeAt(testNow)
	cb := u.clipboard
	if cb.Content() != want.Current {
		t.Fatalf("clipboard %q, want the code %q", cb.Content(), want.Current)
	}
	u.onExitedForeground()
	u.timers.fire(timerClipboard)
	if cb.Content() != want.Current {
		t.Fatal("cleared while in the background")
	}
	u.onEnteredForeground()
	if cb.Content() != "" {
		t.Fatalf("clipboard still holds %q after coming back", cb.Content())
	}
}

// When the soft keyboard opens, the space left shrinks; the field being
// typed into is scrolled back into sight.
func TestPhoneKeyboardKeepsFieldInSight(t *testing.T) {
	u, _ := newUnlockedUI(t)
	u.win.Resize(fyne.NewSize(360, 640))
	u.onAdd()
	s := openManual(t, u)
	u.win.Canvas().Focus(s.key)
	var k *keepFocusVisible
	walk(u.win.Content(), func(o fyne.CanvasObject) {
		if kf, ok := o.(*keepFocusVisible); ok {
			k = kf
		}
	})
	if k == nil {
		t.Fatal("the manual screen has no keepFocusVisible scroll")
	}
	u.win.Resize(fyne.NewSize(360, 200)) // a keyboard over the lower 440 pt
	u.win.Content().Refresh()
	d := fyne.CurrentApp().Driver()
	top := d.AbsolutePositionForObject(k.scroll).Y
	y := d.AbsolutePositionForObject(s.key).Y
	if y < top || y+s.key.Size().Height > top+k.scroll.Size().Height+0.5 {
		t.Fatalf("the key field is at y=%.0f..%.0f, outside the visible %.0f..%.0f", y, y+s.key.Size().Height, top, top+k.scroll.Size().Height)
	}
}

// The add screen offers what a phone can do: no screen capture, image
// clipboard or V4L2 camera.
func TestPhoneAddSources(t *testing.T) {
	u, _ := newUnlockedUI(t)
	u.onAdd()
	for _, no := range []string{"Scan the screen", "Paste an image", "Use the camera", "drop an image"} {
		if shows(u, tr(no)) {
			t.Errorf("the phone's add screen offers %q", no)
		}
	}
	mustShow(t, u, tr("Choose a photo…"))
	mustShow(t, u, tr("Enter the key by hand"))
}

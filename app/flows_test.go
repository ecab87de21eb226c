package app

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/skip2/go-qrcode"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/formats"
	"github.com/nidan-auth/nidan/vault"
)

func TestFirstLaunch(t *testing.T) {
	u, _ := newTestUI(t)
	u.start()
	mustShow(t, u, "Welcome to Nidan")
	u.onKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // Enter: Get started
	mustShow(t, u, "cannot be recovered")
	u.onKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // and no further: Create needs the passwords
	mustShow(t, u, "cannot be recovered")

	s := u.win.Content()
	_ = s
	w := currentWelcome(t, u)
	create := button(t, u, "Create vault")
	test.Type(w.password, "short")
	if !create.Disabled() || !shows(u, "Too short") {
		t.Fatal("a short password must be refused with a hint")
	}
	test.Type(w.password, " but now long enough")
	test.Type(w.confirm, "short but now")
	if !create.Disabled() {
		t.Fatal("Create must wait for the same password twice")
	}
	test.Type(w.confirm, " long enough")
	if create.Disabled() {
		t.Fatal("Create is still disabled with two equal passwords")
	}
	test.Tap(create)
	if !vault.Exists(u.path) {
		t.Fatal("no vault file after Create")
	}
	if isMobile() { // no keyring on a phone: straight to the list (phone_test.go)
		mustShow(t, u, "No accounts yet")
		return
	}
	mustShow(t, u, "keyring")
	test.Tap(button(t, u, "Use the keyring"))
	mustShow(t, u, "No accounts yet")
	if !u.vault.KeyringEnabled() || !u.prefs.keyring() {
		t.Fatal("keyring unlock was not enabled")
	}

	// Locked and started again, the keyring opens the vault by itself.
	u.lock()
	mustShow(t, u, "Nidan is locked")
	u.showLocked(true)
	mustShow(t, u, "No accounts yet")
}

// currentWelcome digs the welcome screen's state out of the password entry
// handlers: the test drives the same widgets a user types into.
func currentWelcome(t *testing.T, u *ui) *welcomeScreen {
	t.Helper()
	var entries []*widget.Entry
	walk(u.win.Content(), func(o fyne.CanvasObject) {
		if e, ok := o.(*widget.Entry); ok && e.Password {
			entries = append(entries, e)
		}
	})
	if len(entries) != 2 {
		t.Fatalf("want 2 password fields, got %d", len(entries))
	}
	return &welcomeScreen{u: u, password: entries[0], confirm: entries[1]}
}

func TestUnlockWrongPassword(t *testing.T) {
	a := testAccount(t, "GitHub", "alice", "JBSWY3DPEHPK3PXP")
	u, _ := newUnlockedUI(t, a)
	code := rowFor(t, u, a.ID).code.Text
	if code == "" {
		t.Fatal("no code shown")
	}
	u.onShortcut(keyLock)
	if u.vault != nil {
		t.Fatal("Ctrl+L did not lock")
	}
	mustShow(t, u, "Nidan is locked")
	if shows(u, code) || shows(u, "GitHub") {
		t.Fatal("the locked window shows an account or a code")
	}
	pw := enterWrongPassword(t, u)
	mustShow(t, u, "Wrong password")
	if pw.Text != "wrong password" || u.win.Canvas().Focused() != pw {
		t.Fatalf("after a wrong password the field must keep its text and the focus (text %q)", pw.Text)
	}
	pw.SetText(testPassword)
	pw.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if u.vault == nil {
		t.Fatal("the right password did not unlock")
	}
	mustShow(t, u, "GitHub")
}

func focusedEntry(t *testing.T, u *ui) *widget.Entry {
	t.Helper()
	switch e := u.win.Canvas().Focused().(type) {
	case *widget.Entry:
		return e
	case *keyEntry:
		return &e.Entry
	}
	t.Fatalf("focus is on %T, not the password field", u.win.Canvas().Focused())
	return nil
}

func TestAddByHand(t *testing.T) {
	u, _ := newUnlockedUI(t)
	mustShow(t, u, "No accounts yet")
	test.Tap(button(t, u, "Add account"))
	test.Tap(button(t, u, "Enter the key by hand"))
	s := findManual(t, u)
	if u.win.Canvas().Focused() != s.issuer {
		t.Fatalf("the form opens with the focus on %T, not on the issuer field", u.win.Canvas().Focused())
	}
	next := button(t, u, "Next")
	test.Type(s.issuer, "Example")
	test.Type(s.name, "bob@example.com")
	test.Type(s.key, "not base32!")
	if s.key.Validate() == nil || !next.Disabled() {
		t.Fatal("an invalid key must be flagged and Next stay disabled")
	}
	// The form says which character is wrong and where, under the field,
	// while the key is typed (the entry's own ! icon says nothing).
	s.key.SetText("")
	test.Type(s.key, "JBSW Y3DP 0HPK")
	var said *widget.Label
	walk(u.win.Content(), func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && l.Visible() && strings.Contains(l.Text, "“0” at position 11 is not used in keys (is it the letter O?)") {
			said = l
		}
	})
	if said == nil || said.Importance != widget.DangerImportance {
		t.Fatalf("no error under the invalid key on show (%v): %q", said, texts(u.win.Content()))
	}
	// A long key shows whole under the field, in groups of four as
	// setup pages print it, so it can be checked group by group.
	s.key.SetText("")
	test.Type(s.key, "jbswy3dpehpk3pxp gezd-gnbvgy3tqojq")
	mustShow(t, u, "JBSW Y3DP EHPK 3PXP GEZD GNBV GY3T QOJQ")
	// and the screen makes room for it: nothing below is drawn over it
	drv := fyne.CurrentApp().Driver()
	var keyBottom, advTop float32
	walk(u.win.Content(), func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Label:
			if strings.HasPrefix(w.Text, "JBSW Y3DP") {
				if w.Size().Height < w.MinSize().Height {
					t.Errorf("the key in groups is squeezed into %.0f px of the %.0f it needs", w.Size().Height, w.MinSize().Height)
				}
				keyBottom = drv.AbsolutePositionForObject(w).Y + w.Size().Height
			}
		case *widget.Accordion:
			advTop = drv.AbsolutePositionForObject(w).Y
		}
	})
	if advTop < keyBottom {
		t.Errorf("the Advanced section (y %.0f) overlaps the key shown in groups (bottom %.0f)", advTop, keyBottom)
	}
	test.Type(s.key, "!")
	if shows(u, "JBSW Y3DP") {
		t.Fatal("an invalid key is still shown as if it would be saved")
	}
	s.key.SetText("")
	test.Type(s.key, "jbsw y3dp ehpk 3pxp")
	if s.key.Validate() != nil || next.Disabled() {
		t.Fatalf("a valid key (lower case, spaces) must be accepted: %v", s.key.Validate())
	}
	s.digits.SetSelected("8")
	test.Tap(next)
	mustShow(t, u, "Account details")
	test.Tap(button(t, u, "Save"))
	accts := u.vault.Accounts()
	if len(accts) != 1 || accts[0].Issuer != "Example" || accts[0].Digits != 8 {
		t.Fatalf("vault holds %+v", accts)
	}
	want, _ := accts[0].CodeAt(testNow)
	if got := rowFor(t, u, accts[0].ID).code.Text; got != accounts.GroupCode(want.Current) {
		t.Fatalf("row shows %q, want %q", got, accounts.GroupCode(want.Current))
	}
	mustShow(t, u, "Added Example")
}

// openManual taps "Enter the key by hand" on the add screen.
func openManual(t *testing.T, u *ui) *manualScreen {
	t.Helper()
	test.Tap(button(t, u, tr("Enter the key by hand")))
	return findManual(t, u)
}

// typeBadKey fills the manual screen the walkthroughs show: a key with a
// character base32 lacks, its error shown.
func typeBadKey(t *testing.T, u *ui) {
	t.Helper()
	s := openManual(t, u)
	test.Type(s.issuer, "Example")
	test.Type(s.name, "bob@example.com")
	test.Type(s.key, "JBSW Y3DP EHPK 3PX1")
	u.win.Canvas().Focus(s.issuer) // the key's error shows once it loses the focus
}

// choosePassword goes from the welcome screen to a filled-in, confirmed
// testPassword, ready for Create vault.
func choosePassword(t *testing.T, u *ui) {
	t.Helper()
	test.Tap(button(t, u, tr("Get started")))
	w := currentWelcome(t, u)
	test.Type(w.password, testPassword)
	test.Type(w.confirm, testPassword)
}

// enterWrongPassword types a wrong password into the focused field (the
// lock screen's) and presses Return.
func enterWrongPassword(t *testing.T, u *ui) *widget.Entry {
	t.Helper()
	pw := focusedEntry(t, u)
	test.Type(pw, "wrong password")
	pw.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	return pw
}

func findManual(t *testing.T, u *ui) *manualScreen {
	t.Helper()
	var entries []*widget.Entry
	var radio *widget.RadioGroup
	walk(u.win.Content(), func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Entry:
			entries = append(entries, w)
		case *widget.RadioGroup:
			radio = w
		}
	})
	if radio == nil {
		walk(u.win.Content(), func(o fyne.CanvasObject) {
			if acc, ok := o.(*widget.Accordion); ok {
				acc.Open(0)
			}
		})
		u.win.Content().Refresh()
		walk(u.win.Content(), func(o fyne.CanvasObject) {
			if r, ok := o.(*widget.RadioGroup); ok {
				radio = r
			}
		})
	}
	if len(entries) < 3 || radio == nil {
		t.Fatalf("manual form not shown (%d entries)", len(entries))
	}
	return &manualScreen{issuer: entries[0], name: entries[1], key: entries[2], digits: radio}
}

// qrFile writes a PNG QR code of text into dir.
func qrFile(t *testing.T, text string) fyne.URI {
	t.Helper()
	png, err := qrcode.Encode(text, qrcode.Medium, 320)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "code.png")
	if err := os.WriteFile(p, png, 0o600); err != nil {
		t.Fatal(err)
	}
	return storage.NewFileURI(p)
}

func TestAddFromImage(t *testing.T) {
	u, _ := newUnlockedUI(t)
	uri := qrFile(t, "otpauth://totp/ACME:carol@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME")
	r, err := storage.Reader(uri)
	if err != nil {
		t.Fatal(err)
	}
	u.onAdd()
	u.scanReader(r, func(msg string) { t.Fatal(msg) })
	mustShow(t, u, "Account details")
	mustShow(t, u, "carol@example.com")
	test.Tap(button(t, u, "Save"))
	if accts := u.vault.Accounts(); len(accts) != 1 || accts[0].Issuer != "ACME" {
		t.Fatalf("vault holds %+v", accts)
	}
}

// TestOpenImageThroughDialog chooses a QR image in fyne's own open dialog
// from the add screen ("Open an image…", on a phone "Choose a photo…"):
// only images are listed, the picker counts as open while it shows, and the
// chosen image reaches the details screen.
func TestOpenImageThroughDialog(t *testing.T) {
	u, _ := newUnlockedUI(t)
	u.win.Resize(fyne.NewSize(800, 700)) // room for the dialog's file list
	img := qrFile(t, "otpauth://totp/ACME:carol@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME")
	dir := filepath.Dir(img.Path())
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not an image"), 0o600); err != nil {
		t.Fatal(err)
	}
	// The dialog opens in the folder it last showed.
	u.app.Preferences().SetString("fyne:fileDialogLastFolder", storage.NewFileURI(dir).String())
	u.onAdd()
	open := "Open an image…"
	if isMobile() {
		open = "Choose a photo…"
	}
	test.Tap(button(t, u, tr(open)))
	if u.pickers != 1 {
		t.Fatalf("%d pickers open while the dialog shows, want 1", u.pickers)
	}
	var item fyne.Tappable
	ovs := u.win.Canvas().Overlays().List()
	if len(ovs) == 0 {
		t.Fatal("no open dialog")
	}
	walk(ovs[len(ovs)-1], func(o fyne.CanvasObject) {
		if !strings.HasSuffix(fmt.Sprintf("%T", o), ".fileDialogItem") {
			return
		}
		name := strings.Join(texts(o), "")
		if strings.Contains(name, "notes") {
			t.Errorf("the image dialog lists %q", name)
		}
		if strings.Contains(name, "code") {
			item = o.(fyne.Tappable)
		}
	})
	if item == nil {
		t.Fatalf("the dialog does not list code.png; it shows %q", texts(ovs[len(ovs)-1]))
	}
	item.Tapped(&fyne.PointEvent{})
	test.Tap(button(t, u, "Open"))
	mustShow(t, u, "Account details")
	mustShow(t, u, "carol@example.com")
	if u.pickers != 0 {
		t.Fatalf("%d pickers still counted open after the dialog closed", u.pickers)
	}
}

// Back from the details of a scanned account that is not saved yet asks
// before it forgets the account; Cancel keeps the screen.
func TestBackFromNewAccountAsks(t *testing.T) {
	u, _ := newUnlockedUI(t)
	r, err := storage.Reader(qrFile(t, "otpauth://totp/ACME:carol@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME"))
	if err != nil {
		t.Fatal(err)
	}
	u.onAdd()
	u.scanReader(r, func(msg string) { t.Fatal(msg) })
	mustShow(t, u, "Account details")
	backButton := func() *widget.Button {
		var b *widget.Button
		walk(u.win.Content(), func(o fyne.CanvasObject) {
			if w, ok := anyButton(o); ok && w.Icon != nil && w.Icon.Name() == theme.NavigateBackIcon().Name() {
				b = w
			}
		})
		if b == nil {
			t.Fatal("no back arrow")
		}
		return b
	}
	test.Tap(backButton())
	mustShow(t, u, "Discard this account?")
	test.Tap(button(t, u, "Cancel"))
	mustShow(t, u, "Account details")
	mustShow(t, u, "carol@example.com")

	test.Tap(backButton())
	test.Tap(button(t, u, "Discard"))
	mustShow(t, u, "No accounts yet")
	if n := len(u.vault.Accounts()); n != 0 {
		t.Fatalf("discarding saved %d accounts", n)
	}
}

func TestDropImageAndNoCode(t *testing.T) {
	u, _ := newUnlockedUI(t)
	u.onDropped(fyne.NewPos(1, 1), []fyne.URI{qrFile(t, "otpauth://totp/Drop:dan?secret=JBSWY3DPEHPK3PXP")})
	mustShow(t, u, "Account details")

	// A QR code that is not for two-step verification says so.
	u.onDropped(fyne.NewPos(1, 1), []fyne.URI{qrFile(t, "https://example.com/")})
	mustShow(t, u, "not for two-step verification")
}

func TestMigrationChecklist(t *testing.T) {
	u, _ := newUnlockedUI(t)
	var accts []accounts.Account
	for _, n := range []string{"one", "two", "three"} {
		accts = append(accts, testAccount(t, "Mig", n, "JBSWY3DPEHPK3PXP"+strings.ToUpper(n[:1])+"A"))
	}
	uris, err := accounts.MigrationURIs(accts, 2)
	if err != nil || len(uris) != 2 {
		t.Fatalf("MigrationURIs: %v %d", err, len(uris))
	}
	u.onTexts([]string{uris[0]}, func(msg string) { t.Fatal(msg) })
	mustShow(t, u, "Found 2 accounts")
	mustShow(t, u, "part 1 of 2")
	var checks []*widget.Check
	walk(u.win.Content(), func(o fyne.CanvasObject) {
		if c, ok := o.(*widget.Check); ok {
			checks = append(checks, c)
		}
	})
	test.Tap(checks[1]) // leave "two" out
	test.Tap(button(t, u, "Add selected"))
	got := u.vault.Accounts()
	if len(got) != 1 || got[0].Name != "one" {
		t.Fatalf("vault holds %+v", got)
	}
}

func TestCopyAndClearClipboard(t *testing.T) {
	a := testAccount(t, "GitHub", "alice", "JBSWY3DPEHPK3PXP")
	u, _ := newUnlockedUI(t, a)
	want, _ := a.CodeAt(testNow)
	cb := fyne.CurrentApp().Clipboard()

	u.list.list.Select(0) // a click on the row
	if cb.Content() != want.Current {
		t.Fatalf("clipboard %q, want %q", cb.Content(), want.Current)
	}
	mustShow(t, u, "Copied the code for GitHub (alice)")
	mustShow(t, u, "cleared in 30 s")
	if used, _ := u.vault.Account(a.ID); used.LastUsed.IsZero() {
		t.Fatal("copy did not mark the account used")
	}
	u.timers.fire(timerClipboard)
	if cb.Content() != "" {
		t.Fatal("clipboard not cleared after the delay")
	}

	// Enter on the focused list copies too; the clipboard is left alone if
	// the user copied something else meanwhile.
	u.win.Canvas().Focus(u.list.list)
	u.list.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if cb.Content() != want.Current {
		t.Fatal("Enter did not copy")
	}
	cb.SetContent("something else")
	u.timers.fire(timerClipboard)
	if cb.Content() != "something else" {
		t.Fatal("the clipboard was cleared although it no longer held the code")
	}
}

func TestSearch(t *testing.T) {
	u, _ := newUnlockedUI(t,
		testAccount(t, "GitHub", "alice", "JBSWY3DPEHPK3PXP"),
		testAccount(t, "GitLab", "bob", "JBSWY3DPEHPK3PXQ"),
		testAccount(t, "Example", "carol", "JBSWY3DPEHPK3PXR"))
	if len(u.list.shown) != 3 {
		t.Fatalf("shown %d", len(u.list.shown))
	}
	// Type-to-search: typing with nothing focused goes to the search field.
	u.win.Canvas().Unfocus()
	test.TypeOnCanvas(u.win.Canvas(), "git")
	if u.list.search.Text != "git" || len(u.list.shown) != 2 {
		t.Fatalf("search %q shows %d", u.list.search.Text, len(u.list.shown))
	}
	test.Type(u.list.search, "l")
	if len(u.list.shown) != 1 || u.list.shown[0].Issuer != "GitLab" {
		t.Fatalf("search %q shows %+v", u.list.search.Text, u.list.shown)
	}
	u.list.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	gl := u.list.shown[0]
	code, _ := gl.CodeAt(testNow)
	if fyne.CurrentApp().Clipboard().Content() != code.Current {
		t.Fatal("Enter in search did not copy the first match")
	}
	u.list.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if len(u.list.shown) != 3 {
		t.Fatal("Escape did not clear the search")
	}
	u.list.search.SetText("nothing like it")
	if len(u.list.shown) != 0 {
		t.Fatal("search matched nothing but shows rows")
	}
	// Ctrl+F focuses search.
	u.win.Canvas().Focus(u.list.list)
	u.onShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault})
	if u.win.Canvas().Focused() != u.list.search {
		t.Fatal("Ctrl+F did not focus the search")
	}
}

func TestSortAndGroups(t *testing.T) {
	b := testAccount(t, "Beta", "", "JBSWY3DPEHPK3PXP")
	a := testAccount(t, "alpha", "", "JBSWY3DPEHPK3PXQ")
	a.Group = "Work"
	u, _ := newUnlockedUI(t, b, a)
	if u.list.shown[0].Issuer != "Beta" {
		t.Fatal("manual order not kept")
	}
	u.list.sortBy.SetSelectedIndex(1)
	if u.list.shown[0].Issuer != "alpha" || u.prefs.sortOrder() != sortName {
		t.Fatal("sort by name failed")
	}
	if !u.list.group.Visible() {
		t.Fatal("the group filter is hidden although there is a group")
	}
	u.list.group.SetSelected("Work")
	if len(u.list.shown) != 1 {
		t.Fatal("group filter failed")
	}
}

func TestTickSetsTextWithoutRefresh(t *testing.T) {
	a := testAccount(t, "GitHub", "alice", "JBSWY3DPEHPK3PXP")
	u, _ := newUnlockedUI(t, a)
	updates := 0
	upd := u.list.list.UpdateItem
	u.list.list.UpdateItem = func(id widget.ListItemID, o fyne.CanvasObject) { updates++; upd(id, o) }
	r := rowFor(t, u, a.ID)
	// 10 s left: the ring shows the 3 s step it is in (12 s of 30), and no
	// number until the last seconds.
	if r.countdown.Text != "" || r.next.Visible() || r.ring.EndAngle != 144 || r.ring.FillColor != r.themeColor(theme.ColorNamePrimary) {
		t.Fatalf("countdown %q, ring %v° at 20 s into the period", r.countdown.Text, r.ring.EndAngle)
	}
	u.tick(testNow.Add(time.Second))
	if r.ring.EndAngle != 360*9/30. {
		t.Fatalf("ring %v° with 9 s left; want the 9 s step", r.ring.EndAngle)
	}
	// Within a step nothing drawn changes (so nothing is refreshed).
	u.tick(testNow.Add(2 * time.Second))
	if r.ring.EndAngle != 360*9/30. || r.countdown.Text != "" {
		t.Fatalf("ring %v°, countdown %q with 8 s left", r.ring.EndAngle, r.countdown.Text)
	}
	for i := 3; i <= 6; i++ {
		u.tick(testNow.Add(time.Duration(i) * time.Second))
	}
	if updates != 0 {
		t.Fatalf("ticks re-ran UpdateItem %d times; they must only set text", updates)
	}
	warning := r.themeColor(theme.ColorNameWarning)
	if r.countdown.Text != "4" || r.countdown.Color != warning || r.ring.FillColor != warning || r.ring.EndAngle != 360*4/30. {
		t.Fatalf("countdown %q colour %v in the last 5 s", r.countdown.Text, r.countdown.Color)
	}
	next, _ := u.list.shown[0].CodeAt(testNow)
	if !r.next.Visible() || !strings.Contains(r.next.Text, accounts.GroupCode(next.Next)) {
		t.Fatalf("next code not shown near expiry: %q", r.next.Text)
	}
	u.tick(testNow.Add(10 * time.Second))
	if r.code.Text != accounts.GroupCode(next.Next) || r.next.Visible() || r.countdown.Color == warning {
		t.Fatal("new period: the next code must become the current one")
	}
}

func TestHOTPNextCode(t *testing.T) {
	a := testAccount(t, "Bank", "", "JBSWY3DPEHPK3PXP")
	a.Type, a.Period = accounts.HOTP, 0
	u, _ := newUnlockedUI(t, a)
	r := rowFor(t, u, a.ID)
	first := r.code.Text
	if !r.hotp.Visible() || r.countdown.Visible() {
		t.Fatal("HOTP row needs a next-code button and no countdown")
	}
	test.Tap(r.hotp)
	if got, _ := u.vault.Account(a.ID); got.Counter != 1 || rowFor(t, u, a.ID).code.Text == first {
		t.Fatal("next code did not advance the counter")
	}
}

func TestDeleteConfirmed(t *testing.T) {
	a := testAccount(t, "GitHub", "alice", "JBSWY3DPEHPK3PXP")
	u, _ := newUnlockedUI(t, a)
	u.onDelete(a.ID)
	mustShow(t, u, "You can undo this")
	// The dialog is the message and two buttons: no faded question mark
	// behind the text, and no tick on the destructive button.
	for _, o := range u.win.Canvas().Overlays().List() {
		walk(o, func(o fyne.CanvasObject) {
			if img, ok := o.(*canvas.Image); ok && img.Resource != nil && img.Resource.Name() == theme.QuestionIcon().Name() {
				t.Error("the delete dialog shows a question-mark watermark")
			}
		})
	}
	del := button(t, u, "Delete")
	// and no empty band between the message and the buttons
	drv := fyne.CurrentApp().Driver()
	walk(u.win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && strings.Contains(l.Text, "You can undo this") {
			bottom := drv.AbsolutePositionForObject(l).Y + l.MinSize().Height
			if gap := drv.AbsolutePositionForObject(del).Y - bottom; gap > 4*theme.Padding() {
				t.Errorf("%.0f px of empty space between the message and the buttons", gap)
			}
		}
	})
	if del.Importance != widget.DangerImportance || del.Icon == nil || del.Icon.Name() != theme.DeleteIcon().Name() {
		t.Errorf("Delete button: importance %v, icon %v; want a red button with a bin icon", del.Importance, del.Icon)
	}
	test.Tap(del)
	if len(u.vault.Accounts()) != 0 {
		t.Fatal("not deleted")
	}
	mustShow(t, u, "No accounts yet")
}

func TestEditAndShowQR(t *testing.T) {
	a := testAccount(t, "GitHub", "alice", "JBSWY3DPEHPK3PXP")
	u, _ := newUnlockedUI(t, a)
	u.onEdit(a.ID)
	s := &detailsScreen{}
	walk(u.win.Content(), func(o fyne.CanvasObject) {
		if sw, ok := o.(*swatch); ok && s.swatches == nil {
			s.swatches = append(s.swatches, sw)
		}
	})
	test.Tap(s.swatches[0])
	test.Tap(button(t, u, "Save"))
	if got, _ := u.vault.Account(a.ID); got.Color != palette()[0] {
		t.Fatalf("colour %q not saved", got.Color)
	}

	u.onShowQR(a.ID)
	pw := focusedEntry(t, u)
	test.Type(pw, "wrong")
	test.Tap(button(t, u, "OK"))
	mustShow(t, u, "The password is not right")
	u.onShowQR(a.ID)
	test.Type(focusedEntry(t, u), testPassword)
	test.Tap(button(t, u, "OK"))
	mustShow(t, u, "Scan this with the authenticator app")
}

func TestIdleLock(t *testing.T) {
	u, _ := newUnlockedUI(t, testAccount(t, "GitHub", "alice", "JBSWY3DPEHPK3PXP"))
	u.timers.fire(timerIdle) // the auto-lock delay passes with no use
	if u.vault != nil || u.list != nil {
		t.Fatal("not locked after the idle delay")
	}
	mustShow(t, u, "Nidan is locked")
}

// The list's lock button shows a padlock (not Fyne's "login" arrow, which
// reads as signing in) and locks.
func TestLockButtonIsAPadlock(t *testing.T) {
	u, _ := newUnlockedUI(t, testAccount(t, "GitHub", "alice", "JBSWY3DPEHPK3PXP"))
	var lockB *widget.Button
	walk(u.win.Content(), func(o fyne.CanvasObject) {
		if b, ok := anyButton(o); ok && b.Icon != nil {
			if b.Icon.Name() == theme.LoginIcon().Name() {
				t.Error("a list button shows the login icon")
			}
			if strings.HasSuffix(b.Icon.Name(), "lock.svg") {
				lockB = b
			}
		}
	})
	if lockB == nil {
		t.Fatal("no padlock button on the list")
	}
	test.Tap(lockB)
	if u.vault != nil {
		t.Fatal("the padlock button did not lock")
	}
	mustShow(t, u, "Nidan is locked")
}

func TestSettingsAndLanguage(t *testing.T) {
	u, _ := newUnlockedUI(t, testAccount(t, "GitHub", "alice", "JBSWY3DPEHPK3PXP"))
	t.Cleanup(func() { applyLanguage("en") })
	u.onSettings()
	mustShow(t, u, "Clear clipboard")
	(&settingsScreen{u: u}).onLanguage("ja")
	mustShow(t, u, "設定")
	u.showList()
	mustShow(t, u, "GitHub")
	if !strings.Contains(u.list.search.PlaceHolder, "検索") {
		t.Fatalf("search placeholder %q not in Japanese", u.list.search.PlaceHolder)
	}
	(&settingsScreen{u: u}).onLanguage("en")
	mustShow(t, u, "Settings")
}

func TestImportURIList(t *testing.T) {
	u, _ := newUnlockedUI(t)
	var buf bytes.Buffer
	formats.ExportURIs(&buf, []accounts.Account{testAccount(t, "Imp", "x", "JBSWY3DPEHPK3PXP")})
	u.importData(buf.Bytes(), "")
	mustShow(t, u, "Found 1 accounts")
	mustShow(t, u, "1 new, 0 newer than the copy in Nidan, 0 already in Nidan.")
	test.Tap(button(t, u, "Add selected"))
	if len(u.vault.Accounts()) != 1 {
		t.Fatal("import added nothing")
	}

	// Again, with one bad line: the preview marks the duplicate (unticked),
	// lists the bad entry with its reason, and adding changes nothing.
	buf.WriteString("otpauth://totp/Broken:y?secret=1\n")
	u.importData(buf.Bytes(), "")
	mustShow(t, u, "0 new, 0 newer than the copy in Nidan, 1 already in Nidan.")
	mustShow(t, u, "• line 2: secret: secret is not valid base32")
	mustShow(t, u, "Imp (x) — already in Nidan")
}

// ☰ › Import takes a saved picture of a Google Authenticator export QR
// code, as Add › Open image does, and a picture without a code fails
// with the scanner's explanation, adding nothing.
func TestImportQRImage(t *testing.T) {
	u, _ := newUnlockedUI(t)
	uris, err := accounts.MigrationURIs([]accounts.Account{
		testAccount(t, "ACME", "carol", "JBSWY3DPEHPK3PXP"),
		testAccount(t, "Initech", "dave", "GEZDGNBVGY3TQOJQ"),
	}, 10)
	if err != nil {
		t.Fatal(err)
	}
	code, err := qrcode.Encode(uris[0], qrcode.Medium, 320)
	if err != nil {
		t.Fatal(err)
	}
	u.importData(code, "")
	mustShow(t, u, "Initech (dave)")
	mustShow(t, u, "ACME (carol)")

	var blank bytes.Buffer
	if err := png.Encode(&blank, image.NewGray(image.Rect(0, 0, 200, 200))); err != nil {
		t.Fatal(err)
	}
	u.showList()
	u.importData(blank.Bytes(), "")
	mustShow(t, u, "No QR code found")
	if n := len(u.vault.Accounts()); n != 0 {
		t.Fatalf("%d accounts added before the checklist was confirmed", n)
	}
}

// The other image sources fail clearly on this machine (no camera, no
// image on the clipboard, no screen to capture under the test driver).
func TestOtherSourcesExplainFailure(t *testing.T) {
	if isMobile() {
		t.Skip("a phone has none of these sources (phone_test.go)")
	}
	u, _ := newUnlockedUI(t)
	u.onAdd()
	test.Tap(button(t, u, "Use the camera"))
	if _, err := os.Stat("/dev/video0"); err != nil {
		mustShow(t, u, "No camera was found")
	}
	for _, b := range []string{"Paste an image", "Scan the screen"} {
		u.onAdd()
		test.Tap(button(t, u, b))
		var msg *widget.Label
		walk(u.win.Content(), func(o fyne.CanvasObject) {
			if l, ok := o.(*widget.Label); ok && l.Importance == widget.DangerImportance {
				msg = l
			}
		})
		if msg == nil || msg.Text == "" {
			t.Errorf("%s: no message; screen shows %q", b, texts(u.win.Content()))
		} else {
			t.Logf("%s: %s", b, msg.Text)
		}
	}
}

// TestClickRowCopies: a left click reaches the row (the real driver hands it
// to the row, the topmost tappable widget), which copies its code.
func TestClickRowCopies(t *testing.T) {
	a := testAccount(t, "GitHub", "alice", "JBSWY3DPEHPK3PXP")
	b := testAccount(t, "GitLab", "bob", "GEZDGNBVGY3TQOJQ")
	u, _ := newUnlockedUI(t, a, b)
	test.Tap(rowFor(t, u, b.ID))
	want, _ := b.CodeAt(testNow)
	if got := u.app.Clipboard().Content(); got != want.Current {
		t.Fatalf("clipboard %q, want bob's code %q", got, want.Current)
	}
}

// TestCopyHOTPAdvances: copying a counter-based code uses it up, as the CLI
// does: the vault's counter is saved past it before it is handed out.
func TestCopyHOTPAdvances(t *testing.T) {
	a := testAccount(t, "Bank", "", "JBSWY3DPEHPK3PXP")
	a.Type, a.Period = accounts.HOTP, 0
	u, _ := newUnlockedUI(t, a)
	want, _ := a.CodeAt(testNow) // counter 0
	u.copyCode(a.ID)
	if got := u.app.Clipboard().Content(); got != want.Current {
		t.Fatalf("copied %q, want counter 0's code %q", got, want.Current)
	}
	if got, _ := u.vault.Account(a.ID); got.Counter != 1 {
		t.Fatalf("counter %d after copying, want 1", got.Counter)
	}
	u.copyCode(a.ID)
	if u.app.Clipboard().Content() == want.Current {
		t.Fatal("the same HOTP code was handed out twice")
	}
}

// TestSaveThroughDialog saves a backup and an otpauth list through fyne's
// own save dialog: each file is made private and holds the account, the
// picker counts as open while the dialog shows, and a toast says it worked.
func TestSaveThroughDialog(t *testing.T) {
	for _, tt := range []struct {
		name, file, toast string
		start             func(u *ui)
		check             func(t *testing.T, data []byte)
	}{
		{"backup", "nidan-backup.nidan", "The backup was saved.",
			func(u *ui) { u.onBackups(); test.Tap(button(t, u, tr("Save a backup…"))) },
			func(t *testing.T, data []byte) {
				accts, err := vault.ReadBackup(bytes.NewReader(data), []byte(testPassword))
				if err != nil || len(accts) != 1 || accts[0].Issuer != "GitHub" {
					t.Fatalf("the backup holds %+v (%v)", accts, err)
				}
			}},
		{"export", "nidan-export-uris.txt", "The accounts were exported.",
			func(u *ui) {
				u.onExport()
				walk(u.win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
					if r, ok := o.(*widget.RadioGroup); ok {
						for _, opt := range r.Options {
							if strings.HasPrefix(opt, "otpauth://") {
								r.SetSelected(opt)
							}
						}
					}
				})
				test.Tap(button(t, u, tr("Export…")))
			},
			func(t *testing.T, data []byte) {
				if !strings.HasPrefix(string(data), "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP") {
					t.Fatalf("the export holds %q", data)
				}
			}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			u, _ := newUnlockedUI(t, testAccount(t, "GitHub", "alice", "JBSWY3DPEHPK3PXP"))
			u.win.Resize(fyne.NewSize(800, 700))
			dir := t.TempDir()
			u.app.Preferences().SetString("fyne:fileDialogLastFolder", storage.NewFileURI(dir).String())
			tt.start(u)
			if u.pickers != 1 {
				t.Fatalf("%d pickers open while the save dialog shows, want 1", u.pickers)
			}
			test.Tap(button(t, u, "Save"))
			if u.pickers != 0 {
				t.Fatalf("%d pickers still counted open after the dialog closed", u.pickers)
			}
			path := filepath.Join(dir, tt.file)
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatalf("nothing saved as %s: %v", tt.file, err)
			}
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("mode %v, want 0600", fi.Mode().Perm())
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, data)
			mustShow(t, u, tr(tt.toast))
		})
	}
}

func TestExportFileIsPrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "export.txt")
	w, err := storage.Writer(storage.NewFileURI(path))
	if err != nil {
		t.Fatal(err)
	}
	if err := makePrivate(w); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v (%v), want 0600", fi.Mode().Perm(), err)
	}
}

// The export dialog offers what the format registry writes.
func TestExportChoicesFromRegistry(t *testing.T) {
	if isMobile() {
		t.Skip("desktop: a phone has no camera window and its own export labels (phone_test.go)")
	}
	u, _ := newUnlockedUI(t)
	u.onExport()
	for _, want := range []string{"Aegis — encrypted with your backup password", "Bitwarden — NOT encrypted", "CXF — NOT encrypted", "2FAS — NOT encrypted", "otpauth:// list — NOT encrypted"} {
		mustShow(t, u, want)
	}
	// The plain-file warning is for the plain formats, not under Aegis's
	// encrypted one.
	const warning = "A plain list lets anyone"
	if shows(u, warning) {
		t.Fatal("the plain-file warning shows with the encrypted Aegis export chosen")
	}
	var choice *widget.RadioGroup
	walk(u.win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if r, ok := o.(*widget.RadioGroup); ok {
			choice = r
		}
	})
	choice.SetSelected("Bitwarden — NOT encrypted")
	mustShow(t, u, warning)
}

// TestTickDrawsRarely: Fyne repaints the whole window for any change, so
// over a 30 s period a row may change what it draws at most at each ring
// step and in the last seconds, not every second.
func TestTickDrawsRarely(t *testing.T) {
	a := testAccount(t, "GitHub", "alice", "JBSWY3DPEHPK3PXP")
	u, _ := newUnlockedUI(t, a)
	r := rowFor(t, u, a.ID)
	drawn := func() string {
		return fmt.Sprint(r.code.Text, "|", r.countdown.Text, "|", r.ring.EndAngle, "|", r.next.Text, r.next.Visible())
	}
	last, changes := drawn(), 0
	for i := 1; i <= 30; i++ {
		u.tick(testNow.Add(time.Duration(i) * time.Second))
		if d := drawn(); d != last {
			changes++
			last = d
		}
	}
	if want := 30/ringStep + warnSeconds; changes == 0 || changes > want {
		t.Fatalf("a row changed what it draws on %d of 30 ticks; want at most %d", changes, want)
	}
}

// A click on the lock screen's background takes the focus from the
// password field; the password typed next, and its Enter, still unlock.
func TestTypeToPasswordAfterAClick(t *testing.T) {
	u, _ := newUnlockedUI(t, testAccount(t, "GitHub", "alice", "JBSWY3DPEHPK3PXP"))
	u.lock()
	u.win.Canvas().Unfocus()
	test.TypeOnCanvas(u.win.Canvas(), testPassword)
	if u.locked == nil || u.locked.password.Text != testPassword {
		t.Fatal("the password typed with nothing focused did not reach the password field")
	}
	u.win.Canvas().Unfocus()
	u.onKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if u.vault == nil || u.locked != nil {
		t.Fatal("Enter with nothing focused did not unlock")
	}
}

package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/vault"
)

// A copied code is announced by a toast that leaves the keyboard where it
// was, never widens the window, and goes by itself.
func TestToastKeepsFocusAndGoes(t *testing.T) {
	a := testAccount(t, "GitHub", "alice", "JBSWY3DPEHPK3PXP")
	u, _ := newUnlockedUI(t, a)
	min0 := u.win.Content().MinSize()
	u.win.Canvas().Focus(u.list.search)
	long := strings.Repeat("a very long notice that would widen the window ", 10)
	u.copyCode(a.ID)
	if got := u.toasts.text(); !strings.Contains(got, "Copied the code for GitHub") {
		t.Fatalf("toast %q, want the copied notice", got)
	}
	if f := u.win.Canvas().Focused(); f != u.list.search {
		t.Fatalf("focus went to %T with the toast, want the search field", f)
	}
	test.Type(u.list.search, "git")
	if u.list.search.Text != "git" {
		t.Fatalf("typing with a toast up reached %q in the search field", u.list.search.Text)
	}
	u.toasts.show(long, nil)
	if m := u.win.Content().MinSize(); m.Width > min0.Width+0.5 {
		t.Fatalf("a long toast widened the window's minimum from %.0f to %.0f", min0.Width, m.Width)
	}
	if w := u.toasts.cur.Size().Width; w > u.win.Canvas().Size().Width {
		t.Fatalf("toast %.0f px wide in a %.0f px window", w, u.win.Canvas().Size().Width)
	}
	u.timers.fire(timerNotice)
	if got := u.toasts.text(); got != "" {
		t.Fatalf("toast %q still up after its time", got)
	}
}

// Success messages are toasts now, not dialogs that must be dismissed.
func TestSavedIsAToastNotADialog(t *testing.T) {
	a := testAccount(t, "GitHub", "alice", "JBSWY3DPEHPK3PXP")
	u, _ := newUnlockedUI(t, a)
	u.onEdit(a.ID)
	test.Tap(button(t, u, "Save"))
	if len(u.dialogs) != 0 || u.win.Canvas().Overlays().Top() != nil {
		t.Fatal("saving opened a dialog")
	}
	if got := u.toasts.text(); got != "Saved." {
		t.Fatalf("toast %q, want Saved.", got)
	}
}

func ids(v *vault.Vault) []string {
	var out []string
	for _, a := range v.Accounts() {
		out = append(out, a.Label())
	}
	return out
}

// Undo on the delete toast brings the same account back at its place, on
// disk too.
func TestUndoDelete(t *testing.T) {
	a := testAccount(t, "GitHub", "alice", "JBSWY3DPEHPK3PXP")
	b := testAccount(t, "Example", "bob", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
	c := testAccount(t, "Mail", "carol", "MFRGGZDFMZTWQ2LK")
	u, _ := newUnlockedUI(t, a, b, c)
	want := ids(u.vault)
	u.onDelete(b.ID)
	test.Tap(button(t, u, "Delete"))
	if n := len(u.vault.Accounts()); n != 2 {
		t.Fatalf("%d accounts after delete, want 2", n)
	}
	if !strings.Contains(u.toasts.text(), "Deleted Example (bob)") {
		t.Fatalf("toast %q", u.toasts.text())
	}
	test.Tap(button(t, u, "Undo"))
	if got := ids(u.vault); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("after undo: %q, want %q", got, want)
	}
	back := u.vault.Accounts()[1]
	if !back.SameKey(&b) {
		t.Fatal("the restored account has another key")
	}
	if !strings.Contains(u.toasts.text(), "Restored Example (bob)") {
		t.Fatalf("toast %q after undo", u.toasts.text())
	}
	// The file says the same: lock, open again from disk.
	u.lock()
	v, err := vault.Open(u.path, []byte(testPassword), u.vaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer v.Lock()
	if got := ids(v); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("on disk after undo: %q, want %q", got, want)
	}
}

// Locking (or quitting) in the undo window leaves the vault as the list
// showed it, the account deleted as confirmed; the Undo cannot run
// against the locked vault, and no copy of the key is left on a toast.
func TestLockDuringUndoWindow(t *testing.T) {
	a := testAccount(t, "GitHub", "alice", "JBSWY3DPEHPK3PXP")
	b := testAccount(t, "Example", "bob", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
	u, _ := newUnlockedUI(t, a, b)
	u.deleteAccount(a.ID)
	act := u.toasts.action
	if act == nil {
		t.Fatal("no Undo on the delete toast")
	}
	u.lock()
	if u.toasts.text() != "" || u.toasts.action != nil {
		t.Fatal("the undo toast outlived the lock")
	}
	act.do() // a stale Undo (a click queued before the lock) does nothing
	v, err := vault.Open(u.path, []byte(testPassword), u.vaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer v.Lock()
	got := v.Accounts()
	if len(got) != 1 || got[0].ID != b.ID {
		t.Fatalf("on disk after a lock in the undo window: %q, want only Example (bob)", ids(v))
	}
	u.unlocked(v)
	if u.toasts.text() != "" {
		t.Fatalf("toast %q after unlocking again", u.toasts.text())
	}
}

// Ctrl+Z with the list focused is the toast's Undo.
func TestCtrlZUndoesDelete(t *testing.T) {
	a := testAccount(t, "GitHub", "alice", "JBSWY3DPEHPK3PXP")
	u, _ := newUnlockedUI(t, a)
	u.deleteAccount(a.ID)
	u.win.Canvas().Focus(u.list.list)
	u.list.list.TypedShortcut(&fyne.ShortcutUndo{})
	if n := len(u.vault.Accounts()); n != 1 {
		t.Fatalf("%d accounts after Ctrl+Z, want 1", n)
	}
	var back accounts.Account = u.vault.Accounts()[0]
	if !back.SameKey(&a) {
		t.Fatal("Ctrl+Z brought back another key")
	}
}

// An icon button's tooltip shows after the pointer rests on it, leaves the
// keyboard alone, and goes when the pointer leaves or clicks.
func TestTooltip(t *testing.T) {
	a := testAccount(t, "GitHub", "alice", "JBSWY3DPEHPK3PXP")
	u, _ := newUnlockedUI(t, a)
	var lock *tipButton
	walk(u.win.Content(), func(o fyne.CanvasObject) {
		if b, ok := o.(*tipButton); ok && b.tip == "Lock (Ctrl+L)" {
			lock = b
		}
	})
	if lock == nil {
		t.Fatal("the lock button has no tooltip")
	}
	u.win.Canvas().Focus(u.list.search)
	lock.MouseIn(&desktop.MouseEvent{})
	if u.tips.text() != "" {
		t.Fatal("the tip showed before the pointer rested")
	}
	u.timers.fire(timerTip)
	if isMobile() {
		// A phone has no pointer to rest: a tip would only cover what
		// the finger is about to tap.
		if got := u.tips.text(); got != "" {
			t.Fatalf("tip %q on a phone", got)
		}
		return
	}
	if got := u.tips.text(); got != "Lock (Ctrl+L)" {
		t.Fatalf("tip %q after resting on the lock button", got)
	}
	if !shows(u, "Lock (Ctrl+L)") {
		t.Fatal("the tip is not drawn in the window")
	}
	tip := u.tips.layer.Objects[0]
	if p, s := tip.Position(), u.tips.layer.Size(); p.X < 0 || p.X+tip.Size().Width > s.Width+0.5 || p.Y < 0 {
		t.Fatalf("tip at %v size %v outside the window %v", p, tip.Size(), s)
	}
	if u.win.Canvas().Focused() != u.list.search {
		t.Fatal("the tip took the focus")
	}
	lock.MouseOut()
	if u.tips.text() != "" {
		t.Fatal("the tip stayed after the pointer left")
	}
	lock.MouseIn(&desktop.MouseEvent{})
	u.timers.fire(timerTip)
	test.Tap(lock) // locks
	if u.tips.text() != "" {
		t.Fatal("the tip stayed after a click")
	}
}

// The pointer over a toast, or over its Undo, holds it: the notice's time
// does not run out while the user reaches for the button, and it goes by
// itself once the pointer leaves.
func TestToastHeldUnderThePointer(t *testing.T) {
	a := testAccount(t, "GitHub", "alice", "JBSWY3DPEHPK3PXP")
	b := testAccount(t, "Example", "bob", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
	u, _ := newUnlockedUI(t, a, b)
	u.onDelete(b.ID)
	test.Tap(button(t, u, "Delete"))
	cur := u.toasts.cur
	cur.MouseIn(&desktop.MouseEvent{})
	cur.MouseOut()
	cur.btn.MouseIn(&desktop.MouseEvent{}) // from the text onto Undo
	u.timers.fire(timerNotice)
	if u.toasts.cur != cur {
		t.Fatal("the toast went while the pointer was over its Undo")
	}
	test.Tap(cur.btn)
	if n := len(u.vault.Accounts()); n != 2 {
		t.Fatalf("%d accounts after Undo under the pointer, want 2", n)
	}
	// A plain notice under the pointer stays, and leaves after it goes.
	u.toasts.show("Saved.", nil)
	u.toasts.cur.MouseIn(&desktop.MouseEvent{})
	u.timers.fire(timerNotice)
	if u.toasts.text() != "Saved." {
		t.Fatalf("toast %q under the pointer, want Saved.", u.toasts.text())
	}
	u.toasts.cur.MouseOut()
	u.timers.fire(timerNotice)
	if got := u.toasts.text(); got != "" {
		t.Fatalf("toast %q stayed after the pointer left", got)
	}
}

// In Japanese the copied toast's sentences follow each other without the
// English space after 。.
func TestJapaneseToastHasNoSpaceAfterPeriod(t *testing.T) {
	testLanguage = "ja"
	t.Cleanup(func() { testLanguage = "en"; applyLanguage("en") })
	a := testAccount(t, "GitHub", "alice", "JBSWY3DPEHPK3PXP")
	u, _ := newUnlockedUI(t, a)
	u.copyCode(a.ID)
	got := u.toasts.text()
	if !strings.Contains(got, "。") || strings.Contains(got, "。 ") {
		t.Fatalf("Japanese toast %q: want sentences joined without a space", got)
	}
}

// The row's ⋮ and HOTP buttons have tooltips. Moving from the row onto its
// ⋮ button (the driver tells the row it left first) keeps the button
// there, so that its tip can show; leaving it hides both.
func TestRowButtonTooltips(t *testing.T) {
	if isMobile() {
		t.Skip("no tooltips on a phone (TestPhoneRowMenuWithoutHover)")
	}
	a := testAccount(t, "GitHub", "alice", "JBSWY3DPEHPK3PXP")
	h := testAccount(t, "Bank", "4921", "KRSXG5CTMVRXEZLU")
	h.Type, h.Period = accounts.HOTP, 0
	u, _ := newUnlockedUI(t, a, h)
	u.showList()
	for _, wide := range []bool{false, true} {
		if wide {
			u.win.Resize(fyne.NewSize(1000, 640))
			u.win.Content().Refresh()
		}
		r := rowFor(t, u, a.ID)
		if wide {
			r = cardFor(t, u, a.ID)
		}
		r.MouseIn(&desktop.MouseEvent{})
		if !r.menu.Visible() {
			t.Fatalf("wide %v: no ⋮ button while the pointer is on the row", wide)
		}
		r.MouseOut()
		r.menu.MouseIn(&desktop.MouseEvent{})
		if !r.menu.Visible() {
			t.Fatalf("wide %v: the ⋮ button hid when the pointer came onto it", wide)
		}
		u.timers.fire(timerTip)
		if got := u.tips.text(); got != "More actions" {
			t.Fatalf("wide %v: tip %q on the ⋮ button", wide, got)
		}
		if !shows(u, "More actions") {
			t.Fatalf("wide %v: the ⋮ tip is not drawn", wide)
		}
		r.menu.MouseOut()
		if u.tips.text() != "" || r.menu.Visible() {
			t.Fatalf("wide %v: after the pointer left, tip %q, ⋮ shown %v", wide, u.tips.text(), r.menu.Visible())
		}

		hr := rowFor(t, u, h.ID)
		if wide {
			hr = cardFor(t, u, h.ID)
		}
		hr.MouseIn(&desktop.MouseEvent{})
		hr.MouseOut()
		hr.hotp.MouseIn(&desktop.MouseEvent{})
		u.timers.fire(timerTip)
		if got := u.tips.text(); got != "Next code" {
			t.Fatalf("wide %v: tip %q on the HOTP button", wide, got)
		}
		test.Tap(hr.hotp)
		if u.tips.text() != "" {
			t.Fatalf("wide %v: the HOTP tip stayed after the click", wide)
		}
		hr.hotp.MouseOut()
	}
}

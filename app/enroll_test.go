package app

import (
	"bytes"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/enroll"
	"github.com/nidan-auth/nidan/scanner"
)

type enrollClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *enrollClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *enrollClock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func newEnrollTestScreen(t *testing.T) (*enrollScreen, *enrollClock) {
	t.Helper()
	a := test.NewTempApp(t)
	st, err := enroll.OpenFileStore(filepath.Join(t.TempDir(), "enroll.json"))
	if err != nil {
		t.Fatal(err)
	}
	c := &enrollClock{t: time.Date(2026, 3, 1, 12, 0, 10, 0, time.UTC)}
	svc := enroll.NewService(st, enroll.Options{Issuer: "GUI Test", Now: c.Now, MaxFailures: 3,
		Password: enroll.PasswordParams{Time: 1, Memory: 64, Threads: 1}})
	s := newEnrollScreen(a, svc, true)
	t.Cleanup(s.win.Close)
	return s, c
}

// enrollFind returns the objects of type T under o, in layout order.
func enrollFind[T fyne.CanvasObject](o fyne.CanvasObject) []T {
	var out []T
	for _, c := range test.LaidOutObjects(o) {
		if v, ok := c.(T); ok {
			out = append(out, v)
		}
	}
	return out
}

func enrollButton(t *testing.T, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	for _, b := range enrollFind[*widget.Button](o) {
		if b.Text == text {
			return b
		}
	}
	t.Fatalf("no %q button", text)
	return nil
}

func TestEnrollmentWindow(t *testing.T) {
	s, c := newEnrollTestScreen(t)
	w := s.win
	if len(s.users) != 0 || s.detail.Visible() {
		t.Fatal("a new store shows users")
	}

	// Add a user through the dialog.
	test.Tap(enrollButton(t, w.Content(), "Add user"))
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no Add user dialog")
	}
	entries := enrollFind[*escEntry](top)
	if len(entries) != 2 {
		t.Fatalf("dialog has %d entries, want ID and password", len(entries))
	}
	// The fields are wide enough for an e-mail address, the ID has the
	// cursor, and Escape in it closes the dialog.
	if w := entries[0].Size().Width; w < 200 {
		t.Errorf("the User ID field is %.0f pt wide", w)
	}
	if w.Canvas().Focused() != entries[0] {
		t.Errorf("the dialog opens with the focus on %T, not the User ID", w.Canvas().Focused())
	}
	entries[0].TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if top.Visible() {
		t.Fatal("Escape in the User ID field left the dialog open")
	}
	test.Tap(enrollButton(t, w.Content(), "Add user"))
	top = w.Canvas().Overlays().Top()
	entries = enrollFind[*escEntry](top)
	test.Type(entries[0], "alice")
	entries[0].TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // Enter goes on to the password
	if w.Canvas().Focused() != entries[1] {
		t.Fatalf("Enter in the User ID moved the focus to %T, not the password", w.Canvas().Focused())
	}
	test.Type(entries[1], "pw")
	test.Tap(enrollButton(t, top, "Add"))
	if len(s.users) != 1 || s.selected != "alice" || !s.detail.Visible() {
		t.Fatalf("after adding: users %v, selected %q", s.users, s.selected)
	}
	if s.hint.Visible() { // the detail pane has no background: it showed through
		t.Fatal("the \"Select a user\" text stays on show under the user's details")
	}
	if s.register.Disabled() == false || s.beginB.Text != "Begin setup" {
		t.Error("setup offered before Begin")
	}

	// Setup: the QR code and the setup key.
	test.Tap(s.beginB)
	if !s.qr.Visible() || s.qr.Resource == nil || s.setupKey.Text == "" {
		t.Fatal("Begin shows no QR code or key")
	}
	rs, err := scanner.DecodeReader(bytes.NewReader(s.qr.Resource.Content()))
	if err != nil {
		t.Fatalf("scan the window's QR code: %v", err)
	}
	acct, err := accounts.ParseURI(rs[0].Text)
	if err != nil {
		t.Fatal(err)
	}
	if acct.Issuer != "GUI Test" || acct.Name != "alice" || accounts.GroupSecret(acct.Secret) != s.setupKey.Text {
		t.Errorf("QR %q / %q does not match the setup key %q", acct.Issuer, acct.Name, s.setupKey.Text)
	}
	codeNow := func() string {
		cd, err := acct.CodeAt(c.Now())
		if err != nil {
			t.Fatal(err)
		}
		return cd.Current
	}

	test.Type(s.code, "000000")
	test.Tap(s.register)
	if !strings.Contains(s.setupMsg.Text, "not right") {
		t.Errorf("wrong code: %q", s.setupMsg.Text)
	}
	s.code.SetText("")
	test.Type(s.code, codeNow())
	test.Tap(s.register)
	if !strings.Contains(s.setupMsg.Text, "Registered") || !strings.Contains(s.state.Text, "is on") {
		t.Errorf("register: %q, state %q", s.setupMsg.Text, s.state.Text)
	}
	if s.qr.Visible() || !s.register.Disabled() {
		t.Error("QR still offered after registering")
	}
	if txt := enrollStateText(s.users[0]); txt != "2FA on" {
		t.Errorf("list row says %q", txt)
	}

	// Login tester.
	login := func(pw, code string) string {
		s.loginPW.SetText("")
		s.loginCode.SetText("")
		test.Type(s.loginPW, pw)
		test.Type(s.loginCode, code)
		test.Tap(s.loginB)
		return s.result.Text
	}
	if s.loginID.Text != "alice" {
		t.Errorf("tester ID %q, want the selected user", s.loginID.Text)
	}
	c.Add(30 * time.Second)
	code := codeNow()
	if got := login("pw", code); !strings.HasPrefix(got, "Accepted") || s.result.Importance != widget.SuccessImportance {
		t.Errorf("right login: %q", got)
	}
	for _, tt := range []struct{ pw, code, want string }{
		{"pw", code, "already used"},
		{"nope", codeNow(), "wrong password"},
		{"pw", "123456", "wrong code"}, // third failure: locks
		{"pw", codeNow(), "locked out"},
	} {
		if got := login(tt.pw, tt.code); !strings.Contains(got, tt.want) || s.result.Importance != widget.DangerImportance {
			t.Errorf("login(%q, %q) = %q, want %q", tt.pw, tt.code, got, tt.want)
		}
	}
	if !strings.Contains(s.state.Text, "Locked out") {
		t.Errorf("state while locked: %q", s.state.Text)
	}

	// Reset, through its confirmation dialog.
	test.Tap(enrollButton(t, w.Content(), "Reset second factor"))
	top = w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no confirmation")
	}
	test.Tap(enrollButton(t, top, "Yes"))
	if !strings.Contains(s.state.Text, "is off") || s.beginB.Text != "Begin setup" {
		t.Errorf("after reset: state %q, button %q", s.state.Text, s.beginB.Text)
	}
	if got := login("pw", codeNow()); !strings.Contains(got, "not on") {
		t.Errorf("login after reset: %q", got)
	}
}

func TestEnrollmentWindowDelete(t *testing.T) {
	s, _ := newEnrollTestScreen(t)
	s.addUser("bob", "pw")
	s.addUser("bob", "pw") // duplicate: an error dialog, nothing else
	if len(s.users) != 1 {
		t.Fatalf("users %v", s.users)
	}
	if top := s.win.Canvas().Overlays().Top(); top != nil {
		top.Hide()
		s.win.Canvas().Overlays().Remove(top)
	}
	// Delete asks like the account delete does: a red "Delete user" with a
	// bin, no tick; Escape answers no.
	test.Tap(enrollButton(t, s.win.Content(), "Delete user"))
	s.onKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if s.win.Canvas().Overlays().Top() != nil || len(s.users) != 1 {
		t.Fatalf("Escape did not cancel the delete: overlay %v, users %v", s.win.Canvas().Overlays().Top(), s.users)
	}
	test.Tap(enrollButton(t, s.win.Content(), "Delete user"))
	yes := enrollButton(t, s.win.Canvas().Overlays().Top(), "Delete user")
	if yes.Importance != widget.DangerImportance || yes.Icon == nil || yes.Icon.Name() != theme.DeleteIcon().Name() {
		t.Errorf("delete button: importance %v, icon %v; want red with a bin", yes.Importance, yes.Icon)
	}
	test.Tap(yes)
	if len(s.users) != 0 || s.detail.Visible() || !s.hint.Visible() {
		t.Errorf("after delete: %v, detail visible %v, hint visible %v", s.users, s.detail.Visible(), s.hint.Visible())
	}
}

func TestOpenEnrollment(t *testing.T) {
	a := test.NewTempApp(t)
	t.Setenv("NIDAN_ENROLL_STORE", filepath.Join(t.TempDir(), "enroll.json"))
	w, err := OpenEnrollment(a)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if w.Title() != "Enrollment" {
		t.Errorf("title %q", w.Title())
	}
}

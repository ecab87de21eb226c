package app

import (
	"errors"
	"fmt"
	"os"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/nidan-auth/nidan/enroll"
)

// ShowEnrollment opens the Enrollment window: the service side of two-step
// verification over svc (see package enroll). An admin adds users, shows a
// user the QR code and setup key, enables 2FA with the first code, tries
// logins and resets a lost second factor. The window is shown and returned.
func ShowEnrollment(a fyne.App, svc *enroll.Service) fyne.Window {
	s := newEnrollScreen(a, svc, false)
	s.win.Show()
	return s.win
}

// OpenEnrollment opens the enrollment store the CLI uses too
// ($NIDAN_ENROLL_STORE, else enroll.DefaultStoreSpec()) with the default
// policy and shows the Enrollment window over it. A menu item calls this and
// shows the error, if any, in a dialog.
func OpenEnrollment(a fyne.App) (fyne.Window, error) {
	st, err := enroll.OpenStoreEnv("", enroll.KeySource{}, os.Getenv)
	if err != nil {
		return nil, err
	}
	return ShowEnrollment(a, enroll.NewService(st, enroll.Options{})), nil
}

// onEnrollment opens the Enrollment window from the main menu.
func (u *ui) onEnrollment() {
	if _, err := OpenEnrollment(u.app); err != nil {
		u.showError("Could not read the enrollment store", err, "")
	}
}

// enrollScreen is the Enrollment window. It holds the widgets it updates;
// the service does all the work (hashing, secrets, codes, the store).
type enrollScreen struct {
	svc  *enroll.Service
	win  fyne.Window
	sync bool // tests: run service calls inline instead of in the background

	users    []enroll.UserInfo
	selected string
	list     *widget.List

	title    *widget.Label
	state    *widget.Label
	detail   *fyne.Container // hidden until a user is selected
	hint     *widget.Label   // "Select a user", shown while the detail is not: it showed through it
	qr       *canvas.Image
	setupKey *widget.Label
	code     *widget.Entry
	register *widget.Button
	setupMsg *widget.Label
	beginB   *widget.Button

	loginID   *widget.Entry
	loginPW   *widget.Entry
	loginCode *widget.Entry
	loginB    *widget.Button
	result    *widget.Label

	open dialog.Dialog // the confirmation on show, for Escape
}

func newEnrollScreen(a fyne.App, svc *enroll.Service, sync bool) *enrollScreen {
	s := &enrollScreen{svc: svc, sync: sync, win: a.NewWindow(lang.L("Enrollment"))}
	s.win.SetContent(s.build())
	s.win.Canvas().SetOnTypedKey(s.onKey)
	s.win.Resize(fyne.NewSize(860, 600))
	s.reload()
	return s
}

func (s *enrollScreen) build() fyne.CanvasObject {
	s.list = &widget.List{
		Length: func() int { return len(s.users) },
		CreateItem: func() fyne.CanvasObject {
			return container.NewBorder(nil, nil, nil, &widget.Label{Importance: widget.LowImportance}, &widget.Label{Truncation: fyne.TextTruncateEllipsis})
		},
		UpdateItem: func(id widget.ListItemID, o fyne.CanvasObject) {
			c := o.(*fyne.Container)
			c.Objects[0].(*widget.Label).SetText(s.users[id].ID)
			c.Objects[1].(*widget.Label).SetText(enrollStateText(s.users[id]))
		},
		OnSelected: func(id widget.ListItemID) { s.onSelect(s.users[id].ID) },
	}
	addB := &widget.Button{Text: lang.L("Add user"), Icon: theme.ContentAddIcon(), OnTapped: s.onAddUser}
	left := container.NewBorder(nil, addB, nil, nil, s.list)

	s.title = &widget.Label{SizeName: theme.SizeNameSubHeadingText, TextStyle: fyne.TextStyle{Bold: true}}
	s.state = &widget.Label{Wrapping: fyne.TextWrapWord}
	resetB := &widget.Button{Text: lang.L("Reset second factor"), Icon: theme.DeleteIcon(), Importance: widget.WarningImportance, OnTapped: s.onReset}
	deleteB := &widget.Button{Text: lang.L("Delete user"), Importance: widget.LowImportance, OnTapped: s.onDelete}

	s.qr = &canvas.Image{FillMode: canvas.ImageFillContain, ScaleMode: canvas.ImageScalePixels}
	side := 16 * theme.Size(theme.SizeNameText)
	s.qr.SetMinSize(fyne.NewSquareSize(side))
	s.setupKey = &widget.Label{Selectable: true, TextStyle: fyne.TextStyle{Monospace: true}, Alignment: fyne.TextAlignCenter}
	s.code = &widget.Entry{PlaceHolder: lang.L("Code from the authenticator"), OnSubmitted: func(string) { s.onRegister() }}
	s.register = &widget.Button{Text: lang.L("Register and enable"), Importance: widget.HighImportance, OnTapped: s.onRegister}
	s.setupMsg = &widget.Label{Wrapping: fyne.TextWrapWord}
	s.beginB = &widget.Button{Text: lang.L("Show a new QR code"), Icon: theme.ViewRefreshIcon(), OnTapped: s.onBegin}
	setup := container.NewVBox(
		&widget.Label{Text: lang.L("Scan the QR code with an authenticator app, or type the setup key. Then enter the code it shows."), Wrapping: fyne.TextWrapWord},
		container.NewCenter(s.qr), s.setupKey,
		s.code, s.register, s.setupMsg, s.beginB)

	s.loginID = &widget.Entry{PlaceHolder: lang.L("User ID")}
	s.loginPW = widget.NewPasswordEntry()
	s.loginPW.SetPlaceHolder(lang.L("Password"))
	s.loginCode = &widget.Entry{PlaceHolder: lang.L("Code"), OnSubmitted: func(string) { s.onTestLogin() }}
	s.loginB = &widget.Button{Text: lang.L("Test login"), Icon: theme.LoginIcon(), OnTapped: s.onTestLogin}
	s.result = &widget.Label{Wrapping: fyne.TextWrapWord, TextStyle: fyne.TextStyle{Bold: true}}
	tester := container.NewVBox(
		&widget.Label{Text: lang.L("Log in as a user would: ID, password and the current code."), Wrapping: fyne.TextWrapWord},
		s.loginID, s.loginPW, s.loginCode, s.loginB, s.result)

	tabs := container.NewAppTabs(
		container.NewTabItem(lang.L("Setup"), container.NewVScroll(setup)),
		container.NewTabItem(lang.L("Login tester"), container.NewVScroll(tester)))
	s.detail = container.NewBorder(
		container.NewVBox(s.title, s.state, container.NewHBox(resetB, deleteB)), nil, nil, nil, tabs)
	s.detail.Hide()
	s.hint = &widget.Label{Text: lang.L("Select a user, or add one."), Alignment: fyne.TextAlignCenter}
	split := container.NewHSplit(left, container.NewStack(container.NewCenter(s.hint), s.detail))
	split.Offset = 0.3
	return split
}

// background runs work off the UI goroutine (password hashing takes a
// while) and done back on it; in tests both run at once, in order.
func (s *enrollScreen) background(work, done func()) {
	if s.sync {
		work()
		done()
		return
	}
	go func() {
		work()
		fyne.Do(done)
	}()
}

// reload reads the users again and refreshes the list and the detail pane.
func (s *enrollScreen) reload() {
	users, err := s.svc.Users()
	if err != nil {
		fyne.LogError("enrollment: list users", err)
		dialog.ShowError(fmt.Errorf("%s: %w", lang.L("Could not read the enrollment store"), err), s.win)
		return
	}
	s.users = users
	s.list.Refresh()
	s.showUser()
}

func enrollStateText(u enroll.UserInfo) string {
	switch {
	case !u.LockedUntil.IsZero():
		return lang.L("locked")
	case u.Enabled:
		return lang.L("2FA on")
	case u.Pending:
		return lang.L("setting up")
	}
	return lang.L("2FA off")
}

func (s *enrollScreen) onSelect(id string) {
	if id != s.selected {
		s.selected = id
		s.code.SetText("")
		s.setupMsg.SetText("")
		s.loginID.SetText(id)
		s.loginPW.SetText("")
		s.loginCode.SetText("")
		s.result.SetText("")
	}
	s.showUser()
}

// showUser fills the detail pane for the selected user.
func (s *enrollScreen) showUser() {
	u, ok := s.user(s.selected)
	if !ok {
		s.detail.Hide()
		s.hint.Show()
		return
	}
	s.hint.Hide()
	s.title.SetText(u.ID)
	switch {
	case !u.LockedUntil.IsZero():
		s.state.SetText(lang.X("enroll.locked", "Locked out after too many failed logins until {{.Until}}.", map[string]any{"Until": u.LockedUntil.Local().Format(time.TimeOnly)}))
	case u.Enabled:
		s.state.SetText(lang.L("Two-step verification is on."))
	default:
		s.state.SetText(lang.L("Two-step verification is off: the password alone is not accepted as a two-step login."))
	}
	e, err := s.svc.Pending(u.ID)
	if err != nil && !errors.Is(err, enroll.ErrNoPending) {
		fyne.LogError("enrollment: pending", err)
	}
	if e != nil {
		s.qr.Resource = fyne.NewStaticResource("enroll-qr.png", e.QR)
		s.setupKey.SetText(e.SetupKey)
		s.qr.Show()
		s.setupKey.Show()
		s.code.Enable()
		s.register.Enable()
		s.beginB.SetText(lang.L("Show a new QR code"))
	} else {
		s.qr.Resource = nil
		s.qr.Hide()
		s.setupKey.SetText("")
		s.setupKey.Hide()
		s.code.Disable()
		s.register.Disable()
		if u.Enabled {
			s.beginB.SetText(lang.L("Move to a new authenticator"))
		} else {
			s.beginB.SetText(lang.L("Begin setup"))
		}
	}
	s.qr.Refresh()
	s.detail.Show()
}

func (s *enrollScreen) user(id string) (enroll.UserInfo, bool) {
	for _, u := range s.users {
		if u.ID == id {
			return u, true
		}
	}
	return enroll.UserInfo{}, false
}

func (s *enrollScreen) onAddUser() {
	esc := func() {
		if s.open != nil {
			s.open.Hide()
		}
	}
	id := newEscEntry(false, esc)
	id.Validator = func(v string) error {
		if !enroll.ValidUserID(v) {
			return errors.New(lang.L("Enter an ID without spaces at the ends"))
		}
		return nil
	}
	pw := newEscEntry(true, esc)
	pw.Validator = func(v string) error {
		if v == "" {
			return errors.New(lang.L("Enter a password"))
		}
		return nil
	}
	d := dialog.NewForm(lang.L("Add user"), lang.L("Add"), lang.L("Cancel"), []*widget.FormItem{
		{Text: lang.L("User ID"), Widget: id},
		{Text: lang.L("Password"), Widget: pw},
	}, func(ok bool) {
		if ok {
			s.addUser(id.Text, pw.Text)
		}
	}, s.win)
	id.OnSubmitted = func(string) { s.win.Canvas().Focus(pw) }
	pw.OnSubmitted = func(string) { d.Submit() }
	// Fyne sizes a form dialog to its fields' minimum: the fields were a
	// few characters wide, too narrow for an e-mail address as the ID.
	fitDialog(d, s.win, 420)
	s.present(d)
	s.win.Canvas().Focus(id)
}

// escEntry is an entry whose Escape closes the dialog it is in: a focused
// entry hears the keys before the window, and Fyne's entry ignores Escape.
type escEntry struct {
	widget.Entry
	onEscape func()
}

func newEscEntry(password bool, onEscape func()) *escEntry {
	e := &escEntry{onEscape: onEscape}
	e.Password = password
	e.ExtendBaseWidget(e)
	return e
}

func (e *escEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape && e.onEscape != nil {
		e.onEscape()
		return
	}
	e.Entry.TypedKey(k)
}

func (s *enrollScreen) addUser(id, password string) {
	pw := []byte(password)
	var err error
	s.background(func() { err = s.svc.AddUser(id, pw) }, func() {
		clear(pw)
		if err != nil {
			s.showError(err)
			return
		}
		s.reload()
		s.selectInList(id)
	})
}

func (s *enrollScreen) selectInList(id string) {
	for i, u := range s.users {
		if u.ID == id {
			s.list.Select(i)
			return
		}
	}
}

func (s *enrollScreen) onBegin() {
	if _, err := s.svc.Begin(s.selected); err != nil {
		s.showError(err)
		return
	}
	s.code.SetText("")
	s.setupMsg.SetText(lang.L("New key: the previous QR code no longer works."))
	s.reload()
}

func (s *enrollScreen) onRegister() {
	err := s.svc.Confirm(s.selected, s.code.Text)
	switch {
	case err == nil:
		s.code.SetText("")
		s.setupMsg.Importance = widget.SuccessImportance
		s.setupMsg.SetText(lang.L("Registered: two-step verification is on."))
		s.reload()
		return
	case errors.Is(err, enroll.ErrBadCode):
		s.setupMsg.Importance = widget.DangerImportance
		s.setupMsg.SetText(lang.L("That code is not right. Check the device's clock and enter a fresh code."))
	default:
		s.showError(err)
	}
	s.setupMsg.Refresh()
}

func (s *enrollScreen) onTestLogin() {
	id, pw, code := s.loginID.Text, []byte(s.loginPW.Text), s.loginCode.Text
	var err error
	s.loginB.Disable()
	s.background(func() { err = s.svc.Login(id, pw, code) }, func() {
		clear(pw)
		s.loginB.Enable()
		text, ok := loginResultText(err)
		s.result.Importance = widget.DangerImportance
		if ok {
			s.result.Importance = widget.SuccessImportance
		}
		s.result.SetText(text)
		s.reload()
	})
}

// loginResultText says what a login attempt came to, reason included: the
// admin's tester may say which factor was wrong, a login page must not.
func loginResultText(err error) (string, bool) {
	var le *enroll.LockoutError
	switch {
	case err == nil:
		return lang.L("Accepted: the password and the code are right."), true
	case errors.As(err, &le):
		return lang.X("enroll.lockedout", "Refused: locked out after too many failures, until {{.Until}}.", map[string]any{"Until": le.Until.Local().Format(time.TimeOnly)}), false
	case errors.Is(err, enroll.ErrNotEnrolled):
		return lang.L("Refused: the password is right, but two-step verification is not on for this user."), false
	case errors.Is(err, enroll.ErrBadPassword):
		return lang.L("Refused: wrong password."), false
	case errors.Is(err, enroll.ErrReplay):
		return lang.L("Refused: this code was already used. Wait for the next one."), false
	case errors.Is(err, enroll.ErrBadCode):
		return lang.L("Refused: wrong code."), false
	case errors.Is(err, enroll.ErrNoSuchUser):
		return lang.L("Refused: no such user."), false
	}
	fyne.LogError("enrollment: login", err)
	return lang.L("Could not check the login:") + " " + err.Error(), false
}

func (s *enrollScreen) onReset() {
	id := s.selected
	d := dialog.NewConfirm(lang.L("Reset second factor?"),
		lang.X("enroll.reset", "{{.ID}} will sign in with the password alone until they set up two-step verification again.", map[string]any{"ID": id}),
		func(ok bool) {
			if ok {
				s.reset(id)
			}
		}, s.win)
	d.SetConfirmImportance(widget.WarningImportance)
	s.present(d)
}

func (s *enrollScreen) reset(id string) {
	if err := s.svc.Reset(id); err != nil {
		s.showError(err)
		return
	}
	s.setupMsg.SetText("")
	s.result.SetText("")
	s.reload()
}

func (s *enrollScreen) onDelete() {
	id := s.selected
	d := dangerDialog(s.win, lang.L("Delete user?"),
		lang.X("enroll.delete", "{{.ID}} and their second factor will be removed.", map[string]any{"ID": id}),
		lang.L("Delete user"),
		func() {
			if err := s.svc.DeleteUser(id); err != nil {
				s.showError(err)
				return
			}
			s.selected = ""
			s.list.UnselectAll()
			s.reload()
		})
	fitDialog(d, s.win, 420)
	s.present(d)
}

// present shows a dialog that Escape dismisses (Fyne's dialogs take no
// keys of their own; nothing is focused in one, so the window hears them).
func (s *enrollScreen) present(d dialog.Dialog) {
	s.open = d
	d.SetOnClosed(func() {
		if s.open == d {
			s.open = nil
		}
	})
	d.Show()
}

// onKey is the window's key handler: Escape answers "no" to the dialog on
// show.
func (s *enrollScreen) onKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape && s.open != nil {
		s.open.Hide()
	}
}

func (s *enrollScreen) showError(err error) {
	fyne.LogError("enrollment", err)
	dialog.ShowError(err, s.win)
}

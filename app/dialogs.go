package app

import (
	"errors"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// openDialog is a dialog on show. Fyne's dialogs take no keys of their
// own, so the window answers for the top one: Escape dismisses it, Enter
// runs enter (nil: Enter dismisses too, as on a message).
type openDialog struct {
	d     dialog.Dialog
	enter func()
}

// present shows a dialog and makes the keyboard answer it. The focus
// leaves the screen beneath, so keys cannot reach the list under the
// dialog (Enter would copy a code behind it).
func (u *ui) present(d dialog.Dialog, enter func()) {
	od := &openDialog{d: d, enter: enter}
	u.win.Canvas().Unfocus()
	u.dialogs = append(u.dialogs, od)
	d.SetOnClosed(func() {
		u.dialogs = slices.DeleteFunc(u.dialogs, func(o *openDialog) bool { return o == od })
		if len(u.dialogs) == 0 && u.list != nil && u.screen == u.list.content {
			u.list.focus()
		}
	})
	d.Show()
	trace("dialog")
}

// dialogKey answers Escape and Enter for the top dialog and reports
// whether a dialog took the key.
func (u *ui) dialogKey(k fyne.KeyName) bool {
	if len(u.dialogs) == 0 {
		return false
	}
	top := u.dialogs[len(u.dialogs)-1]
	switch k {
	case fyne.KeyEscape:
		top.d.Hide()
	case fyne.KeyReturn, fyne.KeyEnter:
		if top.enter != nil {
			top.enter()
		} else {
			top.d.Hide()
		}
	}
	return true // other keys stop here too: nothing beneath should hear them
}

// showMessage is an information dialog with a wrapped text; Enter or
// Escape closes it.
func (u *ui) showMessage(title, msg string) {
	l := wrapped(&widget.Label{Text: msg})
	d := dialog.NewCustom(title, lang.L("OK"), l, u.win)
	fitDialog(d, u.win, 420)
	u.present(d, nil)
}

// askPassword asks for the backup password (or a file's password) in a form
// dialog; OK stays disabled while the field is empty. done gets the password
// bytes, which it should clear after use. The explanation is a wrapped
// label above the field: a form's hint line does not wrap and would widen
// the dialog past the window.
func (u *ui) askPassword(title, why string, done func([]byte)) *dialog.FormDialog {
	pw := newKeyEntry(u, true)
	pw.Validator = func(s string) error {
		if s == "" {
			return errors.New(lang.L("Enter the password."))
		}
		return nil
	}
	items := phoneItems([]*widget.FormItem{
		widget.NewFormItem("", wrapped(&widget.Label{Text: why})),
		{Text: lang.L("Password"), Widget: pw},
	})
	d := dialog.NewForm(title, lang.L("OK"), lang.L("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		b := []byte(pw.Text)
		pw.SetText("")
		done(b)
	}, u.win)
	pw.OnSubmitted = func(string) { d.Submit() }
	fitDialog(d, u.win, 420)
	u.present(d, d.Submit)
	u.focusSoon(pw)
	return d
}

// keyEntry is an entry whose Escape still closes the dialog it is in, or
// goes back from the screen it is on: a focused entry hears keys before
// the window does, and Fyne's entry ignores Escape.
type keyEntry struct {
	widget.Entry
	u *ui
}

// newKeyEntry makes one; a password entry gets Fyne's eye button (the
// renderer adds it to a Password entry without an action item).
func newKeyEntry(u *ui, password bool) *keyEntry {
	e := &keyEntry{u: u}
	e.Password = password
	if password {
		e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	}
	e.ExtendBaseWidget(e)
	return e
}

func (e *keyEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape {
		e.u.onKey(k)
		return
	}
	e.Entry.TypedKey(k)
}

func (e *keyEntry) TypedShortcut(s fyne.Shortcut) {
	if cs, ok := s.(*desktop.CustomShortcut); ok && e.u.onShortcut(cs) {
		return
	}
	e.Entry.TypedShortcut(s)
}

// busyDelay is how long slow work runs before its spinner shows, so that
// quick work does not flash a dialog.
const busyDelay = 300 * time.Millisecond

// whileBusy is background for work that can take seconds after a dialog
// has closed (a key derivation: Argon2id or an export's KDF). Nothing else
// was on show meanwhile, so the app looked idle and the click seemed lost;
// past busyDelay a spinner with msg says it is at work.
func (u *ui) whileBusy(msg string, work, done func()) {
	if u.opts.Sync {
		work()
		done()
		return
	}
	spin := widget.NewActivity()
	d := dialog.NewCustomWithoutButtons("", container.NewVBox(spin,
		wrapped(&widget.Label{Text: msg, Alignment: fyne.TextAlignCenter})), u.win)
	finished, shown := false, false
	t := time.AfterFunc(busyDelay, func() {
		fyne.Do(func() {
			if !finished {
				shown = true
				spin.Start()
				fitDialog(d, u.win, 320) // a wrapped text alone gives the dialog no width
				d.Show()
				trace("busy")
			}
		})
	})
	u.background(work, func() {
		finished = true
		t.Stop()
		if shown {
			spin.Stop()
			d.Hide()
		}
		done()
	})
}

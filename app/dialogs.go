package app

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// showMessage is an information dialog with a wrapped text.
func showMessage(w fyne.Window, title, msg string) {
	l := &widget.Label{Text: msg, Wrapping: wrapMode()}
	d := dialog.NewCustom(title, lang.L("OK"), l, w)
	fitDialog(d, w, 420)
	d.Show()
}

// askPassword asks for the backup password (or a file's password) in a form
// dialog; OK stays disabled while the field is empty. done gets the password
// bytes, which it should clear after use.
func (u *ui) askPassword(title, why string, done func([]byte)) *dialog.FormDialog {
	w := u.win
	pw := widget.NewPasswordEntry()
	pw.Validator = func(s string) error {
		if s == "" {
			return errors.New(lang.L("Enter the password."))
		}
		return nil
	}
	items := phoneItems([]*widget.FormItem{{Text: lang.L("Password"), Widget: pw, HintText: why}})
	d := dialog.NewForm(title, lang.L("OK"), lang.L("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		b := []byte(pw.Text)
		pw.SetText("")
		done(b)
	}, w)
	pw.OnSubmitted = func(string) { d.Submit() }
	fitDialog(d, w, 420)
	d.Show()
	u.focusSoon(pw)
	return d
}

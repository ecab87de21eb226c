package app

import (
	"errors"

	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// onChangePassword asks for the current password and the new one twice.
func (u *ui) onChangePassword() {
	if u.vault == nil {
		return
	}
	old := newKeyEntry(u, true)
	nw := newKeyEntry(u, true)
	again := newKeyEntry(u, true)
	hint := wrapped(&widget.Label{Importance: widget.LowImportance})
	hint.minLines = 2 // the hints are one line or two: the fields below stay put
	nw.Validator = func(s string) error {
		_, h := passwordStrength(s)
		hint.SetText(h)
		if len([]rune(s)) < minPassword {
			return errors.New(h)
		}
		return nil
	}
	again.Validator = func(s string) error {
		if s != nw.Text {
			return errors.New(lang.L("The two passwords are not the same."))
		}
		return nil
	}
	items := phoneItems([]*widget.FormItem{
		widget.NewFormItem(lang.L("Current password"), old),
		widget.NewFormItem(lang.L("New password"), nw),
		widget.NewFormItem("", hint),
		widget.NewFormItem(lang.L("New password again"), again),
	})
	d := dialog.NewForm(lang.L("Change password"), lang.L("Change"), lang.L("Cancel"), items, func(ok bool) {
		if !ok || u.vault == nil {
			return
		}
		o, n := []byte(old.Text), []byte(nw.Text)
		old.SetText("")
		nw.SetText("")
		again.SetText("")
		v := u.vault
		var err error
		u.background(func() { err = v.ChangePassword(o, n) }, func() {
			clear(o)
			clear(n)
			if err != nil {
				u.showError("Could not change the password", err, vaultHint(err))
				return
			}
			u.toasts.show(lang.L("The password was changed. Backups made from now on use the new password."), nil)
		})
	}, u.win)
	fitDialog(d, u.win, 440)
	u.present(d, d.Submit)
	u.focusSoon(old)
}

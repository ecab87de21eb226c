package app

import (
	"bytes"
	"fmt"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/formats"
	"github.com/nidan-auth/nidan/vault"
)

// Managing one account from its row menu: edit, delete, show its QR code.

func (u *ui) onEdit(id string) {
	a, ok := u.vault.Account(id)
	if !ok {
		return
	}
	u.show((&detailsScreen{u: u, acct: a}).build())
}

func (u *ui) onDelete(id string) {
	a, ok := u.vault.Account(id)
	if !ok {
		return
	}
	msg := lang.X("delete.confirm", "Delete {{.Name}}? Make sure two-step verification is turned off on the website first, or that you have another way to sign in. You can undo this for a few seconds, and later from a backup.", map[string]any{"Name": a.Label()})
	u.confirmDelete(lang.L("Delete account"), msg, func() { u.deleteAccount(id) })
}

// deleteAccount deletes at once and offers Undo on a toast for a few
// seconds. The vault on disk always matches the list: nothing waits to be
// written, so quitting, locking or a crash during the undo window leaves
// the account deleted as the person confirmed, never half done. Undo adds
// the same account back (its key, counter, colour and place), from a copy
// that is wiped when the toast goes.
func (u *ui) deleteAccount(id string) {
	v := u.vault
	if v == nil {
		return
	}
	a, ok := v.Account(id)
	if !ok {
		return
	}
	kept := a.Clone()
	var order []string
	for _, o := range v.Accounts() {
		order = append(order, o.ID)
	}
	var err error
	u.background(func() { err = v.Delete(id) }, func() {
		if err != nil {
			clear(kept.Secret)
			u.showError("Could not delete the account", err, vaultHint(err))
			return
		}
		if u.vault != v { // locked meanwhile: nothing to undo into
			clear(kept.Secret)
			return
		}
		u.showList()
		u.toasts.show(lang.X("notice.deleted", "Deleted {{.Name}}.", map[string]any{"Name": kept.Label()}), &toastAction{
			label:  lang.L("Undo"),
			icon:   theme.ContentUndoIcon(),
			do:     func() { u.undoDelete(v, kept, order) },
			expire: func() { clear(kept.Secret) },
		})
		trace("deleted")
	})
}

// undoDelete puts a deleted account back where it was. The vault gives it
// a new ID (the old one has a tombstone, so that the delete reached every
// synced device); Reorder then restores its place.
func (u *ui) undoDelete(v *vault.Vault, a accounts.Account, order []string) {
	if u.vault != v {
		clear(a.Secret)
		return
	}
	var err error
	u.background(func() {
		defer clear(a.Secret)
		if _, err = v.Add(a); err != nil {
			return
		}
		back := slices.IndexFunc(v.Accounts(), func(o accounts.Account) bool { return o.SameKey(&a) })
		if back < 0 {
			err = fmt.Errorf("undo delete: %w", vault.ErrNoAccount)
			return
		}
		newID := v.Accounts()[back].ID
		// Accounts deleted meanwhile (a sync) drop out of the order.
		ids := slices.DeleteFunc(slices.Clone(order), func(id string) bool {
			_, there := v.Account(id)
			return !there && id != a.ID
		})
		for i, id := range ids {
			if id == a.ID {
				ids[i] = newID
			}
		}
		err = v.Reorder(ids)
	}, func() {
		if err != nil {
			u.showError("Could not restore the account", err, vaultHint(err))
			return
		}
		if u.vault == v {
			u.showList()
			u.toasts.show(lang.X("notice.restored", "Restored {{.Name}}.", map[string]any{"Name": a.Label()}), nil)
		}
		trace("restored")
	})
}

// confirmDelete asks before a destructive step. Fyne's confirm dialog
// draws a faded question mark behind the text, puts a tick on the
// destructive button and leaves a gap under a short message; this one is
// the wrapped message and two buttons, the red one with a bin icon.
// Enter answers Cancel: deleting takes a deliberate click or Tab.
func (u *ui) confirmDelete(title, msg string, del func()) {
	u.confirmDanger(title, msg, lang.L("Delete"), del)
}

// confirmDanger is confirmDelete with another word on the red button.
func (u *ui) confirmDanger(title, msg, action string, del func()) {
	d := dangerDialog(u.win, title, msg, action, del)
	fitDialog(d, u.win, 420)
	u.present(d, nil)
}

// dangerDialog is the dialog of confirmDanger, for any window (the
// enrollment console has its own): the wrapped message, Cancel, and the
// action on a red button with a bin icon.
func dangerDialog(win fyne.Window, title, msg, action string, do func()) *dialog.CustomDialog {
	var d *dialog.CustomDialog
	cancel := &widget.Button{Text: lang.L("Cancel"), Icon: theme.CancelIcon(), OnTapped: func() { d.Hide() }}
	ok := &widget.Button{Text: action, Icon: theme.DeleteIcon(), Importance: widget.DangerImportance, OnTapped: func() {
		d.Hide()
		do()
	}}
	d = dialog.NewCustomWithoutButtons(title, wrapped(&widget.Label{Text: msg}), win)
	d.SetButtons([]fyne.CanvasObject{cancel, ok})
	return d
}

// onShowQR shows an account's QR code, to move it to a phone, after the
// backup password: the code is the secret itself.
func (u *ui) onShowQR(id string) {
	u.askPassword(lang.L("Show QR code"), lang.L("The QR code contains the secret key. Enter your backup password to show it."), func(pw []byte) {
		path, opts := u.path, u.vaultOptions()
		var err error
		u.whileBusy(lang.L("Checking the password…"), func() {
			var check *vault.Vault
			check, err = vault.Open(path, pw, opts)
			if err == nil {
				check.Lock()
			}
		}, func() {
			clear(pw)
			if err != nil {
				u.showError("Could not show the QR code", err, vaultHint(err))
				return
			}
			u.showQR(id)
		})
	})
}

func (u *ui) showQR(id string) {
	if u.vault == nil {
		return
	}
	a, ok := u.vault.Account(id)
	if !ok {
		return
	}
	png, err := formats.QRCodePNG(&a, 512)
	if err != nil {
		u.showError("Could not make the QR code", err, "")
		return
	}
	img := canvas.NewImageFromReader(bytes.NewReader(png), "qr.png")
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSquareSize(280))
	body := container.NewVBox(img,
		&widget.Label{Text: a.Label(), Alignment: fyne.TextAlignCenter, TextStyle: fyne.TextStyle{Bold: true}},
		wrapped(&widget.Label{Text: lang.L("Scan this with the authenticator app on your phone. Close this window when done.")}))
	d := dialog.NewCustom(lang.L("Show QR code"), lang.L("Close"), body, u.win)
	fitDialog(d, u.win, 360)
	u.present(d, nil)
}

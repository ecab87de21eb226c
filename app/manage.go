package app

import (
	"bytes"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

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
	msg := lang.X("delete.confirm", "Delete {{.Name}}? Make sure two-step verification is turned off on the website first, or that you have another way to sign in. This cannot be undone, except from a backup.", map[string]any{"Name": a.Label()})
	u.confirmDelete(lang.L("Delete account"), msg, func() {
		if u.vault == nil {
			return
		}
		if err := u.vault.Delete(id); err != nil {
			u.showError("Could not delete the account", err, vaultHint(err))
			return
		}
		u.showList()
		u.list.showNotice(lang.X("notice.deleted", "Deleted {{.Name}}.", map[string]any{"Name": a.Label()}))
	})
}

// confirmDelete asks before a destructive step. Fyne's confirm dialog
// draws a faded question mark behind the text, puts a tick on the
// destructive button and leaves a gap under a short message; this one is
// the wrapped message and two buttons, the red one with a bin icon.
// Enter answers Cancel: deleting takes a deliberate click or Tab.
func (u *ui) confirmDelete(title, msg string, del func()) {
	var d *dialog.CustomDialog
	cancel := &widget.Button{Text: lang.L("Cancel"), Icon: theme.CancelIcon(), OnTapped: func() { d.Hide() }}
	ok := &widget.Button{Text: lang.L("Delete"), Icon: theme.DeleteIcon(), Importance: widget.DangerImportance, OnTapped: func() {
		d.Hide()
		del()
	}}
	d = dialog.NewCustomWithoutButtons(title, &widget.Label{Text: msg, Wrapping: wrapMode()}, u.win)
	d.SetButtons([]fyne.CanvasObject{cancel, ok})
	fitDialog(d, u.win, 420)
	u.present(d, nil)
}

// onShowQR shows an account's QR code, to move it to a phone, after the
// backup password: the code is the secret itself.
func (u *ui) onShowQR(id string) {
	u.askPassword(lang.L("Show QR code"), lang.L("The QR code contains the secret key. Enter your backup password to show it."), func(pw []byte) {
		path, opts := u.path, u.vaultOptions()
		var err error
		u.background(func() {
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
		&widget.Label{Text: lang.L("Scan this with the authenticator app on your phone. Close this window when done."), Wrapping: wrapMode()})
	d := dialog.NewCustom(lang.L("Show QR code"), lang.L("Close"), body, u.win)
	fitDialog(d, u.win, 360)
	u.present(d, nil)
}

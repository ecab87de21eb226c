package app

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/formats"
)

// backupScreen: save a backup now, the automatic backups, and restore. A
// restore never replaces the vault: it merges what the user picks.
type backupScreen struct{ u *ui }

func (u *ui) onBackups() {
	if u.vault == nil {
		return
	}
	u.show((&backupScreen{u: u}).build())
}

func (s *backupScreen) build() fyne.CanvasObject {
	u := s.u
	save := &widget.Button{Text: lang.L("Save a backup…"), Icon: theme.DocumentSaveIcon(), Importance: widget.HighImportance, OnTapped: s.onSave}
	restore := &widget.Button{Text: lang.L("Restore from a file…"), Icon: theme.FolderOpenIcon(), OnTapped: func() { u.openFile(nil, u.restoreFrom) }}
	list := container.NewVBox()
	infos, err := u.vault.Backups()
	if err != nil {
		fyne.LogError("list backups", err)
	}
	for i, b := range infos {
		if i == 10 {
			break
		}
		uri := storage.NewFileURI(b.Path)
		label := lang.X("backup.item", "{{.Time}} ({{.KB}} KB)", map[string]any{"Time": b.Time.Local().Format("2006-01-02 15:04:05"), "KB": fmt.Sprint((b.Size + 1023) / 1024)})
		list.Add(container.NewBorder(nil, nil, nil,
			&widget.Button{Text: lang.L("Restore…"), Importance: widget.LowImportance, OnTapped: func() {
				r, err := storage.Reader(uri)
				if err != nil {
					u.showError("Could not open the backup", err, "")
					return
				}
				u.restoreFrom(r)
			}},
			widget.NewLabel(label)))
	}
	if len(infos) == 0 {
		list.Add(wrapped(&widget.Label{Text: lang.L("No automatic backups yet. Nidan makes one after every change."), Importance: widget.LowImportance}))
	}
	return screen(u, lang.L("Backups"),
		wrapped(&widget.Label{Text: onDevice(lang.L("A backup is encrypted with your backup password. Keep a copy away from this computer."),
			lang.L("A backup is encrypted with your backup password. Keep a copy away from this phone: save one to your files or cloud storage."))}),
		save,
		widget.NewSeparator(),
		&widget.Label{Text: lang.L("Automatic backups"), TextStyle: fyne.TextStyle{Bold: true}},
		&widget.Label{Text: u.vault.BackupDir(), Wrapping: fyne.TextWrapBreak, Importance: widget.LowImportance},
		list,
		widget.NewSeparator(),
		restore)
}

func (s *backupScreen) onSave() {
	s.u.saveFile("Could not save the backup", "nidan-backup.nidan", lang.L("The backup was saved."), s.u.vault.Backup)
}

// openFile shows the open dialog, listing what filter lets through (nil:
// every file), and passes the chosen file on; cancelling does nothing.
func (u *ui) openFile(filter storage.FileFilter, then func(fyne.URIReadCloser)) {
	done := u.picking()
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		done()
		if err != nil {
			u.showError("Could not open the file", err, "")
			return
		}
		if r != nil {
			then(r)
		}
	}, u.win)
	if filter != nil {
		d.SetFilter(filter)
	}
	d.Show()
}

// restoreFrom reads a Nidan backup with its password and offers its
// accounts in a checklist.
func (u *ui) restoreFrom(r fyne.URIReadCloser) {
	if data, ok := u.readChosen(r); ok {
		u.importData(data, "nidan")
	}
}

// onImport reads another app's export (Aegis, 2FAS, andOTP, FreeOTP+,
// Google, otpauth lists, Nidan backups).
func (u *ui) onImport() {
	u.openFile(nil, func(r fyne.URIReadCloser) {
		if data, ok := u.readChosen(r); ok {
			u.importData(data, "")
		}
	})
}

// readChosen reads a chosen file (bounded, as every import is) and closes
// it; false, after telling the user, when it cannot be read.
func (u *ui) readChosen(r fyne.URIReadCloser) ([]byte, bool) {
	data, err := formats.ReadLimited(r)
	r.Close()
	if err != nil {
		u.showError("Could not read the file", err, "")
		return nil, false
	}
	return data, true
}

// importData runs the import without a password first; if the file is
// encrypted it asks for one and runs it again. So no goroutine ever waits
// for a dialog.
func (u *ui) importData(data []byte, format string) {
	if format == "" && isImage(data) {
		u.importImage(data)
		return
	}
	noPassword := func() ([]byte, error) { return nil, formats.ErrPasswordNeeded }
	var accts []accounts.Account
	var err error
	u.background(func() { accts, err = formats.Import(data, format, noPassword) }, func() {
		if errors.Is(err, formats.ErrPasswordNeeded) {
			u.askFilePassword(data, format, lang.L("This file is protected by a password: the one it was exported or backed up with."))
			return
		}
		u.importDone(accts, err)
	})
}

// askFilePassword asks for an encrypted file's password and imports it. A
// wrong password asks again, rather than making the user pick the file
// once more; Cancel ends it.
func (u *ui) askFilePassword(data []byte, format, why string) {
	u.askPassword(lang.L("Encrypted file"), why, func(pw []byte) {
		var accts []accounts.Account
		var err error
		u.whileBusy(lang.L("Checking the password…"), func() {
			accts, err = formats.Import(data, format, func() ([]byte, error) { return pw, nil })
		}, func() {
			clear(pw)
			if errors.Is(err, accounts.ErrWrongPassword) {
				u.askFilePassword(data, format, lang.L("This password does not open the file. Try again, or Cancel."))
				return
			}
			u.importDone(accts, err)
		})
	})
}

func (u *ui) importDone(accts []accounts.Account, err error) {
	var ie *formats.ImportError
	switch {
	case errors.As(err, &ie) && len(accts) > 0:
		fyne.LogError("import", err)
		note := lang.X("import.partial", "{{.N}} entries of the file could not be read and are not listed.", map[string]any{"N": len(ie.Entries)})
		for _, ee := range ie.Entries {
			note += "\n• " + ee.Error()
		}
		u.show(u.importPreview(accts, note).build())
	case err != nil:
		hint := lang.L("The file is damaged or not an export Nidan knows; your vault is unchanged.")
		switch {
		case errors.Is(err, accounts.ErrWrongPassword):
			hint = lang.L("The password does not open this file. Nothing was imported.")
		case errors.Is(err, formats.ErrUnknownFormat):
			var apps []string
			for _, f := range formats.Readers() {
				apps = append(apps, f.App)
			}
			hint = lang.X("import.unknown", "Nidan does not know this kind of file. It reads: {{.Formats}}.", map[string]any{"Formats": strings.Join(apps, "; ")})
		case errors.Is(err, formats.ErrTooLarge), errors.Is(err, accounts.ErrSecretTooLong):
			hint = lang.L("The file is far larger than any authenticator export; it was not read.")
		}
		u.showError("Could not import the file", err, hint)
	case len(accts) == 0:
		u.showMessage(lang.L("Import"), lang.L("The file has no accounts."))
	default:
		u.show(u.importPreview(accts, "").build())
	}
}

// importPreview is the checklist of an import with what adding each
// account would do (vault.Preview): new ones are ticked, duplicates are
// not, and nothing is written until the user adds.
func (u *ui) importPreview(accts []accounts.Account, note string) *checklistScreen {
	s := &checklistScreen{u: u, accts: accts, note: note}
	if r, err := u.vault.Preview(accts...); err == nil {
		s.outcomes = r.Outcomes
		s.summary = lang.X("import.preview", "{{.Added}} new, {{.Updated}} newer than the copy in Nidan, {{.Duplicates}} already in Nidan.",
			map[string]any{"Added": r.Added, "Updated": r.Updated, "Duplicates": r.Duplicates})
	}
	return s
}

// onExport writes all accounts to a file in one of the formats the
// registry can write (formats.Writers): encrypted ones with the backup
// password, plain ones after a warning. Nidan's own backups have their
// screen, QR images their per-account view.
func (u *ui) onExport() {
	var writers []formats.Format
	var labels []string
	for _, f := range formats.Writers() {
		if f.WritesFolder() || f.Name == "nidan" {
			continue
		}
		// Radio labels do not wrap: on a phone the label is the format's
		// name alone, and the line under the choices says whether the
		// chosen one is encrypted.
		label := f.ShortName()
		if !isMobile() {
			label += " — " + exportProtection(f)
		}
		writers, labels = append(writers, f), append(labels, label)
	}
	protection := wrapped(&widget.Label{})
	// The warning is for the plain formats only (it showed under the
	// encrypted ones too); its two lines stay reserved so that the
	// buttons do not move as the choice changes.
	warn := wrapped(&widget.Label{Importance: widget.WarningImportance})
	warn.minLines = 2
	choice := widget.NewRadioGroup(labels, func(sel string) {
		i := slices.Index(labels, sel)
		if i < 0 {
			return
		}
		if isMobile() {
			protection.SetText(exportProtection(writers[i]))
		}
		if writers[i].WritePassword == formats.PasswordRequired {
			warn.SetText("")
		} else {
			warn.SetText(lang.L("A plain list lets anyone who reads the file make your codes. Delete it as soon as it is imported."))
		}
	})
	choice.Required = true
	choice.SetSelected(labels[0])
	body := container.NewVBox(choice, warn)
	if isMobile() {
		body = container.NewVBox(choice, protection, warn)
	}
	d := dialog.NewCustomConfirm(lang.L("Export"), lang.L("Export…"), lang.L("Cancel"), body, func(ok bool) {
		if !ok {
			return
		}
		f := writers[max(0, slices.Index(labels, choice.Selected))]
		name := "nidan-export-" + f.Name + f.Ext
		v := u.vault // the export is written off the UI goroutine
		if f.WritePassword != formats.PasswordRequired {
			u.saveExport(name, func(w io.Writer) error { return f.Write(w, v, nil) })
			return
		}
		u.askPassword(lang.L("Export"), lang.L("The export is encrypted with your backup password."), func(pw []byte) {
			u.saveExport(name, func(w io.Writer) error {
				defer clear(pw)
				return f.Write(w, v, pw)
			})
		})
	}, u.win)
	fitDialog(d, u.win, 420)
	d.Show()
}

// exportProtection says whether a format's export is encrypted.
func exportProtection(f formats.Format) string {
	if f.WritePassword == formats.PasswordRequired {
		return lang.L("encrypted with your backup password")
	}
	return lang.L("NOT encrypted")
}

func (u *ui) saveExport(name string, write func(io.Writer) error) {
	u.saveFile("Could not export", name, lang.L("The accounts were exported."), write)
}

// saveFile shows the save dialog offering name, makes the chosen file
// private, has write fill it and shows saved. If that fails it shows
// context (a translation key, as showError takes) and says the vault is
// unchanged; cancelling does nothing. write runs off the UI goroutine: an
// encrypted export derives its key first, seconds on a slow machine.
func (u *ui) saveFile(context, name, saved string, write func(io.Writer) error) {
	done := u.picking()
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		done()
		if err != nil || w == nil {
			return
		}
		u.whileBusy(lang.L("Saving…"), func() {
			err = makePrivate(w)
			if err == nil {
				err = write(w)
			}
			if cerr := w.Close(); err == nil {
				err = cerr
			}
		}, func() {
			if err != nil {
				u.showError(context, err, lang.L("Choose another place and try again. Your vault is unchanged."))
				return
			}
			u.toasts.show(saved, nil)
		})
	}, u.win)
	d.SetFileName(name)
	d.Show()
}

// makePrivate makes a file the save dialog just created readable by its
// owner only (0600, as the CLI writes backups and exports), before anything
// secret is written into it. Other places (content:// on a phone) have no
// Unix modes.
func makePrivate(w fyne.URIWriteCloser) error {
	if w.URI().Scheme() != "file" {
		return nil
	}
	if err := os.Chmod(w.URI().Path(), 0o600); err != nil && runtime.GOOS != "windows" {
		return fmt.Errorf("make %s private: %w", w.URI().Path(), err)
	}
	return nil
}

// isImage reports whether data is a picture the scanner can read: Google
// Authenticator exports only as QR codes, and people save a screenshot of
// one and then look for it under Import.
func isImage(data []byte) bool {
	_, _, err := image.DecodeConfig(bytes.NewReader(data))
	return err == nil
}

// importImage reads the QR codes in a picture (otpauth or otpauth-migration
// URIs) the way Add › Open image does.
func (u *ui) importImage(data []byte) {
	u.scanReader(io.NopCloser(bytes.NewReader(data)), func(msg string) {
		u.showMessage(lang.L("Could not import the file"), msg)
	})
}

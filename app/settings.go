package app

import (
	"fmt"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// settingsScreen edits the preferences: clipboard delay, auto-lock, keyring
// unlock, backup folder, theme and language. Each handler writes its
// preference at once; nothing secret is stored there.
type settingsScreen struct {
	u         *ui
	backupDir *widget.Label
	keyring   *keyCheck
}

var (
	clipChoices = []int{10, 20, 30, 60, 90, 0}
	lockChoices = []int{1, 2, 5, 10, 15, 30, 0}
	themeCodes  = []string{"system", "light", "dark"}
)

func (u *ui) onSettings() {
	if u.vault == nil {
		return
	}
	u.show((&settingsScreen{u: u}).build())
	trace("screen settings")
}

func (s *settingsScreen) build() fyne.CanvasObject {
	u := s.u
	clip := newKeySelect(u, choiceLabels(clipChoices, "unit.seconds", "{{.N}} s"), nil)
	clip.SetSelectedIndex(max(0, slices.Index(clipChoices, int(u.prefs.clipboardClear().Seconds()))))
	clip.OnChanged = func(string) { u.prefs.p.SetInt(prefClipboardSeconds, clipChoices[clip.SelectedIndex()]) }

	lock := newKeySelect(u, choiceLabels(lockChoices, "unit.minutes", "{{.N}} min"), nil)
	lock.SetSelectedIndex(max(0, slices.Index(lockChoices, int(u.prefs.autoLock()/time.Minute))))
	lock.OnChanged = func(string) {
		u.prefs.p.SetInt(prefAutoLockMinutes, lockChoices[lock.SelectedIndex()])
		u.idle.stop()
		u.idle.touch()
	}

	s.keyring = newKeyCheck(u, lang.L("Unlock with this computer's keyring"), nil)
	s.keyring.SetChecked(u.vault.KeyringEnabled())
	s.keyring.OnChanged = s.onKeyring

	s.backupDir = &widget.Label{Text: u.vault.BackupDir(), Wrapping: fyne.TextWrapBreak, Importance: widget.LowImportance}
	choose := &widget.Button{Text: lang.L("Choose folder…"), OnTapped: s.onBackupDir}

	// A select, not radio buttons: the arrows change it from the keyboard
	// and Escape still goes back (a radio button swallows Escape).
	themes := []string{lang.L("Same as the system"), lang.L("Light"), lang.L("Dark")}
	th := newKeySelect(u, themes, nil)
	th.SetSelectedIndex(max(0, slices.Index(themeCodes, u.prefs.theme())))
	th.OnChanged = func(string) {
		code := themeCodes[max(0, th.SelectedIndex())]
		u.prefs.p.SetString(prefTheme, code)
		u.applyTheme()
		// Fyne repaints what is on show; the list is not, and its rows keep
		// the colours they took from the old theme. Make it anew.
		u.dropList()
		trace("theme " + code)
	}

	langNames := []string{lang.L("Same as the system")}
	for _, l := range languages[1:] {
		langNames = append(langNames, l.name)
	}
	lg := newKeySelect(u, langNames, nil)
	lg.SetSelectedIndex(max(0, slices.IndexFunc(languages, func(l struct{ code, name string }) bool { return l.code == u.prefs.language() })))
	lg.OnChanged = func(string) { s.onLanguage(languages[lg.SelectedIndex()].code) }

	// Looks first: the theme is the first control Tab reaches.
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Theme"), th),
		&widget.FormItem{Text: lang.L("Language"), Widget: lg},
		&widget.FormItem{Text: lang.L("Clear clipboard"), Widget: hinted(clip, lang.L("After copying a code, if the clipboard still holds it."))},
		&widget.FormItem{Text: lang.L("Lock after"), Widget: hinted(lock, lang.L("Minutes without use."))},
		widget.NewFormItem("", wrappedCheck(s.keyring)),
		&widget.FormItem{Text: lang.L("Backups"), Widget: container.NewVBox(s.backupDir, choose)},
		s.syncSettings(),
	)
	if !isMobile() {
		// The service side (a website's admin enrolling its users) is not
		// what a person with an authenticator looks for in the ☰ menu; it
		// stays reachable here and as `nidan enroll`.
		form.Append(lang.L("Advanced"), &widget.Button{Text: lang.L("Enrollment console…"), Importance: widget.LowImportance, OnTapped: u.onEnrollment})
	}
	if isMobile() {
		// A phone has no keyring service and no folder of its own to
		// pick: backups stay in the app's storage ("Save a backup"
		// sends one elsewhere).
		form = phoneForm(
			&widget.FormItem{Text: lang.L("Clear clipboard"), Widget: clip, HintText: lang.L("After copying a code, if the clipboard still holds it.")},
			&widget.FormItem{Text: lang.L("Lock after"), Widget: lock, HintText: lang.L("Minutes without use. Nidan also locks whenever it goes to the background.")},
			widget.NewFormItem(lang.L("Theme"), th),
			&widget.FormItem{Text: lang.L("Language"), Widget: lg},
		)
	}
	return screen(u, lang.L("Settings"), form)
}

// choiceLabels names the choices of a select; 0 is "Never".
func choiceLabels(vals []int, key, unit string) []string {
	out := make([]string, len(vals))
	for i, v := range vals {
		if v == 0 {
			out[i] = lang.L("Never")
		} else {
			out[i] = lang.X(key, unit, map[string]any{"N": fmt.Sprint(v)})
		}
	}
	return out
}

func (s *settingsScreen) onKeyring(on bool) {
	u := s.u
	if err := u.vault.SetKeyring(on); err != nil {
		u.showError("Could not change the keyring unlock", err, lang.L("This computer's keyring could not be used. Nidan will keep asking for the password."))
		s.keyring.OnChanged = nil
		s.keyring.SetChecked(u.vault.KeyringEnabled())
		s.keyring.OnChanged = s.onKeyring
		return
	}
	u.prefs.p.SetBool(prefKeyring, on)
}

func (s *settingsScreen) onBackupDir() {
	u := s.u
	dialog.ShowFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil || dir == nil {
			return
		}
		if dir.Scheme() != "file" {
			u.showMessage(lang.L("Backups"), lang.L("Choose a folder on this computer."))
			return
		}
		if err := u.vault.SetBackupDir(dir.Path()); err != nil {
			u.showError("Could not use this folder for backups", err, lang.L("Choose a folder you can write to. The old folder is still used."))
			return
		}
		u.prefs.p.SetString(prefBackupDir, dir.Path())
		s.backupDir.SetText(u.vault.BackupDir())
	}, u.win)
}

// onLanguage switches the language now: the settings are rebuilt at once
// and the list when it is shown again.
func (s *settingsScreen) onLanguage(code string) {
	u := s.u
	u.prefs.p.SetString(prefLanguage, code)
	applyLanguage(code)
	u.dropList()
	u.updateTray()
	u.show((&settingsScreen{u: u}).build())
}

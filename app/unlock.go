package app

import (
	"errors"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/vault"
)

// unlockScreen is what a locked window shows: no account, no code, only the
// password field (focused; Enter submits) and, where enabled, the keyring.
type unlockScreen struct {
	u        *ui
	password *widget.Entry
	unlockB  *widget.Button
	message  *wrapLabel
	busy     *widget.Label
	spinner  *ringSpinner // turns only while the key is derived
	keyring  bool         // the vault has a keyring slot
	// tryingKeyring: a keyring unlock is under way. The password field
	// stays usable meanwhile (a Secret Service that is started on demand
	// can take seconds), and an Enter pressed then is kept in submitted,
	// to try the password if the keyring fails.
	tryingKeyring bool
	submitted     bool
}

func (s *unlockScreen) build() fyne.CanvasObject {
	s.password = widget.NewPasswordEntry()
	s.password.SetPlaceHolder(lang.L("Backup password"))
	s.password.OnSubmitted = func(string) { s.onUnlock() }
	s.unlockB = &widget.Button{Text: lang.L("Unlock"), Icon: theme.LoginIcon(), Importance: widget.HighImportance, OnTapped: s.onUnlock}
	s.message = wrapped(&widget.Label{Alignment: fyne.TextAlignCenter, Importance: widget.DangerImportance})
	s.message.Hide()
	// A static label, not an infinite progress bar: that one restarts its
	// animation when its renderer is made, which can outlive the screen.
	s.busy = &widget.Label{Text: lang.L("Opening the vault…"), Alignment: fyne.TextAlignCenter, Importance: widget.LowImportance}
	s.busy.Hide()
	s.spinner = newRingSpinner()
	s.spinner.Hide()

	box := container.NewVBox(
		&widget.Label{Text: "Nidan", Alignment: fyne.TextAlignCenter, SizeName: theme.SizeNameHeadingText, TextStyle: fyne.TextStyle{Bold: true}},
		wrapped(&widget.Label{Text: lang.L("Nidan is locked. Enter your backup password to see your codes."), Alignment: fyne.TextAlignCenter}),
		s.password, s.unlockB, s.message, s.spinner, s.busy)
	s.keyring = s.u.vaultHasKeyring()
	if s.keyring {
		box.Add(&widget.Button{Text: lang.L("Unlock with this computer's keyring"), Importance: widget.LowImportance, OnTapped: s.onKeyring})
	}
	return newKeepFocusVisible(s.u.win, scrollColumn(360, true, box))
}

func (s *unlockScreen) focus() { s.u.focusSoon(s.password) }

func (s *unlockScreen) onUnlock() {
	if s.tryingKeyring {
		s.submitted = true
		return
	}
	if s.password.Text == "" {
		s.fail(lang.L("Enter your backup password."))
		return
	}
	pw := []byte(s.password.Text)
	path, opts := s.u.path, s.u.vaultOptions()
	var v *vault.Vault
	var err error
	s.setBusy(true)
	submitted := time.Now()
	s.u.background(func() { v, err = vault.Open(path, pw, opts) }, func() {
		opened := time.Now()
		clear(pw)
		s.setBusy(false)
		switch {
		case err == nil:
			s.password.SetText("")
			s.u.unlocked(v)
			benchFirstFrame(opened, submitted)
		case errors.Is(err, accounts.ErrWrongPassword):
			s.fail(lang.L("Wrong password. Try again."))
		default:
			fyne.LogError("unlock", err)
			s.fail(lang.L("Could not open the vault.") + " " + vaultHint(err))
		}
	})
}

// onKeyring unlocks with the key saved in the system keyring; if there is
// none, or no keyring, the password field stays, with whatever was typed
// into it meanwhile, and an Enter pressed meanwhile tries that password.
func (s *unlockScreen) onKeyring() {
	if s.tryingKeyring || s.password.Disabled() { // already trying, or the password is
		return
	}
	path, opts := s.u.path, s.u.vaultOptions()
	var v *vault.Vault
	var err error
	s.tryingKeyring, s.submitted = true, false
	s.setWaiting(true)
	s.u.background(func() { v, err = vault.OpenWithKeyring(path, opts) }, func() {
		s.tryingKeyring = false
		s.setWaiting(false)
		if s.u.locked != s {
			if err == nil {
				v.Lock() // the screen is gone (the app quits): nobody shows this vault
			}
			return
		}
		if err == nil {
			s.password.SetText("") // typed while waiting, and not needed
			s.u.unlocked(v)
			return
		}
		fyne.LogError("keyring unlock", err)
		if s.submitted {
			s.submitted = false
			s.onUnlock()
			return
		}
		msg := lang.L("Could not open the vault.") + " " + vaultHint(err)
		if errors.Is(err, vault.ErrNoKeyringEntry) || errors.Is(err, vault.ErrKeyringUnavailable) {
			msg = lang.L("The keyring has no key for Nidan. Enter your backup password.")
		}
		// Not fail: selecting what was typed meanwhile would let the next
		// key replace it.
		s.message.SetText(msg)
		s.message.Show()
	})
}

// fail says what went wrong and keeps what was typed, selected, so that a
// typo can be fixed or the whole retyped.
func (s *unlockScreen) fail(msg string) {
	s.message.SetText(msg)
	s.message.Show()
	s.focus()
	s.password.TypedShortcut(&fyne.ShortcutSelectAll{})
}

// setBusy shows the wait of a password unlock: the key derivation takes
// a second or two, and the fields stay off so the password cannot change
// under it.
func (s *unlockScreen) setBusy(on bool) {
	if on {
		s.unlockB.Disable()
		s.password.Disable()
	} else {
		s.unlockB.Enable()
		s.password.Enable()
	}
	s.setWaiting(on)
}

// setWaiting shows or hides the spinner and its line.
func (s *unlockScreen) setWaiting(on bool) {
	if on {
		s.busy.Show()
		s.spinner.Show()
		s.spinner.Start()
		return
	}
	// Stopped and hidden, so no animation outlives the wait.
	s.spinner.Stop()
	s.spinner.Hide()
	s.busy.Hide()
}

package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"slices"
	"strings"

	"github.com/nidan-auth/nidan/vault"
)

// minPassword is the shortest backup password the first launch accepts.
const minPassword = 8

// welcomeScreen is the first launch: a welcome, then the backup password
// (twice, with a strength hint and a plain warning), then the offer to
// unlock with the keyring.
type welcomeScreen struct {
	u        *ui
	password *widget.Entry
	confirm  *widget.Entry
	strength *wrapLabel
	meter    *strengthMeter
	create   *widget.Button
	message  *wrapLabel
}

func (s *welcomeScreen) build() fyne.CanvasObject {
	start := &widget.Button{Text: lang.L("Get started"), Importance: widget.HighImportance, OnTapped: s.onStart}
	return s.u.page(
		&widget.Label{Text: lang.L("Welcome to Nidan"), SizeName: theme.SizeNameHeadingText, TextStyle: fyne.TextStyle{Bold: true}, Alignment: fyne.TextAlignCenter},
		wrapped(&widget.Label{Text: lang.L("Nidan shows the six-digit codes that websites ask for when you sign in with two-step verification.")}),
		wrapped(&widget.Label{Text: onDevice(lang.L("Your accounts are kept encrypted on this computer, locked with a backup password you choose now."),
			lang.L("Your accounts are kept encrypted on this phone, locked with a backup password you choose now."))}),
		start)
}

func (s *welcomeScreen) onStart() {
	s.u.show(s.buildPassword())
	s.u.focusSoon(s.password)
}

func (s *welcomeScreen) buildPassword() fyne.CanvasObject {
	s.password = widget.NewPasswordEntry()
	s.password.SetPlaceHolder(lang.L("Backup password"))
	s.password.OnChanged = func(string) { s.onChanged() }
	s.password.OnSubmitted = func(string) { s.u.win.Canvas().Focus(s.confirm) }
	s.confirm = widget.NewPasswordEntry()
	s.confirm.SetPlaceHolder(lang.L("The same password again"))
	s.confirm.OnChanged = func(string) { s.onChanged() }
	s.confirm.OnSubmitted = func(string) { s.onCreate() }
	s.meter = newStrengthMeter()
	s.strength = wrapped(&widget.Label{})
	s.strength.minLines = 2 // the hints are one line or two
	s.create = &widget.Button{Text: lang.L("Create vault"), Importance: widget.HighImportance, OnTapped: s.onCreate}
	s.message = wrapped(&widget.Label{Importance: widget.DangerImportance})
	s.message.Hide()
	s.onChanged()
	warning := widget.NewCard("", "", wrapped(&widget.Label{Importance: widget.WarningImportance,
		Text: onDevice(lang.L("Write this password down and keep it safe. It cannot be recovered: nobody, not even Nidan, can reset it. If you lose both this password and this computer, your accounts are lost."),
			lang.L("Write this password down and keep it safe. It cannot be recovered: nobody, not even Nidan, can reset it. If you lose both this password and this phone, your accounts are lost."))}))
	return s.u.page(
		&widget.Label{Text: lang.L("Choose a backup password"), SizeName: theme.SizeNameSubHeadingText, TextStyle: fyne.TextStyle{Bold: true}},
		wrapped(&widget.Label{Text: lang.L("It unlocks Nidan and your backups.")}),
		s.password, s.meter, s.strength, s.confirm, warning, s.message, s.create)
}

// onChanged updates the strength hint and enables Create only when the two
// passwords are long enough and the same.
func (s *welcomeScreen) onChanged() {
	score, hint := passwordStrength(s.password.Text)
	s.meter.set(score)
	s.strength.l.Importance = widget.MediumImportance
	s.strength.SetText(hint)
	switch {
	case len([]rune(s.password.Text)) < minPassword:
		s.create.Disable()
	case s.confirm.Text != s.password.Text:
		s.create.Disable()
		// Say so as soon as the second one goes astray, not only once it is
		// as long as the first: a prefix is still being typed.
		if s.confirm.Text != "" && !strings.HasPrefix(s.password.Text, s.confirm.Text) {
			s.strength.SetText(lang.L("The two passwords are not the same."))
			s.strength.l.Importance = widget.DangerImportance
			s.strength.Refresh()
			return
		}
	default:
		s.create.Enable()
	}
}

func (s *welcomeScreen) onCreate() {
	if s.create.Disabled() {
		return
	}
	pw := []byte(s.password.Text)
	path, opts := s.u.path, s.u.vaultOptions()
	var v *vault.Vault
	var err error
	s.create.Disable()
	s.u.background(func() { v, err = vault.Create(path, pw, opts) }, func() {
		clear(pw)
		if err != nil {
			fyne.LogError("create vault", err)
			s.message.SetText(sentences(lang.L("Could not create the vault."), lang.L("Check that the folder can be written to, then try again.")))
			s.message.Show()
			s.create.Enable()
			return
		}
		s.password.SetText("")
		s.confirm.SetText("")
		s.u.vault = v
		if isMobile() {
			// No keyring service on a phone: straight to the list.
			s.onKeyring(false)
			return
		}
		s.u.show(s.buildKeyring())
		s.u.enter = func() { s.onKeyring(true) } // the highlighted choice, as in a dialog
	})
}

func (s *welcomeScreen) buildKeyring() fyne.CanvasObject {
	yes := &widget.Button{Text: lang.L("Use the keyring"), Importance: widget.HighImportance, OnTapped: func() { s.onKeyring(true) }}
	no := &widget.Button{Text: lang.L("Not now"), OnTapped: func() { s.onKeyring(false) }}
	return s.u.page(
		wrapped(&widget.Label{Text: lang.L("Unlock with this computer's keyring?"), SizeName: theme.SizeNameSubHeadingText, TextStyle: fyne.TextStyle{Bold: true}}),
		wrapped(&widget.Label{Text: lang.L("Nidan can keep a key in the keyring of your user account, so that it opens without the password while you are signed in to this computer. You can change this later in Settings.")}),
		yes, no)
}

func (s *welcomeScreen) onKeyring(on bool) {
	v := s.u.vault
	if on {
		if err := v.SetKeyring(true); err != nil {
			fyne.LogError("enable keyring", err)
			on = false
			defer s.u.showMessage(lang.L("Keyring not available"),
				lang.L("This computer's keyring could not be used. Nidan will ask for the password; you can try again in Settings."))
		}
	}
	s.u.prefs.p.SetBool(prefKeyring, on)
	s.u.unlocked(v)
}

// page is the layout of the simple full-window screens: a column of
// limited width in the middle, which scrolls on a small phone.
func (u *ui) page(objs ...fyne.CanvasObject) fyne.CanvasObject {
	return newKeepFocusVisible(u.win, scrollColumn(400, true, objs...))
}

// passwordStrength is a rough hint, not a guarantee: it counts length and
// kinds of characters, 0 (weak) to 4 (strong).
func passwordStrength(pw string) (int, string) {
	n := len([]rune(pw))
	var lower, upper, digit, other bool
	for _, r := range pw {
		switch {
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= '0' && r <= '9':
			digit = true
		default:
			other = true
		}
	}
	kinds := 0
	for _, b := range []bool{lower, upper, digit, other} {
		if b {
			kinds++
		}
	}
	switch {
	case n < minPassword:
		return min(n/3, 1), lang.X("strength.short", "Too short: use at least {{.N}} characters.", map[string]any{"N": minPassword})
	case guessable(pw):
		return 1, lang.L("Weak: this is among the first passwords anyone tries. Use several unrelated words.")
	case n >= 16 || (n >= 12 && kinds >= 3):
		return 4, lang.L("Strong.")
	case n >= 12 || kinds >= 3:
		return 3, lang.L("Good. A few more words make it stronger.")
	}
	return 2, lang.L("Fair. Longer is stronger: several unrelated words are easy to remember.")
}

// commonPasswords are the first guesses of every attacker's list; a
// password that is one of them, or one with only a number added, is weak
// whatever its length and kinds of characters.
var commonPasswords = []string{
	"password", "passw0rd", "p@ssw0rd", "qwerty", "qwertyuiop", "azerty", "letmein", "welcome", "iloveyou",
	"admin", "administrator", "dragon", "monkey", "football", "baseball", "sunshine", "princess",
	"trustno1", "whatever", "master", "superman", "starwars", "abc123", "123abc", "secret", "changeme",
	"nidan", "login", "access", "shadow", "michael", "computer", "internet",
}

// guessable reports a password made of one repeated character, a run of
// keys or digits in order, only digits under 12, or a common password
// (ignoring case and trailing digits).
func guessable(pw string) bool {
	low := strings.ToLower(pw)
	if strings.Trim(low, low[:1]) == "" {
		return true // aaaaaaaa
	}
	for _, run := range []string{"0123456789012345678901234567890", "9876543210987654321098765432109", "abcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnm"} {
		if strings.Contains(run, low) {
			return true // 12345678, abcdefgh
		}
	}
	if len(low) < 12 && strings.Trim(low, "0123456789") == "" {
		return true // a date or a PIN
	}
	base := strings.TrimRight(low, "0123456789!.")
	return slices.Contains(commonPasswords, base) || slices.Contains(commonPasswords, low)
}

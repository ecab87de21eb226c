package app

import (
	"errors"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/nidan-auth/nidan/accounts"
)

// manualScreen adds an account from its key typed by hand: issuer, account
// name and key, checked as they are typed; under "Advanced" the type,
// digits, period and algorithm.
type manualScreen struct {
	u       *ui
	issuer  *widget.Entry
	name    *widget.Entry
	key     *widget.Entry
	keyView *widget.Label // the key as it will be saved, whole, in groups of four
	keyHint *wrapLabel    // what to type there, or what is wrong with what was typed
	form    *widget.Form
	typ     *widget.Select
	digits  *widget.RadioGroup
	period  *widget.Entry
	algo    *widget.Select
	next    *widget.Button
	message *wrapLabel
}

var accountTypes = []accounts.Type{accounts.TOTP, accounts.HOTP, accounts.Steam}

func (s *manualScreen) build() fyne.CanvasObject {
	s.issuer = &widget.Entry{PlaceHolder: lang.L("Example: GitHub")}
	s.name = &widget.Entry{PlaceHolder: lang.L("Example: alice@example.com")}
	s.key = &widget.Entry{PlaceHolder: "JBSW Y3DP EHPK 3PXP", TextStyle: fyne.TextStyle{Monospace: true}}
	s.key.Validator = keyValidator
	// A long key scrolls in its one-line entry, so only its end shows;
	// the whole key in groups of four below it can be checked against the
	// website's, group by group.
	s.keyView = &widget.Label{TextStyle: fyne.TextStyle{Monospace: true}, Wrapping: fyne.TextWrapWord}
	s.keyView.Hide()
	s.typ = widget.NewSelect([]string{lang.L("Time-based (TOTP)"), lang.L("Counter-based (HOTP)"), "Steam"}, nil)
	s.typ.SetSelectedIndex(0)
	s.digits = widget.NewRadioGroup([]string{"6", "7", "8"}, nil)
	s.digits.Horizontal = true
	s.digits.Required = true
	s.digits.SetSelected("6")
	s.period = &widget.Entry{Text: "30", Validator: periodValidator}
	s.algo = widget.NewSelect([]string{"SHA1", "SHA256", "SHA512"}, nil)
	s.algo.SetSelected("SHA1")
	s.next = &widget.Button{Text: lang.L("Next"), Importance: widget.HighImportance, OnTapped: s.onNext}
	s.message = wrapped(&widget.Label{Importance: widget.DangerImportance})
	s.message.Hide()
	// The key's row is a column of its own (entry, whole key, hint), so
	// the form cannot show the entry's error in the hint line as it does
	// for a plain field: onChanged puts it there.
	s.keyHint = wrapped(&widget.Label{Importance: widget.LowImportance, SizeName: theme.SizeNameCaptionText})
	s.keyHint.minLines = 2 // the hint and most errors take two lines: nothing below jumps
	for _, e := range []*widget.Entry{s.issuer, s.name, s.key, s.period} {
		e.OnChanged = func(string) { s.onChanged() }
		e.OnSubmitted = func(string) { s.onNext() }
	}
	s.typ.OnChanged = func(string) { s.onChanged() }
	s.onChanged()

	s.form = phoneForm(
		widget.NewFormItem(lang.L("Issuer"), s.issuer),
		widget.NewFormItem(lang.L("Account"), s.name),
		&widget.FormItem{Text: lang.L("Key"), Widget: container.NewVBox(s.key, s.keyView, s.keyHint)},
	)
	advanced := phoneForm(
		widget.NewFormItem(lang.L("Type"), s.typ),
		widget.NewFormItem(lang.L("Digits"), s.digits),
		&widget.FormItem{Text: lang.L("Period"), Widget: s.period, HintText: lang.L("Seconds each code lasts.")},
		widget.NewFormItem(lang.L("Algorithm"), s.algo),
	)
	adv := widget.NewAccordion(widget.NewAccordionItem(lang.L("Advanced"), advanced))
	return screen(s.u, lang.L("Enter the key by hand"), s.form, adv, s.message, s.next)
}

// keyValidator checks the key as typed; the message says what is wrong
// without repeating the key.
func keyValidator(s string) error {
	if strings.TrimSpace(s) == "" {
		return errors.New(lang.L("Enter the key."))
	}
	if r, at, ok := badKeyChar(s); ok {
		return errors.New(lang.X("key.badchar", "“{{.Char}}” at position {{.At}} is not used in keys{{.Hint}}. Keys use only the letters A–Z and the digits 2–7.",
			map[string]any{"Char": string(r), "At": at, "Hint": keyCharHint(r)}))
	}
	if _, err := accounts.DecodeSecret(s); err != nil {
		return errors.New(lang.L("This is not a valid key: use only the letters A–Z and digits 2–7."))
	}
	return nil
}

func periodValidator(s string) error {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 || n > 86400 {
		return errors.New(lang.L("Enter a number of seconds, usually 30."))
	}
	return nil
}

func (s *manualScreen) onChanged() {
	typ := accountTypes[max(0, s.typ.SelectedIndex())]
	if typ == accounts.HOTP {
		s.period.Disable()
	} else {
		s.period.Enable()
	}
	if typ == accounts.Steam {
		s.digits.Disable()
	} else {
		s.digits.Enable()
	}
	shown, text := s.keyView.Visible(), s.keyView.Text
	if secret, err := accounts.DecodeSecret(s.key.Text); err == nil {
		s.keyView.SetText(accounts.GroupSecret(secret))
		clear(secret)
		s.keyView.Show()
	} else {
		s.keyView.Hide()
	}
	if s.form != nil && (shown != s.keyView.Visible() || text != s.keyView.Text) {
		// the key's row grows or shrinks with the lines it takes, and the
		// screen's column with it
		s.u.win.Content().Refresh()
	}
	// A character keys never use is named as soon as it is typed (which
	// and where); an empty field only gets the hint.
	if err := s.key.Validate(); err != nil && strings.TrimSpace(s.key.Text) != "" {
		s.keyHint.l.Importance = widget.DangerImportance
		s.keyHint.SetText(err.Error())
	} else {
		s.keyHint.l.Importance = widget.LowImportance
		s.keyHint.SetText(lang.L("The letters and digits shown under the QR code; spaces do not matter."))
	}
	if s.key.Validate() == nil && (typ == accounts.HOTP || s.period.Validate() == nil) &&
		strings.TrimSpace(s.issuer.Text+s.name.Text) != "" {
		s.next.Enable()
	} else {
		s.next.Disable()
	}
}

// account builds the account the form describes.
func (s *manualScreen) account() (accounts.Account, error) {
	secret, err := accounts.DecodeSecret(s.key.Text)
	if err != nil {
		return accounts.Account{}, err
	}
	typ := accountTypes[max(0, s.typ.SelectedIndex())]
	a := accounts.Account{Type: typ, Issuer: strings.TrimSpace(s.issuer.Text), Name: strings.TrimSpace(s.name.Text), Secret: secret}
	a.Algorithm = accounts.Algorithm(s.algo.Selected)
	if typ != accounts.Steam {
		a.Digits, _ = strconv.Atoi(s.digits.Selected)
	}
	if typ != accounts.HOTP {
		a.Period, _ = strconv.Atoi(strings.TrimSpace(s.period.Text))
	} else {
		a.Period = 0
	}
	return a, a.Prepare()
}

func (s *manualScreen) onNext() {
	if s.next.Disabled() {
		return
	}
	a, err := s.account()
	if err != nil {
		fyne.LogError("add by hand", err)
		s.message.SetText(lang.L("Check the fields: ") + err.Error())
		s.message.Show()
		return
	}
	s.u.showNewAccount(a)
}

// badKeyChar finds the first character of a typed key that base32 does not
// use, with its position counted as the user sees it (spaces and dashes,
// which are ignored, counted too).
func badKeyChar(s string) (rune, int, bool) {
	for i, r := range []rune(s) {
		switch {
		case r == ' ' || r == '-' || r == '\t' || r == '=',
			r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z', r >= '2' && r <= '7':
			continue
		}
		return r, i + 1, true
	}
	return 0, 0, false
}

// keyCharHint names the letter a digit that keys lack is usually mistaken
// for.
func keyCharHint(r rune) string {
	switch r {
	case '0':
		return lang.L(" (is it the letter O?)")
	case '1':
		return lang.L(" (is it the letter I or L?)")
	case '8':
		return lang.L(" (is it the letter B?)")
	}
	return ""
}

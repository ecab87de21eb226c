package app

import (
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/nidan-auth/nidan/accounts"
)

// warnSeconds is when the countdown turns to the warning colour and the next
// code appears beside it.
const warnSeconds = 5

// row is one account of the list: logo, issuer and name, the code large and
// grouped, a countdown, the next code near expiry, and for HOTP a "next
// code" button. The list keeps the rows it creates; the ticker calls tick,
// which sets text only where it changed, so a tick costs no list refresh.
type row struct {
	widget.BaseWidget

	logo      *logo
	title     *widget.Label
	sub       *widget.Label
	code      *widget.Label
	countdown *widget.Label
	next      *widget.Label
	hotp      *widget.Button
	menu      *widget.Button

	acct     accounts.Account
	warn     bool
	nextWord string
	onHOTP   func(id string)
	onMenu   func(id string, at fyne.CanvasObject)
}

var (
	_ fyne.Widget            = (*row)(nil)
	_ desktop.Hoverable      = (*row)(nil)
	_ fyne.SecondaryTappable = (*row)(nil)
)

func newRow(onHOTP func(string), onMenu func(string, fyne.CanvasObject)) *row {
	r := &row{
		logo:      newLogo(),
		title:     &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis},
		sub:       &widget.Label{Truncation: fyne.TextTruncateEllipsis},
		code:      &widget.Label{TextStyle: fyne.TextStyle{Monospace: true, Bold: true}, SizeName: theme.SizeNameHeadingText, Alignment: fyne.TextAlignTrailing},
		countdown: &widget.Label{TextStyle: fyne.TextStyle{Monospace: true}, Alignment: fyne.TextAlignTrailing},
		next:      &widget.Label{Importance: widget.LowImportance, TextStyle: fyne.TextStyle{Monospace: true}, Alignment: fyne.TextAlignTrailing},
		onHOTP:    onHOTP,
		onMenu:    onMenu,
	}
	r.hotp = &widget.Button{Icon: theme.ViewRefreshIcon(), Importance: widget.LowImportance, OnTapped: r.onNextCode}
	r.menu = &widget.Button{Icon: theme.MoreVerticalIcon(), Importance: widget.LowImportance, OnTapped: r.onMenuTapped}
	r.next.Hide()
	r.hotp.Hide()
	r.menu.Hide() // shown on hover: a button per row costs every repaint
	r.ExtendBaseWidget(r)
	return r
}

func (r *row) CreateRenderer() fyne.WidgetRenderer {
	names := container.NewVBox(r.title, r.sub)
	status := container.NewHBox(layout.NewSpacer(), r.next, r.countdown)
	codes := container.NewVBox(r.code, status)
	right := container.NewHBox(codes, r.hotp, r.menu)
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, r.logo, right, names))
}

// show points the row at an account (UpdateItem) and draws its code now.
func (r *row) show(a accounts.Account, now time.Time) {
	r.acct = a
	title, sub := rowNames(&a)
	r.logo.set(title, a.Color, a.ID)
	setText(r.title, title)
	setText(r.sub, sub)
	if a.Type == accounts.HOTP {
		r.hotp.Show()
		r.countdown.Hide()
	} else {
		r.hotp.Hide()
		r.countdown.Show()
	}
	r.tick(now)
}

// rowNames is what the two text lines say: issuer (or nickname) on top, the
// nickname or account name below.
func rowNames(a *accounts.Account) (string, string) {
	switch {
	case a.Issuer == "" && a.Nickname == "":
		return a.Name, ""
	case a.Issuer == "":
		return a.Nickname, a.Name
	case a.Nickname != "":
		return a.Issuer, a.Nickname
	}
	return a.Issuer, a.Name
}

// clear forgets the account, so a locked window keeps no secret in a row.
func (r *row) clear() {
	r.acct = accounts.Account{}
	setText(r.code, "")
	setText(r.next, "")
}

// tick updates the code, countdown and next code for now. It sets text only
// where it changed: on most ticks only the countdown changes.
func (r *row) tick(now time.Time) {
	if r.acct.ID == "" {
		return
	}
	c, err := r.acct.CodeAt(now)
	if err != nil {
		setText(r.code, "—")
		return
	}
	setText(r.code, accounts.GroupCode(c.Current))
	if r.acct.Type == accounts.HOTP {
		return
	}
	left := c.SecondsLeft()
	setText(r.countdown, countdownText(left))
	warn := left <= warnSeconds
	if warn != r.warn {
		r.warn = warn
		r.countdown.Importance = widget.MediumImportance
		if warn {
			r.countdown.Importance = widget.WarningImportance
		}
		r.countdown.Refresh()
	}
	if warn {
		setText(r.next, r.nextPrefix()+accounts.GroupCode(c.Next))
	}
	if warn != r.next.Visible() {
		// Twice a period: the code column changes width, so lay the row
		// out again (a label's Show alone does not move its neighbours).
		r.next.Hidden = !warn
		r.Refresh()
	}
}

// nextPrefix is the translated "next" word, looked up once per row.
func (r *row) nextPrefix() string {
	if r.nextWord == "" {
		r.nextWord = lang.L("next") + " "
	}
	return r.nextWord
}

// MouseIn shows the row's menu button; each tick repaints the whole window,
// so the list draws as few objects as it can while nobody points at it.
func (r *row) MouseIn(*desktop.MouseEvent) {
	if r.acct.ID != "" {
		r.menu.Show()
	}
}
func (r *row) MouseMoved(*desktop.MouseEvent) {}
func (r *row) MouseOut()                      { r.menu.Hide() }

// TappedSecondary (right click) opens the row's menu too.
func (r *row) TappedSecondary(*fyne.PointEvent) { r.onMenuTapped() }

func (r *row) onNextCode() {
	if r.onHOTP != nil && r.acct.ID != "" {
		r.onHOTP(r.acct.ID)
	}
}

func (r *row) onMenuTapped() {
	if r.onMenu != nil && r.acct.ID != "" {
		r.onMenu(r.acct.ID, r.menu)
	}
}

// setText changes a label only when the text differs: SetText always
// refreshes, and the ticker calls this for every visible row each second.
func setText(l *widget.Label, s string) {
	if l.Text != s {
		l.SetText(s)
	}
}

// countdownText pads the seconds to a fixed width (the label is monospace),
// so that going from 10 to 9 does not change the row's size and cost a
// second layout pass and frame.
func countdownText(n int) string {
	if n >= 0 && n < 10 {
		return " " + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

package app

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/nidan-auth/nidan/accounts"
)

// clipGuard copies codes and clears the clipboard after the delay from the
// settings, but only if it still holds the code it put there: whatever the
// user copied since is left alone.
type clipGuard struct {
	u      *ui
	last   string
	cancel func()
	// due: the delay ran out while a phone app was in the background,
	// where Android (10 and later) lets no app read the clipboard; it is
	// cleared when Nidan comes back.
	due bool
}

func (c *clipGuard) copy(code string) {
	cb := c.u.clipboard
	c.due = false
	cb.SetContent(code)
	c.last = code
	if c.cancel != nil {
		c.cancel()
		c.cancel = nil
	}
	if d := c.u.prefs.clipboardClear(); d > 0 {
		c.cancel = c.u.timers.after(timerClipboard, d, c.clear)
	}
}

// clear empties the clipboard if it still holds our code.
func (c *clipGuard) clear() {
	if c.u.inBackground {
		c.due = true
		return
	}
	c.due = false
	cb := c.u.clipboard
	if c.last != "" && cb.Content() == c.last {
		cb.SetContent("")
	}
	c.last = ""
	c.cancel = nil
}

// foreground clears the clipboard if its time ran out in the background.
func (c *clipGuard) foreground() {
	if c.due {
		c.clear()
	}
}

// copyCode copies the current code of an account, marks it used for the
// "recently used" order and says so at the bottom of the list.
func (u *ui) copyCode(id string) {
	if u.vault == nil {
		return
	}
	u.idle.touch()
	a, ok := u.vault.Account(id)
	if !ok {
		return
	}
	if a.Type == accounts.HOTP {
		u.copyHOTP(a)
		return
	}
	if !u.copyAt(a) {
		return
	}
	// Saving the "last used" time fsyncs the vault: off the UI goroutine.
	v, now := u.vault, u.now()
	var err2 error
	u.background(func() { err2 = v.MarkUsed(id, now) }, func() {
		if err2 != nil {
			fyne.LogError("mark used", err2) // only the sort order is lost
		}
		if u.list != nil && u.vault == v && u.list.sortOrder() == sortRecent {
			u.list.reload() // the copied account moves to the top
		}
	})
}

// copyHOTP copies a counter-based code the way the CLI shows one: the
// vault advances and saves the counter first (vault.NextHOTP), so a code
// handed out is never handed out again, even after a crash.
func (u *ui) copyHOTP(a accounts.Account) {
	v := u.vault
	var shown accounts.Account
	var err error
	u.background(func() { shown, err = v.NextHOTP(a.ID) }, func() {
		if err != nil {
			u.showError("Could not make the next code", err, vaultHint(err))
			return
		}
		if !u.copyAt(shown) {
			return
		}
		if u.list != nil && u.vault == v {
			u.list.reload() // the row shows the next counter's code
		}
	})
}

// copyAt copies a's code for now and says so at the bottom of the list;
// false (after telling the user) when the account makes no code.
func (u *ui) copyAt(a accounts.Account) bool {
	code, err := a.CodeAt(u.now())
	if err != nil {
		u.showError("Could not make a code for this account", err, lang.L("Edit the account and check its key and settings."))
		return false
	}
	u.clip.copy(code.Current)
	msg := lang.X("notice.copied", "Copied the code for {{.Name}}.", map[string]any{"Name": a.Label()})
	if d := u.prefs.clipboardClear(); d > 0 {
		msg = sentences(msg, lang.X("notice.clear", "The clipboard will be cleared in {{.Seconds}} s.", map[string]any{"Seconds": fmt.Sprint(int(d.Seconds()))}))
	}
	if u.list != nil {
		u.list.showNotice(msg)
	}
	return true
}

package app

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
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
	code, err := a.CodeAt(u.now())
	if err != nil {
		u.showError("Could not make a code for this account", err, lang.L("Edit the account and check its key and settings."))
		return
	}
	u.clip.copy(code.Current)
	if err := u.vault.MarkUsed(id, u.now()); err != nil {
		fyne.LogError("mark used", err) // only the sort order is lost
	}
	msg := lang.X("notice.copied", "Copied the code for {{.Name}}.", map[string]any{"Name": a.Label()})
	if d := u.prefs.clipboardClear(); d > 0 {
		msg += " " + lang.X("notice.clear", "The clipboard will be cleared in {{.Seconds}} s.", map[string]any{"Seconds": fmt.Sprint(int(d.Seconds()))})
	}
	if u.list != nil {
		u.list.showNotice(msg)
	}
}

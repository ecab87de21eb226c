package app

import (
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// The keyboard: Ctrl+F search, Ctrl+N add, Ctrl+L lock; arrows move in the
// list and Enter copies (codeList); typing anywhere starts a search.
var (
	keySearch = &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}
	keyAdd    = &desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault}
	keyLock   = &desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault}
)

// setupWindow installs the shortcuts, type-to-search, dropped files and the
// tray once; each handler checks what is on show.
func (u *ui) setupWindow() {
	c := u.win.Canvas()
	for _, s := range []*desktop.CustomShortcut{keySearch, keyAdd, keyLock} {
		c.AddShortcut(s, func(fs fyne.Shortcut) { u.onShortcut(fs.(*desktop.CustomShortcut)) })
	}
	c.SetOnTypedRune(u.typeToSearch)
	c.SetOnTypedKey(func(k *fyne.KeyEvent) {
		u.idle.touch()
		if u.list != nil && (k.Name == fyne.KeyDown || k.Name == fyne.KeyUp) && u.win.Content() == u.list.content {
			c.Focus(u.list.list)
		}
	})
	u.win.SetOnDropped(u.onDropped)
	u.setupTray()
	u.setupLifecycle()
}

// onShortcut runs an app shortcut and reports whether it was one.
func (u *ui) onShortcut(s *desktop.CustomShortcut) bool {
	u.idle.touch()
	switch {
	case s.ShortcutName() == keyLock.ShortcutName():
		if u.vault != nil {
			u.lock()
		}
	case s.ShortcutName() == keyAdd.ShortcutName():
		if u.vault != nil {
			u.onAdd()
		}
	case s.ShortcutName() == keySearch.ShortcutName():
		if u.list != nil {
			u.showList()
			u.win.Canvas().Focus(u.list.search)
		}
	default:
		return false
	}
	return true
}

// typeToSearch sends a typed character to the search field when the list is
// on show and nothing else has the focus.
func (u *ui) typeToSearch(r rune) {
	u.idle.touch()
	if u.list == nil || u.win.Content() != u.list.content || !unicode.IsPrint(r) {
		return
	}
	u.win.Canvas().Focus(u.list.search)
	u.list.search.TypedRune(r)
}

// focusSoon focuses a field a moment later. A button pressed with Space
// delivers the space character after its key event; focusing the new
// screen's field at once would type that space into it.
func (u *ui) focusSoon(f fyne.Focusable) {
	if u.opts.Sync {
		u.win.Canvas().Focus(f)
		return
	}
	u.timers.after(timerFocus, 50*time.Millisecond, func() {
		if o, ok := f.(fyne.CanvasObject); ok && u.win.Canvas() == fyne.CurrentApp().Driver().CanvasForObject(o) {
			u.win.Canvas().Focus(f)
		}
	})
}

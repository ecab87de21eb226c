package app

import (
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// The keyboard: Ctrl+F search, Ctrl+N add, Ctrl+L lock, Ctrl+, settings,
// Ctrl+Q quit, Ctrl+Z undo a delete; arrows move in the list, Enter copies, Delete asks to
// delete, Menu or Shift+F10 opens the row's menu (codeList); typing anywhere
// starts a search; Escape closes a dialog, else goes back to the list.
var (
	keySearch   = &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}
	keyAdd      = &desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault}
	keyLock     = &desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault}
	keySettings = &desktop.CustomShortcut{KeyName: fyne.KeyComma, Modifier: fyne.KeyModifierShortcutDefault}
	keyQuit     = &desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault}
)

// setupWindow installs the shortcuts, type-to-search, dropped files and the
// tray once; each handler checks what is on show.
func (u *ui) setupWindow() {
	c := u.win.Canvas()
	for _, s := range []*desktop.CustomShortcut{keySearch, keyAdd, keyLock, keySettings, keyQuit} {
		c.AddShortcut(s, func(fs fyne.Shortcut) { u.onShortcut(fs.(*desktop.CustomShortcut)) })
	}
	// Ctrl+Z with nothing focused: the toast's Undo (a focused entry keeps
	// its own undo of typing).
	c.AddShortcut(&fyne.ShortcutUndo{}, func(fyne.Shortcut) { u.toasts.act() })
	c.SetOnTypedRune(u.typeToSearch)
	c.SetOnTypedKey(u.onKey)
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
		if u.list != nil && len(u.dialogs) == 0 {
			u.showList()
			u.win.Canvas().Focus(u.list.search)
		}
	case s.ShortcutName() == keySettings.ShortcutName():
		if u.vault != nil && len(u.dialogs) == 0 {
			u.onSettings()
		}
	case s.ShortcutName() == keyQuit.ShortcutName():
		u.quit()
	default:
		return false
	}
	return true
}

// onKey takes the keys no focused widget took: a dialog's Escape and
// Enter; Escape on a screen other than the list goes back to it; arrows
// move into the list.
func (u *ui) onKey(k *fyne.KeyEvent) {
	u.idle.touch()
	if u.dialogKey(k.Name) {
		return
	}
	onList := u.list != nil && u.screen == u.list.content
	switch {
	case k.Name == fyne.KeyEscape && u.vault != nil && !onList:
		u.goBack()
	case onList && (k.Name == fyne.KeyDown || k.Name == fyne.KeyUp):
		u.win.Canvas().Focus(u.list.codes())
	case onList && (k.Name == fyne.KeyReturn || k.Name == fyne.KeyEnter):
		u.list.onCopyIndex(0) // nothing focused: the top code, as from the search field
	case u.locked != nil && !u.locked.password.Disabled() && (k.Name == fyne.KeyReturn || k.Name == fyne.KeyEnter):
		u.locked.onUnlock() // the password typed after a click on the background
	case u.enter != nil && len(u.dialogs) == 0 && (k.Name == fyne.KeyReturn || k.Name == fyne.KeyEnter):
		u.enter() // the first launch's screens: their highlighted button
	}
}

// goBack leaves a secondary screen for the list, as its back arrow does.
func (u *ui) goBack() {
	if u.back != nil {
		u.back()
		return
	}
	u.showList()
}

// typeToSearch sends a typed character to the search field when the list is
// on show and nothing else has the focus.
func (u *ui) typeToSearch(r rune) {
	u.idle.touch()
	if u.typeToPassword(r) {
		return
	}
	if u.list == nil || u.screen != u.list.content || !unicode.IsPrint(r) || len(u.dialogs) > 0 {
		return
	}
	u.win.Canvas().Focus(u.list.search)
	u.list.search.TypedRune(r)
}

// typeToPassword sends a character typed with nothing focused on the lock
// screen to the password field: a click on the window to bring it forward
// lands on the background and takes the focus from the field, and the
// password typed next must not go nowhere.
func (u *ui) typeToPassword(r rune) bool {
	s := u.locked
	if s == nil || u.screen == nil || len(u.dialogs) > 0 || s.password.Disabled() || !unicode.IsPrint(r) {
		return false
	}
	u.win.Canvas().Focus(s.password)
	s.password.TypedRune(r)
	return true
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
			trace("focused")
		}
	})
}

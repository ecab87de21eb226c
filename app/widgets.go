package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// searchEntry is the search field. It passes the app's shortcuts (Ctrl+L,
// Ctrl+N) on, since a focused entry would swallow them, and Down moves into
// the list.
type searchEntry struct {
	widget.Entry
	u      *ui
	onDown func()
}

func newSearchEntry(u *ui) *searchEntry {
	e := &searchEntry{u: u}
	e.ExtendBaseWidget(e)
	return e
}

func (e *searchEntry) TypedShortcut(s fyne.Shortcut) {
	if cs, ok := s.(*desktop.CustomShortcut); ok && e.u.onShortcut(cs) {
		return
	}
	e.Entry.TypedShortcut(s)
}

func (e *searchEntry) TypedKey(k *fyne.KeyEvent) {
	e.u.idle.touch()
	if k.Name == fyne.KeyDown && e.onDown != nil {
		e.onDown()
		return
	}
	if k.Name == fyne.KeyEscape && e.Text != "" {
		e.SetText("")
		return
	}
	e.Entry.TypedKey(k)
}

// codeList is the account list: Enter (as well as Space) copies the focused
// row's code, Delete asks to delete it, Menu or Shift+F10 opens its menu,
// and the app's shortcuts work while it has the focus.
type codeList struct {
	widget.List
	shiftKeys
	u *ui

	// action is what selecting the focused row does next: fyne's List keeps
	// the focused index to itself and hands it out only by selecting it, so
	// a key sets the action and then selects.
	action listAction
}

type listAction int

const (
	actionCopy listAction = iota
	actionDelete
	actionMenu
)

var _ desktop.Keyable = (*codeList)(nil)

// shiftKeys tracks whether Shift is held (TypedKey carries no modifiers),
// for Shift+F10 in the code list and grid.
type shiftKeys struct{ shift bool }

func (s *shiftKeys) KeyDown(k *fyne.KeyEvent) {
	if k.Name == desktop.KeyShiftLeft || k.Name == desktop.KeyShiftRight {
		s.shift = true
	}
}

func (s *shiftKeys) KeyUp(k *fyne.KeyEvent) {
	if k.Name == desktop.KeyShiftLeft || k.Name == desktop.KeyShiftRight {
		s.shift = false
	}
}

// actOnFocused runs an action on the focused row.
func (l *codeList) actOnFocused(a listAction) {
	l.action = a
	l.List.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	l.action = actionCopy
}

func (l *codeList) FocusLost() {
	l.shift = false
	l.List.FocusLost()
}

func newCodeList(length func() int, create func() fyne.CanvasObject, update func(widget.ListItemID, fyne.CanvasObject)) *codeList {
	l := &codeList{}
	l.Length, l.CreateItem, l.UpdateItem = length, create, update
	l.ExtendBaseWidget(l)
	return l
}

func (l *codeList) TypedKey(k *fyne.KeyEvent) {
	listKey(l.u, k, l.shift, l.actOnFocused, l.List.TypedKey)
}

// listKey is the keys of the code list and the wide layout's grid: act on
// the focused code, or pass the key on to fyne's widget (arrows).
func listKey(u *ui, k *fyne.KeyEvent, shift bool, act func(listAction), pass func(*fyne.KeyEvent)) {
	if u != nil {
		u.idle.touch()
	}
	switch {
	case k.Name == fyne.KeyReturn || k.Name == fyne.KeyEnter:
		act(actionCopy)
	case k.Name == fyne.KeyDelete:
		act(actionDelete)
	case k.Name == desktop.KeyMenu || (k.Name == fyne.KeyF10 && shift):
		act(actionMenu)
	case k.Name == fyne.KeyEscape && u != nil:
		u.onKey(k) // a dialog above, if any
	default:
		pass(k)
	}
}

// TypedRune starts a search: typing while the list has the focus goes to
// the search field.
func (l *codeList) TypedRune(r rune) {
	if l.u != nil && l.u.list != nil && r != ' ' {
		l.u.typeToSearch(r)
	}
}

func (l *codeList) TypedShortcut(s fyne.Shortcut) { listShortcut(l.u, s) }

// listShortcut is the shortcuts of the code list and grid.
func listShortcut(u *ui, s fyne.Shortcut) {
	if u == nil {
		return
	}
	switch s := s.(type) {
	case *desktop.CustomShortcut:
		u.onShortcut(s)
	case *fyne.ShortcutUndo: // Ctrl+Z: the toast's Undo (a delete)
		u.toasts.act()
	}
}

// activity wraps a screen to notice the mouse moving over it, which counts
// as use for the idle lock.
type activity struct {
	widget.BaseWidget
	u       *ui
	content fyne.CanvasObject
}

var _ desktop.Hoverable = (*activity)(nil)

func newActivity(u *ui, content fyne.CanvasObject) *activity {
	a := &activity{u: u, content: content}
	a.ExtendBaseWidget(a)
	return a
}

func (a *activity) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(a.content) }
func (a *activity) MouseIn(*desktop.MouseEvent)         { a.u.idle.touch() }
func (a *activity) MouseMoved(*desktop.MouseEvent)      { a.u.idle.touch() }
func (a *activity) MouseOut()                           {}

// keySelect is a Select whose Escape goes on to the window (close the
// dialog above, or go back): a focused widget hears keys first, and
// Fyne's Select drops Escape.
type keySelect struct {
	widget.Select
	u *ui
}

func newKeySelect(u *ui, options []string, changed func(string)) *keySelect {
	s := &keySelect{u: u}
	s.Options, s.OnChanged = options, changed
	s.ExtendBaseWidget(s)
	return s
}

func (s *keySelect) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape {
		s.u.onKey(k)
		return
	}
	s.Select.TypedKey(k)
}

// keyCheck is a Check that passes Escape on, as keySelect does.
type keyCheck struct {
	widget.Check
	u *ui
}

func newKeyCheck(u *ui, label string, changed func(bool)) *keyCheck {
	c := &keyCheck{u: u}
	c.Text, c.OnChanged = label, changed
	c.ExtendBaseWidget(c)
	return c
}

func (c *keyCheck) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape {
		c.u.onKey(k)
		return
	}
	c.Check.TypedKey(k)
}

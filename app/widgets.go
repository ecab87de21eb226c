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
// row's code, and the app's shortcuts work while it has the focus.
type codeList struct {
	widget.List
	u *ui
}

func newCodeList(length func() int, create func() fyne.CanvasObject, update func(widget.ListItemID, fyne.CanvasObject)) *codeList {
	l := &codeList{}
	l.Length, l.CreateItem, l.UpdateItem = length, create, update
	l.ExtendBaseWidget(l)
	return l
}

func (l *codeList) TypedKey(k *fyne.KeyEvent) {
	if l.u != nil {
		l.u.idle.touch()
	}
	switch k.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		l.List.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
		return
	}
	l.List.TypedKey(k)
}

// TypedRune starts a search: typing while the list has the focus goes to
// the search field.
func (l *codeList) TypedRune(r rune) {
	if l.u != nil && l.u.list != nil && r != ' ' {
		l.u.typeToSearch(r)
	}
}

func (l *codeList) TypedShortcut(s fyne.Shortcut) {
	if cs, ok := s.(*desktop.CustomShortcut); ok && l.u != nil {
		l.u.onShortcut(cs)
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

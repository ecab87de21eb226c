package app

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/nidan-auth/nidan/accounts"
)

// listScreen is the main window: search, sort and group on top, the
// accounts; notices are toasts (toast.go). It keeps the rows the list creates
// so that the ticker can update them in place.
type listScreen struct {
	u       *ui
	book    *accounts.Codebook // codes per time step, so a tick rarely computes one
	content fyne.CanvasObject

	search *searchEntry
	sortBy *widget.Select
	group  *widget.Select
	list   *codeList
	grid   *codeGrid       // the wide layout's cards (cards.go)
	wide   bool            // the grid is shown, not the list
	both   *fyne.Container // list and grid, one of them shown
	body   *fyne.Container // list and grid, or the empty state
	empty  *fyne.Container

	all   []accounts.Account // in vault order
	shown []accounts.Account // after search, group and sort
	rows  []*row
}

func (l *listScreen) build() fyne.CanvasObject {
	u := l.u
	l.search = newSearchEntry(u)
	l.search.SetPlaceHolder(lang.L("Search (Ctrl+F)"))
	if isMobile() {
		l.search.SetPlaceHolder(lang.L("Search"))
	}
	l.search.OnChanged = func(string) { l.onFilter() }
	l.search.OnSubmitted = func(string) { l.onCopyIndex(0) }
	l.search.onDown = func() { u.win.Canvas().Focus(l.list) }

	sorts := []string{lang.L("Manual order"), lang.L("Name"), lang.L("Recently used")}
	l.sortBy = widget.NewSelect(sorts, func(string) { l.onSort() })
	l.sortBy.SetSelectedIndex(max(0, slices.Index([]string{sortManual, sortName, sortRecent}, u.prefs.sortOrder())))

	l.group = widget.NewSelect(nil, func(string) { l.onFilter() })

	l.list = newCodeList(
		func() int { return len(l.shown) },
		func() fyne.CanvasObject {
			return newRow(l.u, l.book, l.u.logos, l.u.copyCode, l.onHOTP, l.onRowMenu)
		},
		func(id widget.ListItemID, o fyne.CanvasObject) { l.showRow(id, o.(*row)) })
	l.list.u = u
	l.list.OnSelected = func(id widget.ListItemID) {
		l.list.UnselectAll()
		l.onSelected(id, l.list.action)
	}
	l.grid = newCodeGrid(
		func() int { return len(l.shown) },
		func() fyne.CanvasObject {
			r := newCard(l.u, l.book, l.u.logos, l.u.copyCode, l.onHOTP, l.onRowMenu)
			r.cardW = l.grid.cardWidth
			return r
		},
		func(id widget.GridWrapItemID, o fyne.CanvasObject) { l.showRow(id, o.(*row)) })
	l.grid.u = u
	l.grid.OnSelected = func(id widget.GridWrapItemID) {
		l.grid.UnselectAll()
		l.onSelected(id, l.grid.action)
	}
	l.grid.Hide()
	l.both = container.New(&wideSwitch{l: l}, l.list, l.grid)

	add := u.iconButton(theme.ContentAddIcon(), lang.L("Add account (Ctrl+N)"), widget.HighImportance, u.onAdd)
	lockB := u.iconButton(lockIcon(), lang.L("Lock (Ctrl+L)"), widget.LowImportance, u.lock)
	menu := u.iconButton(theme.MenuIcon(), lang.L("Menu"), widget.LowImportance, nil)
	menu.OnTapped = func() { l.onMenu(menu) }
	filters := container.NewGridWithColumns(2, l.sortBy, l.group)
	top := container.NewVBox(container.NewBorder(nil, nil, nil, container.NewHBox(add, lockB, menu), l.search), filters)

	addFirst := &widget.Button{Text: lang.L("Add account"), Icon: theme.ContentAddIcon(), Importance: widget.HighImportance, OnTapped: u.onAdd}
	l.empty = container.New(&column{w: 400, middle: true}, container.NewVBox(
		wrapped(&widget.Label{Text: lang.L("No accounts yet"), Alignment: fyne.TextAlignCenter, SizeName: theme.SizeNameSubHeadingText}),
		wrapped(&widget.Label{Text: lang.L("Add the QR code or key a website shows when you turn on two-step verification."), Alignment: fyne.TextAlignCenter}),
		container.NewCenter(addFirst)))
	l.body = container.NewStack(l.both)

	l.content = newActivity(u, container.NewBorder(top, u.syncBar(), nil, nil, l.body))
	l.reload()
	return l.content
}

// reload reads the accounts again (after add, edit, delete) and redraws the
// list once.
func (l *listScreen) reload() {
	if l.u.vault == nil {
		return
	}
	l.all = l.u.vault.Accounts()
	groups := []string{lang.L("All groups")}
	for _, a := range l.all {
		if a.Group != "" && !slices.Contains(groups, a.Group) {
			groups = append(groups, a.Group)
		}
	}
	slices.Sort(groups[1:])
	l.group.SetOptions(groups)
	if len(groups) == 1 {
		l.group.Hide()
	} else {
		l.group.Show()
	}
	if l.group.SelectedIndex() < 0 {
		l.group.SetSelectedIndex(0)
	}
	l.onFilter()
}

// onFilter applies search, group and sort, then refreshes the list: a
// refresh re-runs UpdateItem for every visible row, so it happens on
// changes only, never on a tick.
func (l *listScreen) onFilter() {
	q := l.search.Text
	g := ""
	if l.group.SelectedIndex() > 0 {
		g = l.group.Selected
	}
	l.shown = l.shown[:0]
	for _, a := range l.all {
		if a.Matches(q) && (g == "" || a.Group == g) {
			l.shown = append(l.shown, a)
		}
	}
	switch l.sortOrder() {
	case sortName:
		slices.SortStableFunc(l.shown, func(a, b accounts.Account) int {
			return cmp.Compare(strings.ToLower(a.Label()), strings.ToLower(b.Label()))
		})
	case sortRecent:
		slices.SortStableFunc(l.shown, func(a, b accounts.Account) int { return b.LastUsed.Compare(a.LastUsed) })
	}
	l.showBody()
	if l.wide {
		l.grid.Refresh()
	} else {
		l.list.Refresh()
	}
}

// onSelected runs the action a key or a click chose on the code at id.
func (l *listScreen) onSelected(id int, action listAction) {
	if id < 0 || id >= len(l.shown) {
		return
	}
	switch action {
	case actionDelete:
		l.u.onDelete(l.shown[id].ID)
	case actionMenu:
		l.onRowMenu(l.shown[id].ID, l.rowMenuPos(l.shown[id].ID))
	default:
		l.onCopyIndex(id)
	}
}

func (l *listScreen) showBody() {
	var want fyne.CanvasObject = l.both
	if len(l.all) == 0 {
		want = l.empty
	}
	if len(l.body.Objects) != 1 || l.body.Objects[0] != want {
		l.body.Objects = []fyne.CanvasObject{want}
		l.body.Refresh()
	}
}

func (l *listScreen) sortOrder() string {
	return [...]string{sortManual, sortName, sortRecent}[max(0, l.sortBy.SelectedIndex())]
}

func (l *listScreen) onSort() {
	if l.list == nil {
		return
	}
	l.u.prefs.p.SetString(prefSort, l.sortOrder())
	l.onFilter()
}

// showRow puts account id of the shown ones in row r, and r in the rows
// the ticker walks. Rows join there only now: List and GridWrap make a row
// on each refresh only to measure it, which would pile up unused.
func (l *listScreen) showRow(id int, r *row) {
	if id >= len(l.shown) {
		return
	}
	if !r.listed {
		r.listed = true
		l.rows = append(l.rows, r)
	}
	r.show(l.shown[id], l.u.now())
}

// tick updates the code rows in place; see row.tick.
func (l *listScreen) tick(now time.Time) {
	for _, r := range l.rows {
		r.tick(now)
	}
}

// clear drops every account and code from the rows before the list goes.
func (l *listScreen) clear() {
	for _, r := range l.rows {
		r.clear()
	}
	l.all, l.shown = nil, nil
	l.book.Reset()
}

// focus puts the keyboard in the list: arrows move, Enter copies, typing
// starts a search. Not in the search field: a focused entry's cursor
// animates, which repaints the window many times a second while idle.
func (l *listScreen) focus() {
	if len(l.all) > 0 {
		l.u.focusSoon(l.codes())
	}
}

func (l *listScreen) onCopyIndex(id int) {
	if id < 0 || id >= len(l.shown) {
		return
	}
	l.u.copyCode(l.shown[id].ID)
}

// onHOTP skips to the next counter's code (the row's ⟳ button); saving
// the counter fsyncs the vault, so it runs off the UI goroutine.
func (l *listScreen) onHOTP(id string) {
	u := l.u
	u.idle.touch()
	v := u.vault
	var err error
	u.background(func() { _, err = v.NextHOTP(id) }, func() {
		if err != nil {
			u.showError("Could not make the next code", err, vaultHint(err))
			return
		}
		if u.list == l && u.vault == v {
			l.reload()
		}
	})
}

// showNotice puts a short message up for a few seconds, as a toast.
func (l *listScreen) showNotice(msg string) { l.u.toasts.show(msg, nil) }

func (l *listScreen) onMenu(at fyne.CanvasObject) {
	u := l.u
	addKey, lockKey := "  (Ctrl+N)", "  (Ctrl+L)"
	if isMobile() {
		addKey, lockKey = "", "" // no keyboard to press them on
	}
	items := []*fyne.MenuItem{
		fyne.NewMenuItem(lang.L("Add account")+addKey, u.onAdd),
		fyne.NewMenuItem(lang.L("Import…"), u.onImport),
		fyne.NewMenuItem(lang.L("Export…"), u.onExport),
		fyne.NewMenuItem(lang.L("Backups…"), u.onBackups),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem(lang.L("Change password…"), u.onChangePassword),
		fyne.NewMenuItem(lang.L("Settings…"), u.onSettings),
	}
	items = append(items, fyne.NewMenuItemSeparator(), fyne.NewMenuItem(lang.L("Lock")+lockKey, u.lock))
	if !isMobile() { // a phone app is not quit by the user
		quit := fyne.NewMenuItem(lang.L("Quit")+"  (Ctrl+Q)", u.quit)
		items = append(items, quit)
	}
	m := fyne.NewMenu("", items...)
	showMenuAt(u.win, m, at)
}

// rowMenuPos is where the keyboard opens a row's menu: under the row's
// names, inside the window.
func (l *listScreen) rowMenuPos(id string) fyne.Position {
	d := fyne.CurrentApp().Driver()
	for _, r := range l.rows {
		if r.acct.ID == id && r.card == l.wide && r.Visible() && d.CanvasForObject(r) != nil {
			return d.AbsolutePositionForObject(r).AddXY(r.Size().Height, r.Size().Height*3/4)
		}
	}
	return d.AbsolutePositionForObject(l.codes().(fyne.CanvasObject))
}

func (l *listScreen) onRowMenu(id string, at fyne.Position) {
	u := l.u
	items := []*fyne.MenuItem{
		fyne.NewMenuItem(lang.L("Copy code"), func() { u.copyCode(id) }),
		fyne.NewMenuItem(lang.L("Edit…"), func() { u.onEdit(id) }),
		fyne.NewMenuItem(lang.L("Show QR code…"), func() { u.onShowQR(id) }),
	}
	if l.sortOrder() == sortManual && l.search.Text == "" && l.group.SelectedIndex() <= 0 {
		at := slices.IndexFunc(l.all, func(a accounts.Account) bool { return a.ID == id })
		if at > 0 {
			items = append(items, fyne.NewMenuItem(lang.L("Move up"), func() { l.onMove(id, -1) }))
		}
		if at >= 0 && at < len(l.all)-1 {
			items = append(items, fyne.NewMenuItem(lang.L("Move down"), func() { l.onMove(id, 1) }))
		}
	}
	del := fyne.NewMenuItem(lang.L("Delete…")+"  (Del)", func() { u.onDelete(id) })
	del.Icon = theme.DeleteIcon()
	items = append(items, fyne.NewMenuItemSeparator(), del)
	// The menu takes the arrows and Enter; once it closes (Escape, a click
	// beside it, or a choice) the focus goes back where it was, so the
	// keyboard carries on from the same row.
	c := u.win.Canvas()
	was := c.Focused()
	c.Unfocus()
	m := widget.NewPopUpMenu(fyne.NewMenu("", items...), c)
	m.OnDismiss = func() {
		m.Hide()
		if o, ok := was.(fyne.CanvasObject); ok && u.list == l && fyne.CurrentApp().Driver().CanvasForObject(o) == c {
			c.Focus(was)
		}
	}
	m.ShowAtPosition(at)
	trace("menu")
}

// onMove is the manual order: fyne's list cannot drag rows, so the row menu
// moves an account up or down.
func (l *listScreen) onMove(id string, delta int) {
	ids := make([]string, len(l.all))
	at := -1
	for i, a := range l.all {
		ids[i] = a.ID
		if a.ID == id {
			at = i
		}
	}
	to := at + delta
	if at < 0 || to < 0 || to >= len(ids) {
		return
	}
	ids[at], ids[to] = ids[to], ids[at]
	u, v := l.u, l.u.vault
	var err error
	u.background(func() { err = v.Reorder(ids) }, func() {
		if err != nil {
			u.showError("Could not change the order", err, vaultHint(err))
		}
		if u.list == l && u.vault == v {
			l.reload()
		}
	})
}

// showMenuAt opens a menu under a button.
func showMenuAt(w fyne.Window, m *fyne.Menu, at fyne.CanvasObject) {
	c := w.Canvas()
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(at)
	widget.ShowPopUpMenuAtPosition(m, c, pos.AddXY(0, at.Size().Height))
}

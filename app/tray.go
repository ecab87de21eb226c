package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
)

// trayMax is how many accounts the tray's "Copy code" menu lists.
const trayMax = 15

// setupTray puts Nidan in the system tray where the desktop has one.
func (u *ui) setupTray() {
	if _, ok := u.app.(desktop.App); !ok {
		return
	}
	u.win.SetCloseIntercept(func() {
		if u.trayOn {
			u.onHide() // closing keeps Nidan in the tray; Quit is in the tray menu
			return
		}
		u.app.Quit()
	})
	u.trayOn = true
	u.updateTray()
}

// updateTray rebuilds the tray menu: copy a code (only while unlocked),
// show/hide, lock. It runs on unlock, lock and list changes, never per tick.
func (u *ui) updateTray() {
	d, ok := u.app.(desktop.App)
	if !ok || !u.trayOn {
		return
	}
	copyItem := fyne.NewMenuItem(lang.L("Copy code"), nil)
	if u.vault != nil {
		var items []*fyne.MenuItem
		for i, a := range u.vault.Accounts() {
			if i == trayMax {
				break
			}
			id := a.ID
			items = append(items, fyne.NewMenuItem(a.Label(), func() { u.copyCode(id) }))
		}
		if len(items) > 0 {
			copyItem.ChildMenu = fyne.NewMenu("", items...)
		} else {
			copyItem.Disabled = true
		}
	} else {
		copyItem.Disabled = true
	}
	show := fyne.NewMenuItem(lang.L("Show / hide"), u.onToggleWindow)
	lockItem := fyne.NewMenuItem(lang.L("Lock"), u.lock)
	lockItem.Disabled = u.vault == nil
	d.SetSystemTrayMenu(fyne.NewMenu("Nidan", copyItem, show, lockItem))
	d.SetSystemTrayIcon(appIcon)
}

func (u *ui) onToggleWindow() {
	if u.hidden {
		u.hidden = false
		u.win.Show()
		if u.vault != nil {
			u.startTicker()
		}
		return
	}
	u.onHide()
}

// onHide hides the window and stops the ticker: nobody sees the codes.
func (u *ui) onHide() {
	u.hidden = true
	u.stopTicker()
	u.win.Hide()
}

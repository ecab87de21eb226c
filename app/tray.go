package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"

	"github.com/nidan-auth/nidan/assets"
	"github.com/nidan-auth/nidan/internal/trayhost"
)

// trayMax is how many accounts the tray's "Copy code" menu lists.
const trayMax = 15

// setupTray puts Nidan in the system tray where the desktop has one.
func (u *ui) setupTray() {
	if _, ok := u.app.(desktop.App); !ok {
		return
	}
	u.win.SetCloseIntercept(u.onClose)
	if u.opts.TrayHost == nil && !trayhost.BusReachable() {
		return // no session bus: no tray can show the icon, and closing quits
	}
	u.trayOn = true
	u.updateTray()
}

// onClose keeps Nidan in the tray when closing the window, but only if a
// tray shows its icon right now (asked at each close: a panel may come and
// go); otherwise the window could never be brought back, so closing quits.
func (u *ui) onClose() {
	if u.trayOn && u.trayHost() {
		u.onHide()
		return
	}
	u.quit()
}

// trayHost asks the desktop whether it shows tray icons.
func (u *ui) trayHost() bool {
	if u.opts.TrayHost != nil {
		return u.opts.TrayHost()
	}
	return trayhost.Available()
}

// quit clears the clipboard if it still holds a code of ours and ends the
// app (the tray menu, the ☰ menu, closing without a tray).
func (u *ui) quit() {
	u.clip.clear()
	trace("quit")
	u.app.Quit()
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
	quit := fyne.NewMenuItem(lang.L("Quit"), u.quit)
	quit.IsQuit = true // fyne adds no second Quit of its own
	d.SetSystemTrayMenu(fyne.NewMenu("Nidan", copyItem, show, lockItem, fyne.NewMenuItemSeparator(), quit))
	if !u.trayIconSet {
		// Once: the tray library decodes the icon again on every call.
		d.SetSystemTrayIcon(trayIcon)
		u.trayIconSet = true
	}
}

// trayIcon is the app icon at the size trays draw (assets.TrayPNG).
var trayIcon = fyne.NewStaticResource("nidan-tray.png", assets.TrayPNG)

func (u *ui) onToggleWindow() {
	if u.hidden {
		u.hidden = false
		u.win.Show()
		if u.vault != nil {
			u.startTicker()
		}
		trace("shown")
		return
	}
	u.onHide()
}

// onHide hides the window and stops the ticker: nobody sees the codes.
func (u *ui) onHide() {
	u.hidden = true
	u.stopTicker()
	u.win.Hide()
	trace("hidden")
}

//go:build linux || freebsd || openbsd || netbsd || dragonfly

package trayhost

import (
	"github.com/godbus/dbus/v5"
)

// watcher is the StatusNotifier service tray icons register with; a panel
// that shows them (a "host") registers with it too.
const watcher = "org.kde.StatusNotifierWatcher"

// Available reports whether a StatusNotifier watcher with at least one host
// is on the session bus. Without a session bus, a watcher or a host, an
// icon would be shown nowhere.
func Available() bool {
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return false
	}
	defer conn.Close()
	var owned bool
	if err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, watcher).Store(&owned); err != nil || !owned {
		return false
	}
	v, err := conn.Object(watcher, "/StatusNotifierWatcher").GetProperty(watcher + ".IsStatusNotifierHostRegistered")
	if err != nil {
		return false
	}
	host, ok := v.Value().(bool)
	return ok && host
}

// BusReachable reports whether the session bus answers at all. The tray
// library Fyne uses cannot be stopped cleanly when it never reached a bus
// (it closes a connection it does not have), so without one the app must
// not start it.
func BusReachable() bool {
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return false
	}
	conn.Close()
	return true
}

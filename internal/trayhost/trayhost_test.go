//go:build linux

package trayhost

import "testing"

func TestNoBusNoTray(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+t.TempDir()+"/no-bus")
	if Available() {
		t.Fatal("a tray host is reported on a session bus that does not exist")
	}
}

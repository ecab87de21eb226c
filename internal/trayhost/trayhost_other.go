//go:build !(linux || freebsd || openbsd || netbsd || dragonfly)

package trayhost

// Available is true on Windows and macOS, whose notification area and menu
// bar are always there.
func Available() bool { return true }

// BusReachable: there is no session bus to need here.
func BusReachable() bool { return true }

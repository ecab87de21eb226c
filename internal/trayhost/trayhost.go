// Package trayhost tells whether the desktop shows tray icons right now, so
// that the app hides to the tray on close only where the user can get the
// window back from there.
package trayhost

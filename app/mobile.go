package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// What Nidan does differently on a phone (isMobile): it locks when it goes
// to the background, adds accounts from a photo or a typed key (no screen
// to capture, no image clipboard, no V4L2 camera), has no tray, keyring or
// backup folder to choose, and shows every control without hover or
// shortcuts. Layout seams are in responsive.go.

// onExitedForeground runs when the app leaves the foreground. On a phone
// that is another app, the home screen or the screen turning off: the vault
// locks at once, so nobody who picks the phone up finds the codes. The
// exception is a system picker Nidan itself opened (a photo, a place to
// save a backup), which puts Nidan in the background too; there only the
// ticker stops, and the idle lock still runs. On desktop, fyne reports
// "background" when the window merely loses the focus; codes on a visible
// window must keep moving, so there nothing happens.
func (u *ui) onExitedForeground() {
	if !isMobile() {
		return
	}
	u.inBackground = true
	u.stopTicker()
	if u.vault != nil && u.pickers == 0 {
		u.lock()
	}
}

// onEnteredForeground restarts the ticker and clears a code left on the
// clipboard whose time ran out while Nidan was in the background.
func (u *ui) onEnteredForeground() {
	u.inBackground = false
	u.clip.foreground()
	if u.vault != nil && !u.hidden {
		u.startTicker()
	}
}

// picking counts a system picker as open until done runs: see
// onExitedForeground.
func (u *ui) picking() (done func()) {
	u.pickers++
	ran := false
	return func() {
		if !ran {
			ran = true
			u.pickers--
		}
	}
}

// buildPhone is the add screen on a phone: a photo of the QR code (or a
// screenshot of it) from the gallery, or the key typed by hand. Fyne 2.7
// has no camera API, so the system photo picker is the way to the camera
// roll; the user takes the photo with the phone's camera app first.
func (s *addScreen) buildPhone() fyne.CanvasObject {
	return screen(s.u, lang.L("Add account"),
		wrapped(&widget.Label{Text: lang.L("Choose a photo or screenshot of the QR code the website shows you, or type its key.")}),
		sourceButton(lang.L("Choose a photo…"), theme.FileImageIcon(), s.onPhoto),
		sourceButton(lang.L("Enter the key by hand"), theme.DocumentCreateIcon(), s.onManual),
		wrapped(&widget.Label{Text: lang.L("To scan a code on another screen, take a photo of it with the camera app, then choose that photo."), Importance: widget.LowImportance}),
		s.message)
}

// onPhoto opens the system's photo picker (Android and iOS show their
// gallery for an image filter; the simulation shows fyne's file dialog).
func (s *addScreen) onPhoto() {
	s.u.openFile(storage.NewMimeTypeFileFilter([]string{"image/*"}), func(r fyne.URIReadCloser) { s.u.scanReader(r, s.fail) })
}

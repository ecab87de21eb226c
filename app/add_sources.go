package app

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/nidan-auth/nidan/scanner"
)

// The image sources that are not files: the screen and the clipboard (the
// camera has its own window, camera.go). scanner does the platform work; these run it off the UI goroutine
// and pass the texts on to onTexts.

// onScanScreen hides Nidan for a moment, so it does not cover the code,
// captures every screen and looks for QR codes anywhere on them.
func (s *addScreen) onScanScreen() {
	u := s.u
	var results []scanner.Result
	var err error
	u.win.Hide()
	u.background(func() {
		time.Sleep(300 * time.Millisecond) // let the window manager take the window away
		results, err = scanner.ScanScreens()
	}, func() {
		u.win.Show()
		u.win.RequestFocus()
		if err != nil {
			fyne.LogError("scan screen", err)
			s.fail(scanHintOr(err, lang.L("Could not capture the screen. Save the QR code as an image and open it instead.")))
			return
		}
		u.onTexts(scanner.Texts(results), s.fail)
	})
}

func (s *addScreen) onPaste() {
	u := s.u
	var results []scanner.Result
	var err error
	u.background(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		results, err = scanner.ScanClipboard(ctx)
	}, func() {
		if err != nil {
			fyne.LogError("paste image", err)
			s.fail(scanHintOr(err, lang.L("Could not read the clipboard. Save the QR code as an image and open it instead.")))
			return
		}
		u.onTexts(scanner.Texts(results), s.fail)
	})
}

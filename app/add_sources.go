package app

import (
	"context"
	"errors"
	"image"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/nidan-auth/nidan/scanner"
)

// The image sources that are not files: the screen, the clipboard and the
// camera. scanner does the platform work; these run it off the UI goroutine
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

// onCamera opens the camera with a live preview and scans its frames until
// one holds a QR code or the user goes back.
func (s *addScreen) onCamera() {
	u := s.u
	cam, err := scanner.OpenCamera("")
	if err != nil {
		fyne.LogError("camera", err)
		if errors.Is(err, scanner.ErrNoCamera) {
			s.fail(lang.L("No camera was found on this computer. Take a photo of the code and open it as an image, or enter the key by hand."))
		} else {
			s.fail(scanHint(err))
		}
		return
	}
	preview := canvas.NewImageFromImage(image.NewGray(image.Rect(0, 0, 4, 3)))
	preview.FillMode = canvas.ImageFillContain
	preview.SetMinSize(fyne.NewSize(400, 300))
	ctx, cancel := context.WithCancel(context.Background())
	back := &widget.Button{Text: lang.L("Cancel"), OnTapped: func() { cancel(); u.onAdd() }}
	camScreen := screen(u, lang.L("Use the camera"),
		&widget.Label{Text: lang.L("Hold the QR code in front of the camera."), Wrapping: wrapMode()},
		preview, back)
	u.show(camScreen)
	go func() {
		defer cam.Close()
		for ctx.Err() == nil {
			frame, err := cam.Next()
			if err != nil {
				fyne.Do(func() { fyne.LogError("camera frame", err); s.failCamera(cancel, scanHint(err)) })
				return
			}
			fyne.Do(func() {
				if u.win.Content() != camScreen { // the user went elsewhere
					cancel()
					return
				}
				preview.Image = frame
				preview.Refresh()
			})
			if rs, err := scanner.Decode(frame); err == nil {
				fyne.Do(func() {
					if ctx.Err() == nil {
						cancel()
						u.onTexts(scanner.Texts(rs), s.fail)
					}
				})
				return
			}
		}
	}()
}

func (s *addScreen) failCamera(cancel func(), msg string) {
	cancel()
	s.u.show(s.build())
	s.fail(msg)
}

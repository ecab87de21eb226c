//go:build !android && !ios

package scanner

import (
	"fmt"
	"image"

	"github.com/kbinani/screenshot"
)

// CaptureScreens captures every active display, one image each. On Linux
// it needs an X11 server (Xvfb works; a Wayland session works through
// XWayland or the desktop portal where kbinani/screenshot supports it);
// on macOS it needs a cgo build.
func CaptureScreens() ([]image.Image, error) {
	n := screenshot.NumActiveDisplays()
	if n == 0 {
		return nil, fmt.Errorf("capture screen: no display found (on Linux, is DISPLAY set?); take a screenshot and open it as a file instead")
	}
	imgs := make([]image.Image, 0, n)
	for i := range n {
		img, err := screenshot.CaptureDisplay(i)
		if err != nil {
			// A fresh X connection sometimes fails once (seen on a
			// just-started Xvfb); one retry costs nothing.
			img, err = screenshot.CaptureDisplay(i)
		}
		if err != nil {
			return nil, fmt.Errorf("capture screen %d of %d: %w; take a screenshot and open it as a file instead", i+1, n, err)
		}
		imgs = append(imgs, img)
	}
	return imgs, nil
}

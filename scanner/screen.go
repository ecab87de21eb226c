//go:build !android && !ios

package scanner

import (
	"fmt"
	"image"
	"time"

	"github.com/kbinani/screenshot"
)

// CaptureScreens captures every active display, one image each. On Linux
// it needs an X11 server (Xvfb works; a Wayland session works through
// XWayland or the desktop portal where kbinani/screenshot supports it);
// on macOS it needs a cgo build.
func CaptureScreens() ([]image.Image, error) {
	// A display server that has just started (seen with Xvfb) can report
	// a display of size zero or fail one capture; a short wait and a second
	// look costs nothing next to a person's patience.
	var imgs []image.Image
	var err error
	wait := 100 * time.Millisecond
	for attempt := 0; attempt < 5; attempt++ {
		if attempt > 0 {
			time.Sleep(wait) // 0.1 + 0.2 + 0.4 + 0.8 s at most
			wait *= 2
		}
		if imgs, err = captureOnce(); err == nil {
			return imgs, nil
		}
	}
	return nil, err
}

func captureOnce() ([]image.Image, error) {
	n := screenshot.NumActiveDisplays()
	if n == 0 {
		return nil, fmt.Errorf("capture screen: no display found (on Linux, is DISPLAY set?); take a screenshot and open it as a file instead")
	}
	imgs := make([]image.Image, 0, n)
	for i := range n {
		img, err := screenshot.CaptureDisplay(i)
		if err != nil {
			return nil, fmt.Errorf("capture screen %d of %d: %w; take a screenshot and open it as a file instead", i+1, n, err)
		}
		if img.Bounds().Empty() {
			return nil, fmt.Errorf("capture screen %d of %d: the display reports no size; take a screenshot and open it as a file instead", i+1, n)
		}
		imgs = append(imgs, img)
	}
	return imgs, nil
}

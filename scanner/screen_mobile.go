//go:build android || ios

package scanner

import (
	"fmt"
	"image"
)

// CaptureScreens is not available on mobile platforms: apps cannot read
// the screen. Take a screenshot and open it as a file (or pick it from
// the gallery) instead.
func CaptureScreens() ([]image.Image, error) {
	return nil, fmt.Errorf("capture screen: %w on mobile; take a screenshot and pick it as an image instead", ErrUnsupported)
}

//go:build !linux || android

package scanner

import (
	"fmt"
	"runtime"
)

// OpenCamera is implemented with V4L2 on Linux only. Elsewhere the app
// supplies frames through its own FrameSource (on mobile, a photo taken
// or picked), or the user scans a photo or screenshot of the code.
func OpenCamera(device string) (FrameSource, error) {
	return nil, fmt.Errorf("open camera on %s: %w (%w); take a photo of the code and open it as a file instead", runtime.GOOS, ErrUnsupported, ErrNoCamera)
}

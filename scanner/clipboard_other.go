//go:build (!linux && !darwin && !windows) || android || ios

package scanner

import (
	"context"
	"fmt"
	"image"
)

// Clipboard is not available on this platform.
func Clipboard(ctx context.Context) (image.Image, error) {
	return nil, fmt.Errorf("read clipboard image: %w on this platform; save the image and open it as a file instead", ErrUnsupported)
}

//go:build darwin && !ios

package scanner

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"image"
	"os/exec"
	"strings"
)

// Clipboard returns the image on the clipboard. It asks AppleScript
// (osascript, part of macOS) for the clipboard as PNG, so no cgo is
// needed; AppleScript prints the data as «data PNGf89504E47…».
// ErrNoImage means the clipboard holds no image.
func Clipboard(ctx context.Context) (image.Image, error) {
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "osascript", "-e", "the clipboard as «class PNGf»")
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if strings.Contains(stderr.String(), "-1700") { // can't coerce: no image
			return nil, fmt.Errorf("clipboard: %w", ErrNoImage)
		}
		return nil, fmt.Errorf("read clipboard with osascript: %w: %s; save the image and open it as a file instead", err, strings.TrimSpace(stderr.String()))
	}
	s := strings.TrimSpace(string(out))
	s = strings.TrimPrefix(s, "«data PNGf")
	s = strings.TrimSuffix(s, "»")
	data, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("clipboard: unexpected osascript output: %w", err)
	}
	img, err := ReadImage(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("clipboard image: %w", err)
	}
	return img, nil
}

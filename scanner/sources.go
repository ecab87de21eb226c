package scanner

import (
	"context"
	"errors"
	"fmt"
)

// ScanScreens captures every screen and decodes the codes on all of them.
func ScanScreens() ([]Result, error) {
	imgs, err := CaptureScreens()
	if err != nil {
		return nil, err
	}
	var all []Result
	for _, img := range imgs {
		rs, err := Decode(img)
		if err != nil && !errors.Is(err, ErrNoCode) {
			return nil, err
		}
		all = append(all, rs...)
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("%d screen(s): %w", len(imgs), ErrNoCode)
	}
	return all, nil
}

// ScanClipboard decodes the image on the clipboard.
func ScanClipboard(ctx context.Context) ([]Result, error) {
	img, err := Clipboard(ctx)
	if err != nil {
		return nil, err
	}
	rs, err := Decode(img)
	if err != nil {
		return nil, fmt.Errorf("clipboard image: %w", err)
	}
	return rs, nil
}

package scanner

import (
	"bytes"
	"fmt"
	"image"
	_ "image/gif"  // register GIF
	_ "image/jpeg" // register JPEG
	_ "image/png"  // register PNG
	"io"
	"os"

	_ "golang.org/x/image/bmp"  // register BMP
	_ "golang.org/x/image/webp" // register WebP
)

// DecodeFile reads the image at path (PNG, JPEG, GIF, BMP or WebP) and
// decodes every QR code in it.
func DecodeFile(path string) ([]Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rs, err := DecodeReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return rs, nil
}

// DecodeReader reads one image (PNG, JPEG, GIF, BMP or WebP) from r and
// decodes every QR code in it.
func DecodeReader(r io.Reader) ([]Result, error) {
	img, _, err := decodeImage(r)
	if err != nil {
		return nil, err
	}
	return Decode(img)
}

// ReadImage reads one image (PNG, JPEG, GIF, BMP or WebP) from r, refusing
// images of more than MaxPixels before allocating them.
func ReadImage(r io.Reader) (image.Image, error) {
	img, _, err := decodeImage(r)
	return img, err
}

func decodeImage(r io.Reader) (img image.Image, format string, err error) {
	// Read the header through a tee so that the full decode can replay
	// it: headers of JPEGs with large EXIF blocks run past any fixed
	// peek size.
	var head bytes.Buffer
	cfg, format, err := image.DecodeConfig(io.TeeReader(r, &head))
	if err != nil {
		return nil, "", fmt.Errorf("read image: %w (%w: PNG, JPEG, GIF, BMP and WebP are read)", err, ErrUnsupported)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return nil, "", fmt.Errorf("read %s image of %d×%d: %w", format, cfg.Width, cfg.Height, ErrTooLarge)
	}
	defer func() {
		// The standard decoders are meant not to panic; be sure anyway.
		if p := recover(); p != nil {
			img, err = nil, fmt.Errorf("read %s image: decoder failed: %v", format, p)
		}
	}()
	img, _, err = image.Decode(io.MultiReader(&head, r))
	if err != nil {
		return nil, "", fmt.Errorf("read %s image: %w", format, err)
	}
	return img, format, nil
}

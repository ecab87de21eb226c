package enroll

import (
	"fmt"

	qrcode "github.com/skip2/go-qrcode"
)

// QRModulePixels is the size of one QR module in the PNGs QRPNG makes:
// whole pixels per module keep the edges sharp when a browser or a window
// scales the image, which matters more to a camera than the image size.
const QRModulePixels = 8

// QRPNG encodes text (a Key URI) as a PNG QR code with the standard
// four-module quiet zone and error correction level M: a 160-bit key URI
// fits in version 6 or 7, big enough modules for any phone camera, and 15%
// recovery covers glare and moiré on a screen. Level Q or H would only make
// the modules smaller for damage a screen does not suffer.
func QRPNG(text string) ([]byte, error) {
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("make QR code: %w", err)
	}
	png, err := q.PNG(-QRModulePixels)
	if err != nil {
		return nil, fmt.Errorf("make QR code: %w", err)
	}
	return png, nil
}

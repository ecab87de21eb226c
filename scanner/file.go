package scanner

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/gif"  // register GIF
	_ "image/jpeg" // register JPEG
	_ "image/png"  // register PNG
	"io"
	"os"

	_ "golang.org/x/image/bmp"  // register BMP
	_ "golang.org/x/image/webp" // register WebP

	"github.com/nidan-auth/nidan/scanner/internal/greypng"
	"github.com/nidan-auth/nidan/scanner/internal/lumajpeg"
)

// DecodeFile reads the image at path (PNG, JPEG, GIF, BMP or WebP) and
// decodes every QR code in it.
func DecodeFile(path string) ([]Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var size int64
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		size = fi.Size()
	}
	rs, err := decodeReader(f, size)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return rs, nil
}

// DecodeReader reads one image (PNG, JPEG, GIF, BMP or WebP) from r and
// decodes every QR code in it.
func DecodeReader(r io.Reader) ([]Result, error) { return decodeReader(r, 0) }

// decodeReader is DecodeReader for a file of size bytes (0: unknown).
func decodeReader(r io.Reader, size int64) ([]Result, error) {
	br := bufio.NewReader(r)
	if head, _ := br.Peek(2); len(head) == 2 && head[0] == 0xFF && head[1] == 0xD8 {
		g, err := readJPEGLuma(br, size)
		if err != nil {
			return nil, err
		}
		return decodeLuma(g, image.Point{})
	}
	if head, _ := br.Peek(len(pngSignature)); string(head) == pngSignature {
		g, err := readPNGGrey(br, size)
		if err != nil {
			return nil, err
		}
		return decodeLuma(g, image.Point{})
	}
	img, _, err := decodeImage(br)
	if err != nil {
		return nil, err
	}
	return Decode(img)
}

// maxFileBytes bounds the JPEG and PNG files DecodeReader reads into
// memory. A JPEG of MaxPixels at the highest quality is well under this,
// and so is a PNG of a screenshot or a generated code of that size.
const maxFileBytes = 256 << 20

const pngSignature = "\x89PNG\r\n\x1a\n"

// readGrey reads a whole file of the named format and decodes it with
// fast, which returns a grey plane, tooLarge for an image over MaxPixels,
// or any other error for a file it does not read; such files go to the
// standard decoder, which then also gives the error for a malformed one.
// size is the file's length if known (0 otherwise).
func readGrey(r io.Reader, size int64, format string, fast func([]byte) (gray, error), tooLarge error) (gray, error) {
	data, err := readAll(r, size)
	if err != nil {
		return gray{}, fmt.Errorf("read %s image: %w", format, err)
	}
	if len(data) > maxFileBytes {
		return gray{}, fmt.Errorf("read %s image of more than %d MB: %w", format, maxFileBytes>>20, ErrTooLarge)
	}
	g, err := fast(data)
	switch {
	case err == nil:
		return g, nil
	case errors.Is(err, tooLarge):
		return gray{}, fmt.Errorf("read %s image: %w", format, ErrTooLarge)
	}
	img, _, err := decodeImage(bytes.NewReader(data))
	if err != nil {
		return gray{}, err
	}
	return toGray(img), nil
}

// readAll reads r to its end or to maxFileBytes+1 bytes. A known size
// (a file's length) is the buffer's capacity from the start: io.ReadAll
// reads into chunks of growing size and then copies them into one slice,
// so a photo's bytes were allocated, faulted in and copied twice. The
// extra bytes.MinRead let the read that reports the end not grow the
// buffer either.
func readAll(r io.Reader, size int64) ([]byte, error) {
	var b bytes.Buffer
	if size > 0 && size <= maxFileBytes {
		b.Grow(int(size) + bytes.MinRead)
	}
	_, err := b.ReadFrom(io.LimitReader(r, maxFileBytes+1))
	return b.Bytes(), err
}

// readPNGGrey reads a PNG file straight into grey: greypng converts each
// row as it is unfiltered instead of building the RGBA image that
// image/png returns, which saves about a third of the time image/png and
// toGray take on a screenshot. Files it does not read (16-bit,
// interlaced, single-colour transparency) or finds malformed go to
// image/png.
func readPNGGrey(r io.Reader, size int64) (gray, error) {
	return readGrey(r, size, "png", func(data []byte) (gray, error) {
		m, err := greypng.Decode(data, MaxPixels)
		return gray{pix: m.Pix, w: m.W, h: m.H}, err
	}, greypng.ErrTooLarge)
}

// readJPEGLuma reads a JPEG file's luma plane, which is all the scanner
// looks at: lumajpeg skips the chroma planes' inverse DCT, upsampling
// and colour conversion, which take most of image/jpeg's time on a
// phone photo. Files it does not handle (arithmetic coding, CMYK, ...)
// go to image/jpeg.
func readJPEGLuma(r io.Reader, size int64) (gray, error) {
	return readGrey(r, size, "jpeg", func(data []byte) (gray, error) {
		m, err := lumajpeg.Decode(data, MaxPixels)
		return gray{pix: m.Pix, w: m.W, h: m.H}, err
	}, lumajpeg.ErrTooLarge)
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

//go:build windows

package scanner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"runtime"
	"strings"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"

	"github.com/nidan-auth/nidan/internal/win32"
)

// clipFormat is one way a program may have put an image on the clipboard.
type clipFormat struct {
	name   string // registered name, or "" for a standard format
	id     uintptr
	decode func([]byte) (image.Image, error)
}

// imageFormats are tried in this order: the encoded image formats that
// browsers, Snipping Tool and Office register first (lossless, and what
// the program had), then the bitmaps, whose V5 form carries alpha.
// Windows makes CF_DIB from CF_DIBV5 and back, so either is there when a
// program put one.
func imageFormats() []clipFormat {
	encoded := func(b []byte) (image.Image, error) { return ReadImage(bytes.NewReader(b)) }
	return []clipFormat{
		{name: "PNG", decode: encoded},
		{name: "image/png", decode: encoded},
		{name: "JFIF", decode: encoded},
		{name: "image/jpeg", decode: encoded},
		{name: "GIF", decode: encoded},
		{id: win32.CF_DIBV5, decode: decodeDIB},
		{id: win32.CF_DIB, decode: decodeDIB},
	}
}

// Clipboard returns the image on the clipboard, read natively through
// user32 (no cgo): a "PNG" (or JPEG, GIF) another program registered, else
// a CF_DIBV5 or CF_DIB bitmap. ErrNoImage means the clipboard holds none.
func Clipboard(ctx context.Context) (image.Image, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := openClipboard(ctx); err != nil {
		return nil, err
	}
	defer win32.CloseClipboard.Call()

	have := map[uintptr]string{}
	var order []uintptr
	for f := uintptr(0); ; {
		f, _, _ = win32.EnumClipboardFormats.Call(f)
		if f == 0 {
			break
		}
		have[f] = formatName(f)
		order = append(order, f)
	}
	var tried []string
	for _, c := range imageFormats() {
		id := c.id
		if c.name != "" {
			id = findFormat(have, c.name)
		}
		if _, ok := have[id]; !ok || id == 0 {
			continue
		}
		data, err := clipboardBytes(id)
		if err != nil {
			return nil, fmt.Errorf("read clipboard %s: %w", have[id], err)
		}
		img, err := c.decode(data)
		if err == nil {
			return img, nil
		}
		if errors.Is(err, ErrTooLarge) {
			return nil, fmt.Errorf("clipboard %s: %w", have[id], err)
		}
		tried = append(tried, fmt.Sprintf("%s: %v", have[id], err))
	}
	if len(tried) > 0 {
		return nil, fmt.Errorf("clipboard image: %s; save the image and open it as a file instead", strings.Join(tried, "; "))
	}
	return nil, fmt.Errorf("clipboard: %w (it holds %s)", ErrNoImage, summarizeFormats(have, order))
}

// openClipboard opens the clipboard, retrying for a second while another
// program holds it open (clipboard managers and Office briefly do).
func openClipboard(ctx context.Context) error {
	deadline := time.Now().Add(time.Second)
	for {
		r, _, err := win32.OpenClipboard.Call(0)
		if r != 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("open clipboard (another program keeps it open): %w", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// clipboardBytes copies out the global memory block of format f.
func clipboardBytes(f uintptr) ([]byte, error) {
	h, _, err := win32.GetClipboardData.Call(f)
	if h == 0 {
		return nil, err
	}
	p, _, err := win32.GlobalLock.Call(h)
	if p == 0 {
		return nil, err
	}
	defer win32.GlobalUnlock.Call(h)
	size, _, _ := win32.GlobalSize.Call(h)
	// p is memory owned by the clipboard, locked until GlobalUnlock;
	// convert it without letting vet mistake it for a Go pointer.
	ptr := *(*unsafe.Pointer)(unsafe.Pointer(&p))
	return bytes.Clone(unsafe.Slice((*byte)(ptr), size)), nil
}

// formatName is a registered format's name, or a standard format's
// constant name.
func formatName(f uintptr) string {
	switch f {
	case win32.CF_TEXT:
		return "CF_TEXT"
	case win32.CF_BITMAP:
		return "CF_BITMAP"
	case win32.CF_DIB:
		return "CF_DIB"
	case win32.CF_UNICODETEXT:
		return "CF_UNICODETEXT"
	case win32.CF_HDROP:
		return "CF_HDROP"
	case win32.CF_DIBV5:
		return "CF_DIBV5"
	}
	if f >= win32.FirstRegisteredFormat {
		var buf [256]uint16
		if n, _, _ := win32.GetClipboardFormatName.Call(f, uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf))); n > 0 {
			return windows.UTF16ToString(buf[:n])
		}
	}
	return fmt.Sprintf("format %d", f)
}

func findFormat(have map[uintptr]string, name string) uintptr {
	for id, n := range have {
		if id >= win32.FirstRegisteredFormat && strings.EqualFold(n, name) {
			return id
		}
	}
	return 0
}

// summarizeFormats says in a few words what the clipboard holds instead
// of an image.
func summarizeFormats(have map[uintptr]string, order []uintptr) string {
	if len(order) == 0 {
		return "nothing"
	}
	if _, ok := have[win32.CF_HDROP]; ok {
		return "copied files; open the image file instead"
	}
	if _, ok := have[win32.CF_UNICODETEXT]; ok {
		return "text"
	}
	var names []string
	for _, f := range order {
		if len(names) == 4 {
			names = append(names, "…")
			break
		}
		names = append(names, have[f])
	}
	return strings.Join(names, ", ")
}

//go:build windows

package scanner

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"image"
	"runtime"
	"unsafe"

	"golang.org/x/sys/windows"
)

var (
	user32               = windows.NewLazySystemDLL("user32.dll")
	kernel32             = windows.NewLazySystemDLL("kernel32.dll")
	procOpenClipboard    = user32.NewProc("OpenClipboard")
	procCloseClipboard   = user32.NewProc("CloseClipboard")
	procIsFormatAvail    = user32.NewProc("IsClipboardFormatAvailable")
	procGetClipboardData = user32.NewProc("GetClipboardData")
	procGlobalLock       = kernel32.NewProc("GlobalLock")
	procGlobalUnlock     = kernel32.NewProc("GlobalUnlock")
	procGlobalSize       = kernel32.NewProc("GlobalSize")
)

const cfDIB = 8

// Clipboard returns the image on the clipboard, read natively as a
// device-independent bitmap (CF_DIB) through user32, without cgo.
// ErrNoImage means the clipboard holds no image.
func Clipboard(ctx context.Context) (image.Image, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if r, _, err := procOpenClipboard.Call(0); r == 0 {
		return nil, fmt.Errorf("open clipboard: %w", err)
	}
	defer procCloseClipboard.Call()
	if r, _, _ := procIsFormatAvail.Call(cfDIB); r == 0 {
		return nil, fmt.Errorf("clipboard: %w", ErrNoImage)
	}
	h, _, err := procGetClipboardData.Call(cfDIB)
	if h == 0 {
		return nil, fmt.Errorf("read clipboard image: %w", err)
	}
	p, _, err := procGlobalLock.Call(h)
	if p == 0 {
		return nil, fmt.Errorf("read clipboard image: %w", err)
	}
	defer procGlobalUnlock.Call(h)
	size, _, _ := procGlobalSize.Call(h)
	// p is memory owned by the clipboard, locked until GlobalUnlock;
	// convert it without letting vet mistake it for a Go pointer.
	ptr := *(*unsafe.Pointer)(unsafe.Pointer(&p))
	dib := bytes.Clone(unsafe.Slice((*byte)(ptr), size))
	img, err := dibImage(dib)
	if err != nil {
		return nil, fmt.Errorf("clipboard image: %w; save the image and open it as a file instead", err)
	}
	return img, nil
}

// dibImage prefixes a packed DIB with the 14-byte BMP file header so that
// the BMP decoder can read it.
func dibImage(dib []byte) (image.Image, error) {
	if len(dib) < 40 {
		return nil, fmt.Errorf("bitmap too short (%d bytes)", len(dib))
	}
	hdr := binary.LittleEndian.Uint32(dib[0:4])
	bits := binary.LittleEndian.Uint16(dib[14:16])
	compression := binary.LittleEndian.Uint32(dib[16:20])
	colors := binary.LittleEndian.Uint32(dib[32:36])
	if colors == 0 && bits <= 8 {
		colors = 1 << bits
	}
	off := 14 + hdr + 4*colors
	if compression == 3 && hdr == 40 { // BI_BITFIELDS: three masks follow
		off += 12
	}
	file := make([]byte, 14, 14+len(dib))
	copy(file, "BM")
	binary.LittleEndian.PutUint32(file[2:], uint32(14+len(dib)))
	binary.LittleEndian.PutUint32(file[10:], off)
	return ReadImage(bytes.NewReader(append(file, dib...)))
}

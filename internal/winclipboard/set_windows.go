package winclipboard

import (
	"fmt"
	"runtime"
	"unsafe"

	"golang.org/x/sys/windows"

	"github.com/nidan-auth/nidan/internal/win32"
)

// Set empties the clipboard and puts data in one format: "png" (the
// registered "PNG" format), "dibv5", "dib" or "text" (UTF-8, stored as
// CF_UNICODETEXT). The clipboard owns the memory afterwards, so the data
// outlives this process.
func Set(format string, data []byte) error {
	var id uintptr
	switch format {
	case "png":
		name, _ := windows.UTF16PtrFromString("PNG")
		id, _, _ = win32.RegisterClipboardFormat.Call(uintptr(unsafe.Pointer(name)))
		if id == 0 {
			return fmt.Errorf("register clipboard format PNG failed")
		}
	case "dibv5":
		id = win32.CF_DIBV5
	case "dib":
		id = win32.CF_DIB
	case "text":
		u, err := windows.UTF16FromString(string(data))
		if err != nil {
			return err
		}
		data = unsafe.Slice((*byte)(unsafe.Pointer(&u[0])), 2*len(u))
		id = win32.CF_UNICODETEXT
	default:
		return fmt.Errorf("unknown clipboard format %q (png, dibv5, dib, text)", format)
	}
	// The clipboard is opened for a thread: keep this goroutine on it.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if r, _, err := win32.OpenClipboard.Call(0); r == 0 {
		return fmt.Errorf("open clipboard: %w", err)
	}
	defer win32.CloseClipboard.Call()
	if r, _, err := win32.EmptyClipboard.Call(); r == 0 {
		return fmt.Errorf("empty clipboard: %w", err)
	}
	h, _, err := win32.GlobalAlloc.Call(win32.GMEM_MOVEABLE, uintptr(len(data)))
	if h == 0 {
		return fmt.Errorf("allocate %d bytes: %w", len(data), err)
	}
	p, _, err := win32.GlobalLock.Call(h)
	if p == 0 {
		return fmt.Errorf("lock memory: %w", err)
	}
	ptr := *(*unsafe.Pointer)(unsafe.Pointer(&p))
	copy(unsafe.Slice((*byte)(ptr), len(data)), data)
	win32.GlobalUnlock.Call(h)
	if r, _, err := win32.SetClipboardData.Call(id, h); r == 0 {
		return fmt.Errorf("set clipboard data: %w", err)
	}
	return nil
}

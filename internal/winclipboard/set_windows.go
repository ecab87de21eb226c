package winclipboard

import (
	"fmt"
	"runtime"
	"unsafe"

	"golang.org/x/sys/windows"
)

var (
	user32                = windows.NewLazySystemDLL("user32.dll")
	kernel32              = windows.NewLazySystemDLL("kernel32.dll")
	procOpenClipboard     = user32.NewProc("OpenClipboard")
	procCloseClipboard    = user32.NewProc("CloseClipboard")
	procEmptyClipboard    = user32.NewProc("EmptyClipboard")
	procSetClipboardData  = user32.NewProc("SetClipboardData")
	procRegisterClipboard = user32.NewProc("RegisterClipboardFormatW")
	procGlobalAlloc       = kernel32.NewProc("GlobalAlloc")
	procGlobalLock        = kernel32.NewProc("GlobalLock")
	procGlobalUnlock      = kernel32.NewProc("GlobalUnlock")
)

const (
	cfDIB         = 8
	cfUnicodeText = 13
	cfDIBV5       = 17
	gmemMoveable  = 0x0002
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
		id, _, _ = procRegisterClipboard.Call(uintptr(unsafe.Pointer(name)))
		if id == 0 {
			return fmt.Errorf("register clipboard format PNG failed")
		}
	case "dibv5":
		id = cfDIBV5
	case "dib":
		id = cfDIB
	case "text":
		u, err := windows.UTF16FromString(string(data))
		if err != nil {
			return err
		}
		data = unsafe.Slice((*byte)(unsafe.Pointer(&u[0])), 2*len(u))
		id = cfUnicodeText
	default:
		return fmt.Errorf("unknown clipboard format %q (png, dibv5, dib, text)", format)
	}
	// The clipboard is opened for a thread: keep this goroutine on it.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if r, _, err := procOpenClipboard.Call(0); r == 0 {
		return fmt.Errorf("open clipboard: %w", err)
	}
	defer procCloseClipboard.Call()
	if r, _, err := procEmptyClipboard.Call(); r == 0 {
		return fmt.Errorf("empty clipboard: %w", err)
	}
	h, _, err := procGlobalAlloc.Call(gmemMoveable, uintptr(len(data)))
	if h == 0 {
		return fmt.Errorf("allocate %d bytes: %w", len(data), err)
	}
	p, _, err := procGlobalLock.Call(h)
	if p == 0 {
		return fmt.Errorf("lock memory: %w", err)
	}
	ptr := *(*unsafe.Pointer)(unsafe.Pointer(&p))
	copy(unsafe.Slice((*byte)(ptr), len(data)), data)
	procGlobalUnlock.Call(h)
	if r, _, err := procSetClipboardData.Call(id, h); r == 0 {
		return fmt.Errorf("set clipboard data: %w", err)
	}
	return nil
}

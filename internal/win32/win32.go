//go:build windows

// Package win32 declares, once, the user32 and kernel32 calls that
// golang.org/x/sys/windows does not wrap and that several Windows-only
// files need: the clipboard reader (scanner) and writer (winclipboard),
// the console attach of main, the single-instance window hand-over and the
// console harness of the Wine tests (internal/tools/wincon).
// The procedures load lazily, on first call, from the system folder only.
package win32

import "golang.org/x/sys/windows"

var (
	user32   = windows.NewLazySystemDLL("user32.dll")
	kernel32 = windows.NewLazySystemDLL("kernel32.dll")
)

// The clipboard (user32).
var (
	OpenClipboard           = user32.NewProc("OpenClipboard")
	CloseClipboard          = user32.NewProc("CloseClipboard")
	EmptyClipboard          = user32.NewProc("EmptyClipboard")
	EnumClipboardFormats    = user32.NewProc("EnumClipboardFormats")
	GetClipboardData        = user32.NewProc("GetClipboardData")
	SetClipboardData        = user32.NewProc("SetClipboardData")
	GetClipboardFormatName  = user32.NewProc("GetClipboardFormatNameW")
	RegisterClipboardFormat = user32.NewProc("RegisterClipboardFormatW")
)

// Global memory, which clipboard data lives in (kernel32).
var (
	GlobalAlloc  = kernel32.NewProc("GlobalAlloc")
	GlobalLock   = kernel32.NewProc("GlobalLock")
	GlobalUnlock = kernel32.NewProc("GlobalUnlock")
	GlobalSize   = kernel32.NewProc("GlobalSize")
)

// The console (kernel32). A GUI-subsystem program has none of its own.
var (
	AllocConsole               = kernel32.NewProc("AllocConsole")
	FreeConsole                = kernel32.NewProc("FreeConsole")
	AttachConsole              = kernel32.NewProc("AttachConsole")
	ReadConsoleOutputCharacter = kernel32.NewProc("ReadConsoleOutputCharacterW")
)

// ATTACH_PARENT_PROCESS is AttachConsole's (DWORD)-1: the parent's console.
const ATTACH_PARENT_PROCESS = ^uint32(0)

// AllowSetForegroundWindow (user32) lets another process take the
// foreground, which Windows otherwise refuses to a program in the
// background; ASFW_ANY allows any process.
var AllowSetForegroundWindow = user32.NewProc("AllowSetForegroundWindow")

const ASFW_ANY = ^uint32(0)

// GMEM_MOVEABLE: the clipboard requires movable global memory.
const GMEM_MOVEABLE = 0x0002

// Standard clipboard formats (winuser.h); registered ones are 0xC000 and up.
const (
	CF_TEXT        = 1
	CF_BITMAP      = 2
	CF_DIB         = 8
	CF_UNICODETEXT = 13
	CF_HDROP       = 15
	CF_DIBV5       = 17

	FirstRegisteredFormat = 0xC000
)

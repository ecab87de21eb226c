package main

import (
	"errors"
	"os"
	"syscall"

	"golang.org/x/sys/windows"

	"github.com/nidan-auth/nidan/internal/win32"
)

// nidan.exe is linked for the GUI subsystem (-H windowsgui) so that opening
// the app shows no console window. Windows then gives it no console at all,
// and a subcommand run from cmd or PowerShell would print nothing. So, when
// there is a subcommand, attach to the console of the shell that started us
// and point any stream that has no handle at it. Streams that already have
// one (nidan.exe list > file, nidan.exe list | more) are left alone.
//
// The shell does not wait for a GUI-subsystem program, so its prompt may
// come back before the output does; docs/install.md tells users to run
// `nidan.exe ... | more` or `start /wait nidan.exe ...` in scripts.
func init() {
	if len(os.Args) < 2 {
		return
	}
	attachParentConsole()
}

func attachParentConsole() {
	r, _, err := win32.AttachConsole.Call(uintptr(win32.ATTACH_PARENT_PROCESS))
	// ERROR_ACCESS_DENIED means this process has a console already: Wine
	// gives a GUI program started from cmd the parent's console (with no
	// handles to it), and a launcher may do the same on Windows. Its
	// streams still need opening, so go on as if the attach had worked.
	if r == 0 && !errors.Is(err, windows.ERROR_ACCESS_DENIED) {
		return // started from Explorer, or the parent has no console
	}
	reopen(windows.STD_INPUT_HANDLE, &os.Stdin, &syscall.Stdin, "CONIN$", os.O_RDWR)
	reopen(windows.STD_OUTPUT_HANDLE, &os.Stdout, &syscall.Stdout, "CONOUT$", os.O_RDWR)
	reopen(windows.STD_ERROR_HANDLE, &os.Stderr, &syscall.Stderr, "CONOUT$", os.O_RDWR)
	windows.Stdin, windows.Stdout, windows.Stderr = windows.Handle(syscall.Stdin), windows.Handle(syscall.Stdout), windows.Handle(syscall.Stderr)
}

// reopen replaces a standard stream that has no usable handle with the
// console device name, in os, syscall and the process's own table.
func reopen(std uint32, f **os.File, h *syscall.Handle, device string, flag int) {
	if usable(windows.Handle(*h)) {
		return
	}
	c, err := os.OpenFile(device, flag, 0)
	if err != nil {
		return
	}
	*f = c
	*h = syscall.Handle(c.Fd())
	_ = windows.SetStdHandle(std, windows.Handle(c.Fd()))
}

func usable(h windows.Handle) bool {
	if h == 0 || h == windows.InvalidHandle {
		return false
	}
	t, err := windows.GetFileType(h)
	return err == nil && t != windows.FILE_TYPE_UNKNOWN
}

// Command wincon runs a command line in a console of its own, as a Windows
// terminal does, and prints what the console then shows, for the Wine
// test harness (scripts/wine-console.sh). A program started from cmd.exe
// in a real console gets no standard handles when it is a GUI-subsystem
// one such as nidan.exe; it must attach to the console to be seen. Pipes
// and files would hide that, so this tool reads the console's own screen
// buffer back. It is a test tool, never part of a package.
//
//	wincon cmd /c "nidan.exe version & echo status %ERRORLEVEL%"
//	wincon -bare nidan.exe version
//
// With -bare the program is started directly with no standard handles at
// all, which is what Windows gives a GUI-subsystem program started from a
// console (Wine's cmd.exe passes its console handles on instead, so only
// -bare shows whether the program attaches to the console by itself).
//
// Its standard output gets the screen's lines (trailing blanks trimmed),
// its exit status is the command's.
package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"unsafe"

	"golang.org/x/sys/windows"

	"github.com/nidan-auth/nidan/internal/win32"
)

func main() {
	args := os.Args[1:]
	bare := len(args) > 0 && args[0] == "-bare"
	if bare {
		args = args[1:]
	}
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, `usage: wincon [-bare] COMMAND [ARGS...]  (e.g. wincon cmd /c "nidan.exe version")`)
		os.Exit(2)
	}
	// os.Stdout keeps the handle we were given: the screen goes there
	// after the console has replaced the process's standard handles.
	out := os.Stdout
	code, screen, err := run(windows.ComposeCommandLine(args), bare)
	if err != nil {
		fmt.Fprintln(os.Stderr, "wincon:", err)
		os.Exit(125)
	}
	fmt.Fprint(out, screen)
	os.Exit(int(code))
}

// run makes a new console, runs cmdline attached to it with the console
// as its standard handles (bare: none at all), and returns its exit code
// and the screen.
func run(cmdline string, bare bool) (uint32, string, error) {
	win32.FreeConsole.Call()
	if r, _, err := win32.AllocConsole.Call(); r == 0 {
		return 0, "", fmt.Errorf("alloc console: %w", err)
	}
	defer win32.FreeConsole.Call()
	in, err := openConsole("CONIN$")
	if err != nil {
		return 0, "", err
	}
	defer windows.CloseHandle(in)
	conout, err := openConsole("CONOUT$")
	if err != nil {
		return 0, "", err
	}
	defer windows.CloseHandle(conout)

	line, err := windows.UTF16PtrFromString(cmdline)
	if err != nil {
		return 0, "", err
	}
	si := &windows.StartupInfo{
		Cb:        uint32(unsafe.Sizeof(windows.StartupInfo{})),
		Flags:     windows.STARTF_USESTDHANDLES,
		StdInput:  in,
		StdOutput: conout,
		StdErr:    conout,
	}
	if bare {
		si.StdInput, si.StdOutput, si.StdErr = 0, 0, 0
	}
	var pi windows.ProcessInformation
	if err := windows.CreateProcess(nil, line, nil, nil, !bare, 0, nil, nil, si, &pi); err != nil {
		return 0, "", fmt.Errorf("start %s: %w", cmdline, err)
	}
	defer windows.CloseHandle(pi.Process)
	windows.CloseHandle(pi.Thread)
	if _, err := windows.WaitForSingleObject(pi.Process, windows.INFINITE); err != nil {
		return 0, "", fmt.Errorf("wait: %w", err)
	}
	var code uint32
	if err := windows.GetExitCodeProcess(pi.Process, &code); err != nil {
		return 0, "", fmt.Errorf("exit code: %w", err)
	}
	screen, err := readScreen(conout)
	return code, screen, err
}

// openConsole opens the console's input or active screen buffer,
// inheritable so that the child can be given it.
func openConsole(name string) (windows.Handle, error) {
	p, err := windows.UTF16PtrFromString(name)
	if err != nil {
		return 0, err
	}
	sa := &windows.SecurityAttributes{Length: uint32(unsafe.Sizeof(windows.SecurityAttributes{})), InheritHandle: 1}
	h, err := windows.CreateFile(p, windows.GENERIC_READ|windows.GENERIC_WRITE,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE, sa, windows.OPEN_EXISTING, 0, 0)
	if err != nil {
		return 0, fmt.Errorf("open %s: %w", name, err)
	}
	return h, nil
}

// readScreen returns the screen buffer's lines up to the cursor's.
func readScreen(conout windows.Handle) (string, error) {
	var info windows.ConsoleScreenBufferInfo
	if err := windows.GetConsoleScreenBufferInfo(conout, &info); err != nil {
		return "", fmt.Errorf("screen buffer info: %w", err)
	}
	width := int(info.Size.X)
	if width <= 0 {
		return "", errors.New("screen buffer of width 0")
	}
	var b strings.Builder
	buf := make([]uint16, width)
	for y := 0; y <= int(info.CursorPosition.Y); y++ {
		var n uint32
		at := uintptr(uint32(uint16(y)) << 16) // a COORD{X: 0, Y: y}, passed by value
		if r, _, err := win32.ReadConsoleOutputCharacter.Call(uintptr(conout),
			uintptr(unsafe.Pointer(&buf[0])), uintptr(width), at, uintptr(unsafe.Pointer(&n))); r == 0 {
			return "", fmt.Errorf("read screen line %d: %w", y, err)
		}
		b.WriteString(strings.TrimRight(windows.UTF16ToString(buf[:n]), " \x00"))
		b.WriteByte('\n')
	}
	return strings.TrimRight(b.String(), "\n") + "\n", nil
}

//go:build mobile && linux && !android

package app

// Fyne's phone simulation (`go build -tags mobile` on Linux) draws the phone
// app in a plain X11 window, but fyne v2.7.1 passes that window only
// touches (mouse buttons) and sizes: no keys (it has no soft keyboard
// either, so no text can be typed), no clipboard ("not supported in mobile
// simulation") and no lifecycle events when the window is iconified (a
// TODO in fyne's x11.go). This file gives the simulation what a phone has,
// through the same handlers the phone calls, so that the phone app can be
// used and tested there (make test-mobile):
//
//   - keys pressed on the window go to the focused widget, as a phone's
//     soft keyboard sends them; the window's _NIDAN_SIM_KEYS property
//     counts the keys handled, since keys reach the app through a queue
//     of their own and a driver (TestSimulatorWindow) must not tap before
//     its typing has arrived;
//   - the clipboard is the X clipboard, through xclip;
//   - iconifying the window is "going to the background"
//     (onExitedForeground), restoring it is coming back.
//
// None of it is built into a phone package: android and ios builds leave
// this file out and use fyne's clipboard and lifecycle.

/*
#cgo LDFLAGS: -lX11
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/Xatom.h>
#include <stdlib.h>

// The simulation's window, made by fyne's gomobile driver
// (internal/driver/mobile/app/x11.c); 0 until it exists.
extern Window win;

static Window simWindow(void) { return win; }

typedef struct {
	int kind; // 1 key pressed, 2 unmapped (iconified), 3 mapped
	unsigned long keysym;
	int len;
	char text[16];
} simEvent;

// simOpen opens a second connection to the X server and asks for the
// window's key and structure events. X sends an event to every client
// that selected it, so fyne's own connection is left as it is.
static Display *simOpen(Window w) {
	Display *d = XOpenDisplay(NULL);
	if (d == NULL) return NULL;
	XSelectInput(d, w, KeyPressMask | StructureNotifyMask);
	XFlush(d);
	return d;
}

// simCount publishes on the window how many keys the app has handled
// (_NIDAN_SIM_KEYS), so a driver knows when its typing has arrived.
static void simCount(Display *d, Window w, unsigned long n) {
	Atom a = XInternAtom(d, "_NIDAN_SIM_KEYS", False);
	long v = (long)n;
	XChangeProperty(d, w, a, XA_CARDINAL, 32, PropModeReplace, (unsigned char *)&v, 1);
	XFlush(d);
}

static simEvent simNext(Display *d) {
	simEvent out = {0};
	XEvent ev;
	XNextEvent(d, &ev);
	switch (ev.type) {
	case KeyPress: {
		KeySym ks = 0;
		out.len = XLookupString(&ev.xkey, out.text, sizeof out.text - 1, &ks, NULL);
		out.kind = 1;
		out.keysym = ks;
		break;
	}
	case UnmapNotify:
		out.kind = 2;
		break;
	case MapNotify:
		out.kind = 3;
		break;
	}
	return out;
}
*/
import "C"

import (
	"os/exec"
	"runtime"
	"strings"
	"time"
	"unsafe"

	"fyne.io/fyne/v2"
)

// X11 keysyms of the keys that are not text (X11/keysymdef.h).
var simKeys = map[C.ulong]fyne.KeyName{
	0xff0d: fyne.KeyReturn, 0xff8d: fyne.KeyEnter, 0xff08: fyne.KeyBackspace,
	0xff09: fyne.KeyTab, 0xff1b: fyne.KeyEscape, 0xffff: fyne.KeyDelete,
	0xff51: fyne.KeyLeft, 0xff52: fyne.KeyUp, 0xff53: fyne.KeyRight, 0xff54: fyne.KeyDown,
	0xff50: fyne.KeyHome, 0xff57: fyne.KeyEnd,
}

// startSimulator uses the X clipboard, waits for fyne to make the window,
// then forwards its keys and iconify/restore to the app until the process
// ends. Only Run calls it: tests keep fyne's test clipboard.
func (u *ui) startSimulator() {
	u.clipboard = xclipBoard{}
	go func() {
		runtime.LockOSThread() // Xlib calls stay on one thread
		var w C.Window
		for i := 0; w == 0; i++ {
			if i == 200 {
				fyne.LogError("simulator", errNoSimWindow)
				return
			}
			time.Sleep(50 * time.Millisecond)
			w = C.simWindow()
		}
		d := C.simOpen(w)
		if d == nil {
			fyne.LogError("simulator", errNoSimWindow)
			return
		}
		var handled C.ulong
		for {
			ev := C.simNext(d)
			switch ev.kind {
			case 1:
				name, special := simKeys[ev.keysym]
				// XLookupString gives Latin-1 bytes.
				var text []rune
				for _, b := range C.GoBytes(unsafe.Pointer(&ev.text[0]), ev.len) {
					if b >= 0x20 && b != 0x7f {
						text = append(text, rune(b))
					}
				}
				if !special && len(text) == 0 {
					continue // a modifier (Shift) alone
				}
				fyne.DoAndWait(func() { u.simType(name, special, text) })
				handled++
				C.simCount(d, w, handled)
			case 2:
				fyne.Do(u.onExitedForeground)
			case 3:
				fyne.Do(u.onEnteredForeground)
			}
		}
	}()
}

type simError string

func (e simError) Error() string { return string(e) }

const errNoSimWindow = simError("no simulator window to read keys from")

// simType delivers a key as the phone's keyboard would: to the focused
// widget, else to the window (type to search).
func (u *ui) simType(name fyne.KeyName, special bool, text []rune) {
	c := u.win.Canvas()
	f := c.Focused()
	switch {
	case special && f != nil:
		f.TypedKey(&fyne.KeyEvent{Name: name})
	case special:
		if h := c.OnTypedKey(); h != nil {
			h(&fyne.KeyEvent{Name: name})
		}
	default:
		for _, r := range text {
			if f != nil {
				f.TypedRune(r)
			} else if h := c.OnTypedRune(); h != nil {
				h(r)
			}
		}
	}
}

// xclipBoard is the X clipboard, for the simulation (fyne's simulated
// clipboard keeps nothing).
type xclipBoard struct{}

func (xclipBoard) Content() string {
	out, err := exec.Command("xclip", "-selection", "clipboard", "-o").Output()
	if err != nil {
		return "" // an empty clipboard is an error to xclip
	}
	return string(out)
}

func (xclipBoard) SetContent(s string) {
	cmd := exec.Command("xclip", "-selection", "clipboard", "-i")
	cmd.Stdin = strings.NewReader(s)
	// xclip forks a child that serves the selection until another
	// program takes it, and the parent exits at once.
	if err := cmd.Run(); err != nil {
		fyne.LogError("simulator clipboard (xclip)", err)
	}
}

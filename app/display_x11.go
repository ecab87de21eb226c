//go:build (linux && !android) || freebsd || openbsd || netbsd || dragonfly

package app

import (
	"fmt"
	"net"
	"os"
	"strings"
	"time"
)

// checkDisplay finds the X display the window would open on. Without one,
// GLFW fails deep inside Fyne with a panic and a stack trace; a person who
// typed `nidan` over ssh should read instead what is missing and where the
// command line is.
func checkDisplay() error {
	d := os.Getenv("DISPLAY")
	if d == "" {
		if os.Getenv("WAYLAND_DISPLAY") != "" {
			return fmt.Errorf("%w: WAYLAND_DISPLAY is set but DISPLAY is not (Nidan runs on X11 or XWayland)", ErrNoDisplay)
		}
		return fmt.Errorf("%w: DISPLAY is not set", ErrNoDisplay)
	}
	host, num, ok := strings.Cut(d, ":")
	if !ok {
		return nil // a form we do not know: let the X library judge it
	}
	num, _, _ = strings.Cut(num, ".") // :0.1 is screen 1 of display 0
	if host != "" && host != "unix" {
		return nil // a remote display (ssh -X): its address is the X library's business
	}
	sock := "/tmp/.X11-unix/X" + num
	for _, addr := range []string{sock, "@" + sock} { // a file, or Linux's abstract name
		if c, err := net.DialTimeout("unix", addr, time.Second); err == nil {
			c.Close()
			return nil
		}
	}
	return fmt.Errorf("%w: nothing answers on DISPLAY=%s", ErrNoDisplay, d)
}

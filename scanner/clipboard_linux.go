//go:build linux && !android

package scanner

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"os"
	"os/exec"
	"strings"
)

// imageTypes are the clipboard MIME types read, in order of preference.
var imageTypes = []string{"image/png", "image/jpeg", "image/bmp", "image/gif", "image/webp"}

// Clipboard returns the image on the clipboard, read with wl-paste (in a
// Wayland session, from wl-clipboard) or xclip (X11). ErrNoImage means
// the clipboard holds no image (text, say); ErrUnsupported means neither
// tool is installed.
func Clipboard(ctx context.Context) (image.Image, error) {
	type tool struct {
		name       string
		list, read func(mime string) []string
	}
	xclip := tool{"xclip",
		func(string) []string { return []string{"-selection", "clipboard", "-t", "TARGETS", "-o"} },
		func(m string) []string { return []string{"-selection", "clipboard", "-t", m, "-o"} }}
	wl := tool{"wl-paste",
		func(string) []string { return []string{"--list-types"} },
		func(m string) []string { return []string{"--no-newline", "--type", m} }}
	tools := []tool{xclip}
	if os.Getenv("WAYLAND_DISPLAY") != "" {
		tools = []tool{wl, xclip}
	}
	for _, t := range tools {
		if _, err := exec.LookPath(t.name); err != nil {
			continue
		}
		types, err := run(ctx, t.name, t.list("")...)
		if err != nil {
			return nil, fmt.Errorf("read clipboard with %s: %w", t.name, err)
		}
		have := strings.Fields(string(types))
		for _, m := range imageTypes {
			if !contains(have, m) {
				continue
			}
			data, err := run(ctx, t.name, t.read(m)...)
			if err != nil {
				return nil, fmt.Errorf("read clipboard %s with %s: %w", m, t.name, err)
			}
			img, err := ReadImage(bytes.NewReader(data))
			if err != nil {
				return nil, fmt.Errorf("clipboard %s: %w", m, err)
			}
			return img, nil
		}
		return nil, fmt.Errorf("clipboard: %w (it holds %s)", ErrNoImage, summarize(have))
	}
	return nil, fmt.Errorf("read clipboard: %w without xclip or wl-paste; install xclip (X11) or wl-clipboard (Wayland), or save the image and open it as a file", ErrUnsupported)
}

func run(ctx context.Context, name string, args ...string) ([]byte, error) {
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		// An empty clipboard makes both tools fail with a message.
		if strings.Contains(msg, "No selection") || strings.Contains(msg, "target") || strings.Contains(msg, "Nothing is copied") || strings.Contains(msg, "No suitable type") {
			return nil, fmt.Errorf("%w (%s)", ErrNoImage, msg)
		}
		if msg != "" {
			return nil, fmt.Errorf("%w: %s", err, msg)
		}
		return nil, err
	}
	return out, nil
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// summarize names what the clipboard holds, for the error message,
// without its content.
func summarize(types []string) string {
	if len(types) == 0 {
		return "nothing"
	}
	for _, t := range types {
		if strings.HasPrefix(t, "text/") || t == "UTF8_STRING" || t == "STRING" {
			return "text"
		}
	}
	if len(types) > 4 {
		types = types[:4]
	}
	return strings.Join(types, ", ")
}

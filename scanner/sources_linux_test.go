//go:build linux && !android

package scanner

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"os"
	"os/exec"
	"testing"
	"time"
)

// These run only with an X server (make test runs them under Xvfb when
// it can); without one they are skipped.

func TestCaptureScreensX11(t *testing.T) {
	if os.Getenv("DISPLAY") == "" {
		t.Skip("no DISPLAY")
	}
	imgs, err := CaptureScreens()
	if err != nil {
		t.Fatal(err)
	}
	if len(imgs) == 0 || imgs[0].Bounds().Empty() {
		t.Fatalf("CaptureScreens = %d images", len(imgs))
	}
	for _, img := range imgs {
		t.Logf("screen %v", img.Bounds())
	}
}

func TestClipboardX11(t *testing.T) {
	if os.Getenv("DISPLAY") == "" || os.Getenv("WAYLAND_DISPLAY") != "" {
		t.Skip("no X11 DISPLAY")
	}
	if _, err := exec.LookPath("xclip"); err != nil {
		t.Skip("no xclip")
	}
	const text = "otpauth://totp/clip?secret=JBSWY3DPEHPK3PXP"
	var buf bytes.Buffer
	if err := png.Encode(&buf, mustCode(t, text, 4)); err != nil {
		t.Fatal(err)
	}
	// xclip keeps serving the selection from a background process.
	cmd := exec.Command("xclip", "-selection", "clipboard", "-t", "image/png", "-i")
	cmd.Stdin = &buf
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // let the new owner take over
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rs, err := ScanClipboard(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].Text != text {
		t.Fatalf("ScanClipboard = %q", Texts(rs))
	}

	cmd = exec.Command("xclip", "-selection", "clipboard", "-i")
	cmd.Stdin = bytes.NewReader([]byte("just text"))
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if _, err := Clipboard(ctx); !errors.Is(err, ErrNoImage) {
		t.Fatalf("text on clipboard: got %v, want ErrNoImage", err)
	}
}

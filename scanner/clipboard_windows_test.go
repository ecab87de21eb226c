package scanner

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/nidan-auth/nidan/internal/winclipboard"
)

// TestClipboardFormats puts a QR code on the real Windows clipboard (Wine's
// under the harness) in each format programs use, and reads it back.
func TestClipboardFormats(t *testing.T) {
	const text = "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME"
	code := mustCode(t, text, 4)
	for format, data := range map[string][]byte{
		"png":   encodePNG(t, code),
		"dibv5": winclipboard.DIBV5(code),
		"dib":   winclipboard.DIB24(code),
	} {
		if err := winclipboard.Set(format, data); err != nil {
			t.Fatal(err)
		}
		img, err := Clipboard(context.Background())
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		rs, err := Decode(img)
		if err != nil || len(rs) != 1 || rs[0].Text != text {
			t.Errorf("%s: decoded %+v, %v", format, rs, err)
		}
	}
}

func TestClipboardNoImage(t *testing.T) {
	if err := winclipboard.Set("text", []byte("not an image")); err != nil {
		t.Fatal(err)
	}
	_, err := Clipboard(context.Background())
	if !errors.Is(err, ErrNoImage) || !strings.Contains(err.Error(), "text") {
		t.Errorf("text on the clipboard: %v, want ErrNoImage saying it holds text", err)
	}
	if err := winclipboard.Set("png", []byte("\x89PNG but cut")); err != nil {
		t.Fatal(err)
	}
	_, err = Clipboard(context.Background())
	if err == nil || errors.Is(err, ErrNoImage) || !strings.Contains(err.Error(), "PNG") {
		t.Errorf("damaged PNG on the clipboard: %v, want an error naming PNG", err)
	}
}

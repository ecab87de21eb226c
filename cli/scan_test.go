package cli

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/skip2/go-qrcode"
)

func writeQR(t *testing.T, dir, name, text string) string {
	t.Helper()
	png, err := qrcode.Encode(text, qrcode.Medium, 256)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, png, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func blankPNG(t *testing.T) []byte {
	img := image.NewGray(image.Rect(0, 0, 200, 120))
	for i := range img.Pix {
		img.Pix[i] = byte(i % 251)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestScanFiles(t *testing.T) {
	dir := t.TempDir()
	uri := "otpauth://totp/ACME:me?secret=JBSWY3DPEHPK3PXP&issuer=ACME"
	good := writeQR(t, dir, "good.png", uri)
	mig := writeQR(t, dir, "mig.png", "otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGEV4YW1wbGU6YWxpY2VAZ29vZ2xlLmNvbRoHRXhhbXBsZTAC")
	url := writeQR(t, dir, "url.png", "https://example.com/hello")
	blank := filepath.Join(dir, "blank.png")
	if err := os.WriteFile(blank, blankPNG(t), 0o600); err != nil {
		t.Fatal(err)
	}

	code, out, errOut := run(t, nil, "", "scan", good, mig)
	want := "otpauth://totp/ACME:me?secret=JBSWY3DPEHPK3PXP&issuer=ACME&algorithm=SHA1&digits=6&period=30\n" +
		"otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example&algorithm=SHA1&digits=6&period=30\n"
	if code != 0 || out != want {
		t.Errorf("scan: exit %d, out %q, err %q", code, out, errOut)
	}

	code, out, _ = run(t, nil, "", "scan", "--raw", url)
	if code != 0 || out != "https://example.com/hello\n" {
		t.Errorf("scan --raw: exit %d, %q", code, out)
	}

	code, out, errOut = run(t, nil, "", "scan", url)
	if code != 1 || out != "" || !strings.Contains(errOut, "not an authenticator account") || !strings.Contains(errOut, "https://example.com/hello") {
		t.Errorf("scan of a URL: exit %d, out %q, err %q", code, out, errOut)
	}

	code, out, errOut = run(t, nil, "", "scan", blank)
	if code != 1 || out != "" || !strings.Contains(errOut, "no QR code found") {
		t.Errorf("scan of a blank image: exit %d, out %q, err %q", code, out, errOut)
	}

	code, _, errOut = run(t, nil, "", "scan", filepath.Join(dir, "missing.png"))
	if code != 1 || !strings.Contains(errOut, "missing.png") {
		t.Errorf("missing file: exit %d, err %q", code, errOut)
	}

	code, _, _ = run(t, nil, "", "scan")
	if code != 2 {
		t.Errorf("scan without sources: exit %d", code)
	}
}

func TestScanAdd(t *testing.T) {
	c := newCLIVault(t)
	c.ok("", "init")
	good := writeQR(t, t.TempDir(), "good.png", "otpauth://totp/ACME:me?secret=JBSWY3DPEHPK3PXP&issuer=ACME")
	out := c.ok("", "scan", "--add", good)
	if !strings.Contains(out, "added 1") {
		t.Errorf("scan --add: %q", out)
	}
	out = c.ok("", "scan", "--add", good)
	if !strings.Contains(out, "already in the vault") {
		t.Errorf("scan --add twice: %q", out)
	}
	if out := c.ok("", "list"); !strings.Contains(out, "ACME") {
		t.Errorf("list after scan --add: %q", out)
	}
}

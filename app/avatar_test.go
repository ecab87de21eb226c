package app

import (
	"image"
	"image/color"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/nidan-auth/nidan/internal/brandlogo"
)

func TestAvatarBrandLogo(t *testing.T) {
	google := testAccount(t, "Google", "a@example.com", "JBSWY3DPEHPK3PXP")
	aws := testAccount(t, "Amazon Web Services", "root", "GEZDGNBVGY3TQOJQ")
	binance := testAccount(t, "Binance", "b", "MFRGGZDFMZTWQ2LK")
	generic := testAccount(t, "GitHub", "c", "KRSXG5CTMVRXEZLU")
	generic.Logo, generic.Color = brandlogo.Generic, "#e53935"
	chosen := testAccount(t, "Acme Corp intranet", "d", "ONSWG4TFOQYTEMZU")
	chosen.Logo = brandlogo.Prefix + "discord"
	u, _ := newUnlockedUI(t, google, aws, binance, generic, chosen)
	// The theme stays as the test app starts: switching it here would
	// have Fyne re-theme the window on a goroutine of its own while the
	// list is built (a data race, and a nil dereference in Fyne's list).
	u.showList()
	u.win.Content().Refresh()

	g := rowFor(t, u, google.ID).logo
	if g.brand != "google" || !g.image.Visible() || g.letter.Visible() {
		t.Fatalf("Google: brand %q, image %v, letter %v", g.brand, g.image.Visible(), g.letter.Visible())
	}
	if g.circle.FillColor != (color.NRGBA{R: 0x42, G: 0x85, B: 0xf4, A: 0xff}) {
		t.Errorf("Google's disc is %v, want its brand blue", g.circle.FillColor)
	}
	if svg := string(g.image.Resource.Content()); !strings.Contains(svg, `fill="#ffffff"`) {
		t.Errorf("Google's logo is not white: %.100s", svg)
	}
	// simple-icons has no AWS logo: the letter on a theme colour.
	a := rowFor(t, u, aws.ID).logo
	if a.brand != "" || a.image.Visible() || a.letter.Text != "A" {
		t.Errorf("AWS: brand %q, letter %q", a.brand, a.letter.Text)
	}
	// Binance's yellow is too light for white: the logo is drawn dark.
	b := rowFor(t, u, binance.ID).logo
	if svg := string(b.image.Resource.Content()); b.brand != "binance" || !strings.Contains(svg, `fill="#1a1a1a"`) {
		t.Errorf("Binance: brand %q, %.100s", b.brand, svg)
	}
	if gen := rowFor(t, u, generic.ID).logo; gen.brand != "" || gen.letter.Text != "G" || gen.circle.FillColor != (color.NRGBA{R: 0xe5, G: 0x39, B: 0x35, A: 0xff}) {
		t.Errorf("generic choice: brand %q, letter %q, colour %v", gen.brand, gen.letter.Text, gen.circle.FillColor)
	}
	if c := rowFor(t, u, chosen.ID).logo; c.brand != "discord" {
		t.Errorf("chosen logo: brand %q, want discord", c.brand)
	}

	// The rendered window: inside Google's disc there are white pixels (the
	// logo) and brand-blue ones, so the SVG really was drawn.
	img := u.win.Canvas().Capture()
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(g.circle)
	sz := g.circle.Size()
	scale := float32(img.Bounds().Dx()) / u.win.Canvas().Size().Width
	rect := image.Rect(int(pos.X*scale), int(pos.Y*scale), int((pos.X+sz.Width)*scale), int((pos.Y+sz.Height)*scale))
	white, blue := 0, 0
	for y := rect.Min.Y; y < rect.Max.Y; y++ {
		for x := rect.Min.X; x < rect.Max.X; x++ {
			r, gg, bb, _ := img.At(x, y).RGBA()
			switch {
			case r>>8 > 0xf0 && gg>>8 > 0xf0 && bb>>8 > 0xf0:
				white++
			case r>>8 < 0x50 && gg>>8 > 0x70 && gg>>8 < 0x98 && bb>>8 > 0xe0:
				blue++
			}
		}
	}
	area := rect.Dx() * rect.Dy()
	t.Logf("avatar %v: %d white, %d blue of %d", rect, white, blue, area)
	if white < area/20 || blue < area/4 {
		t.Errorf("Google's avatar (%v): %d white and %d blue pixels of %d", rect, white, blue, area)
	}
}

package app

import (
	"archive/zip"
	"bytes"
	"image"
	"image/png"
	"os"
	"testing"

	"fyne.io/fyne/v2/test"
)

// testIconPack is an Aegis-format pack made here: one PNG icon for
// Initech, one SVG for Blizzard / battle.net.
func testIconPack(t *testing.T, version int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 48, 48))
	for i := range img.Pix {
		img.Pix[i] = []byte{0xd0, 0x20, 0x20, 0xff}[i%4]
	}
	var pngData bytes.Buffer
	if err := png.Encode(&pngData, img); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for name, data := range map[string][]byte{
		"pack.json": []byte(`{"uuid":"5d0c3f4e-1b2a-4c3d-9e8f-7a6b5c4d3e2f","name":"Office pack","version":` + string(rune('0'+version)) + `,"icons":[
			{"name":"Initech","filename":"icons/initech.png","category":"Work","issuer":["initech"]},
			{"name":"Blizzard","filename":"icons/blizzard.svg","category":"Gaming","issuer":["blizzard","battle.net"]}]}`),
		"icons/initech.png":  pngData.Bytes(),
		"icons/blizzard.svg": []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><rect width="24" height="24" fill="#0070c0"/></svg>`),
	} {
		f, _ := w.Create(name)
		f.Write(data)
	}
	w.Close()
	return b.Bytes()
}

// An imported pack is kept beside the vault; a new account whose issuer
// the pack lists gets its icon, whose bytes are saved in the account and
// drawn in the list.
func TestIconPackImportAndUse(t *testing.T) {
	u, _ := newUnlockedUI(t)
	u.showList()
	done := 0
	u.importPack(testIconPack(t, 2), func() { done++ })
	if done != 1 {
		t.Fatal("the import did not finish")
	}
	mustShow(t, u, "Icon pack Office pack: 2 icons.")
	fi, err := os.Stat(packFile(u.packDir(), u.logos.packs[0]))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("kept pack: %v, mode %v", err, fi.Mode())
	}
	// An older version of the same pack does not replace it.
	u.importPack(testIconPack(t, 1), func() {})
	mustShow(t, u, "Could not import the icon pack")

	u.showNewAccount(testAccount(t, "Initech", "peter", "JBSWY3DPEHPK3PXP"))
	_, picks := findLogoSearch(t, u)
	if len(picks) == 0 || picks[0].disc.image.Resource == nil || picks[0].ring.StrokeWidth == 0 {
		t.Fatalf("the pack's Initech icon is not offered and chosen (%d picks)", len(picks))
	}
	test.Tap(button(t, u, "Save"))
	a := u.vault.Accounts()[0]
	if a.Logo != logoIcon || a.IconMIME != "image/png" || !bytes.HasPrefix(a.Icon, []byte("\x89PNG")) {
		t.Fatalf("saved logo %q, %s, %d bytes", a.Logo, a.IconMIME, len(a.Icon))
	}
	u.showList()
	if l := rowFor(t, u, a.ID).logo; !l.image.Visible() || l.letter.Visible() {
		t.Fatal("the list does not draw the account's icon")
	}

	// The search finds the pack's icons by issuer too; choosing one
	// replaces the account's icon.
	u.onEdit(a.ID)
	e, _ := findLogoSearch(t, u)
	e.SetText("battle.net")
	_, picks = findLogoSearch(t, u)
	if len(picks) == 0 {
		t.Fatal("battle.net finds nothing")
	}
	test.Tap(picks[0])
	test.Tap(button(t, u, "Save"))
	if got, _ := u.vault.Account(a.ID); got.IconMIME != "image/svg+xml" || got.Logo != logoIcon {
		t.Fatalf("after choosing the pack's Blizzard icon: %q %q", got.Logo, got.IconMIME)
	}
}

func TestIconPackRejected(t *testing.T) {
	u, _ := newUnlockedUI(t)
	u.showList()
	u.importPack([]byte("not a zip"), func() { t.Error("a bad pack reported success") })
	mustShow(t, u, "Could not import the icon pack")
	mustShow(t, u, "Icon packs are ZIP files with a pack.json, as Aegis uses.")
	if _, err := os.Stat(u.packDir()); err == nil {
		entries, _ := os.ReadDir(u.packDir())
		if len(entries) != 0 {
			t.Fatalf("a bad pack left %d files", len(entries))
		}
	}
}

//go:build mobile && linux && !android

package app

// TestSimulatorWindow runs the real phone build (`go build -tags mobile`)
// in Fyne's phone simulation on a private Xvfb with openbox, sized as a
// 360×640 pt phone, and drives it as a person would with xdotool: first
// launch, the password typed twice, add an account by its key, its code
// (copied by tapping the row, read back from the X clipboard with xclip)
// equal to oathtool's, the clipboard cleared after the delay, the app sent
// to the background (iconified) and found locked, then unlocked again.
//
// Where to tap comes from the same screens laid out by fyne's test driver
// at the same size (the layout code is the same; the simulation draws at
// scale 2), so the test taps the centre of the real button, not a guessed
// spot. Screens are checked by pixels of the theme's primary colour, which
// only the main button of each screen has.

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/nidan-auth/nidan/accounts"
)

const (
	simScale  = 2 // fyne's simulation: SystemScaleForWindow
	simSecret = "JBSWY3DPEHPK3PXP"
	simPass   = "correct horse battery staple"
)

var simSize = fyne.NewSize(360, 640)

// spot is where to tap a control, and a pixel of its background.
type spot struct{ tap, probe image.Point }

type simulator struct {
	t      *testing.T
	env    []string
	win    string // X window id
	home   string
	log    *bytes.Buffer
	lang   string
	keys   int // keys sent, which the app counts in _NIDAN_SIM_KEYS
	shotsN int
}

func TestSimulatorWindow(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the real-window phone test builds and runs the app")
	}
	for _, tool := range []string{"Xvfb", "openbox", "xdotool", "xclip", "xprop", "oathtool", "import"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing (scripts/deps.sh mobile installs it): %v", tool, err)
		}
	}
	bin := filepath.Join(t.TempDir(), "nidan")
	build := exec.Command("go", "build", "-tags", "mobile,migrated_fynedo", "-o", bin, "..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build -tags mobile: %v\n%s", err, out)
	}
	for _, l := range []string{"en", "ja"} {
		t.Run(l, func(t *testing.T) { simulatorFlow(t, bin, l) })
	}
}

func simulatorFlow(t *testing.T, bin, language string) {
	// Where things are, from the same screens under the test driver.
	testLanguage = language
	t.Cleanup(func() { testLanguage = "en"; applyLanguage("en") })
	spots := simSpots(t)
	t.Logf("taps: %v", spots)
	s := startSimulator(t, bin, language)

	// First launch: the welcome screen, then the password twice (the
	// first field has the focus; Enter moves on, Enter again creates).
	s.waitPrimary(spots["Get started"], "the welcome screen")
	s.shot("welcome")
	s.tap(spots["Get started"])
	s.waitGone(spots["Get started"], "the password screen") // keys typed before it would go nowhere
	s.typeText(simPass)
	s.key("Return")
	s.typeText(simPass)
	s.shot("password")
	s.key("Return")
	s.waitPrimary(spots["Add account"], "the empty list after creating the vault")
	s.shot("empty")
	// The vault is in the app's storage.
	var vaults []string
	filepath.WalkDir(s.home, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Name() == "vault.nidan" {
			vaults = append(vaults, p)
		}
		return nil
	})
	storage := simStorage(s.home) + string(filepath.Separator)
	if len(vaults) != 1 || !strings.HasPrefix(vaults[0], storage) {
		t.Fatalf("want one vault.nidan under the app's storage %s; found %v\n%s", storage, vaults, s.log)
	}

	// Add by key: + → "Enter the key by hand" → three fields → Enter →
	// Save.
	s.tap(spots["Add account"])
	s.waitGone(spots["Add account"], "the add screen")
	s.tap(spots["Enter the key by hand"])
	time.Sleep(time.Second)
	s.tap(spots["issuer"])
	s.typeText("Example")
	s.tap(spots["name"])
	s.typeText("alice@example.com")
	s.tap(spots["key"])
	s.typeText(strings.ToLower(simSecret[:8]) + " " + strings.ToLower(simSecret[8:]))
	s.shot("manual")
	s.key("Return")
	s.waitPrimary(spots["Save"], "the details screen")
	s.tap(spots["Save"])
	s.waitPrimary(spots["+"], "the list with the new account")
	time.Sleep(300 * time.Millisecond)
	s.shot("list")

	// Tap the row: the code goes to the clipboard and equals oathtool's.
	s.checkCopiedCode(spots["row"])
	s.shot("copied")
	// The delay is 5 s (preferences written before the start).
	deadline := time.Now().Add(15 * time.Second)
	for s.clipboard() != "" {
		if time.Now().After(deadline) {
			t.Fatalf("the clipboard still holds %q 15 s after a 5 s delay", s.clipboard())
		}
		time.Sleep(250 * time.Millisecond)
	}

	// A long press on the row (no hover on a phone) opens its menu, which
	// fyne puts under the row's ⋮ button: that part of the window, empty
	// list background before, now shows the menu. A tap elsewhere closes
	// it.
	before := s.capture()
	s.longPress(spots["row"])
	time.Sleep(1500 * time.Millisecond)
	after := s.capture()
	m := spots["⋮"].tap
	changed := 0
	for y := m.Y + 40*simScale; y < m.Y+120*simScale; y++ {
		for x := m.X - 100*simScale; x < m.X; x++ {
			if before.At(x, y) != after.At(x, y) {
				changed++
			}
		}
	}
	if changed < 1000 {
		s.shot("no-menu")
		t.Fatalf("a long press on the row opened no menu under its ⋮ button (%d pixels changed)", changed)
	}
	s.shot("row-menu")
	s.tap(spot{tap: image.Pt(20*simScale, 600*simScale)})
	time.Sleep(500 * time.Millisecond)

	// To the background: iconified, the vault locks; back, it asks for
	// the password and the codes come back after it.
	s.xdotool("windowminimize", "--sync", s.win)
	time.Sleep(700 * time.Millisecond)
	s.xdotool("windowmap", "--sync", s.win)
	s.xdotool("windowactivate", "--sync", s.win)
	s.waitPrimary(spots["Unlock"], "the lock screen after going to the background")
	if s.hasPrimary(spots["+"]) {
		t.Fatal("the list is still on show after going to the background")
	}
	s.shot("locked")
	s.typeText(simPass)
	s.key("Return")
	s.waitPrimary(spots["+"], "the list after unlocking")
	s.checkCopiedCode(spots["row"])
}

// simSpots lays the screens out under the test driver at the phone's size
// and returns where (in the simulation's pixels) each control's centre is.
func simSpots(t *testing.T) map[string]spot {
	spots := map[string]spot{}
	at := func(u *ui, name string, o fyne.CanvasObject) {
		u.win.Content().Refresh()
		u.win.Content().Refresh()
		for _, ov := range u.win.Canvas().Overlays().List() { // a menu lays out on refresh
			ov.Refresh()
		}
		p := fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
		c := p.Add(fyne.NewPos(o.Size().Width/2, o.Size().Height/2))
		spots[name] = spot{
			tap:   image.Pt(int(c.X*simScale), int(c.Y*simScale)),
			probe: image.Pt(int((p.X+6)*simScale), int(c.Y*simScale)), // beside the text, in the button
		}
	}
	u, _ := newTestUI(t)
	u.win.Resize(simSize)
	u.start()
	at(u, "Get started", button(t, u, tr("Get started")))

	u, _ = newUnlockedUI(t)
	u.win.Resize(simSize)
	u.showList()
	at(u, "Add account", button(t, u, tr("Add account")))
	u.onAdd()
	at(u, "Enter the key by hand", button(t, u, tr("Enter the key by hand")))
	m := openManual(t, u)
	at(u, "issuer", m.issuer)
	at(u, "name", m.name)
	at(u, "key", m.key)
	secret, _ := accounts.DecodeSecret(simSecret)
	a := accounts.New(accounts.TOTP, "Example", "alice@example.com", secret)
	u.show((&detailsScreen{u: u, acct: a, isNew: true}).build())
	at(u, "Save", button(t, u, tr("Save")))

	u, _ = newUnlockedUI(t, a)
	u.win.Resize(simSize)
	u.showList()
	var plus fyne.CanvasObject
	walk(u.win.Content(), func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == "" && b.Icon == theme.ContentAddIcon() && plus == nil {
			plus = b
		}
		if b, ok := o.(*tipButton); ok && b.Text == "" && b.Icon == theme.ContentAddIcon() && plus == nil {
			plus = b
		}
	})
	if plus == nil {
		t.Fatal("no + button on the list")
	}
	at(u, "+", plus)
	at(u, "row", rowFor(t, u, a.ID))
	at(u, "⋮", rowFor(t, u, a.ID).menu)
	u.lock()
	at(u, "Unlock", button(t, u, tr("Unlock")))
	return spots
}

func startSimulator(t *testing.T, bin, language string) *simulator {
	home := t.TempDir()
	// Fyne's simulation keeps app storage (and preferences) in
	// $TMPDIR/fyne-test/APPID, where a phone has the app's sandbox: a
	// private TMPDIR keeps it in this test. A 5 s clipboard delay, so the
	// test sees the clipboard cleared soon.
	prefDir := simStorage(home)
	if err := os.MkdirAll(prefDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(prefDir, "preferences.json"), []byte(`{"`+prefClipboardSeconds+`":5}`), 0o600); err != nil {
		t.Fatal(err)
	}

	// Xvfb picks a free display and writes its number to fd 3: a file
	// here, read once it holds a line.
	numPath := filepath.Join(home, "display")
	w, err := os.Create(numPath)
	if err != nil {
		t.Fatal(err)
	}
	xvfb := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "800x1400x24", "-nolisten", "tcp")
	xvfb.ExtraFiles = []*os.File{w}
	xlog := &bytes.Buffer{}
	xvfb.Stderr = xlog
	if err := xvfb.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	t.Cleanup(func() { xvfb.Process.Kill(); xvfb.Wait() })
	var display string
	for i := 0; ; i++ {
		b, _ := os.ReadFile(numPath)
		if n := strings.TrimSpace(string(b)); strings.HasSuffix(string(b), "\n") && n != "" {
			display = ":" + n
			break
		}
		if i == 100 {
			t.Fatalf("Xvfb gave no display number in 10 s\n%s", xlog)
		}
		time.Sleep(100 * time.Millisecond)
	}

	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("Xvfb:\n%s", xlog)
		}
	})
	env := append(os.Environ(), "DISPLAY="+display, "HOME="+home, "TMPDIR="+filepath.Join(home, "tmp"), "LANG=en_US.UTF-8", "LANGUAGE="+language, "XDG_CONFIG_HOME=", "NIDAN_VAULT=")
	s := &simulator{t: t, env: env, home: home, log: &bytes.Buffer{}, lang: language}

	wm := exec.Command("openbox")
	wm.Env = env
	wm.Stdout, wm.Stderr = s.log, s.log
	if err := wm.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { wm.Process.Kill(); wm.Wait() })
	s.waitFor("openbox", func() bool {
		out, err := s.cmd("xprop", "-root", "_NET_SUPPORTING_WM_CHECK").CombinedOutput()
		if err != nil {
			fmt.Fprintf(s.log, "xprop on %s: %v %s\n", display, err, out)
		}
		return bytes.Contains(out, []byte("window id"))
	})

	app := exec.Command(bin)
	app.Env = env
	app.Stdout, app.Stderr = s.log, s.log
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		app.Process.Kill()
		app.Wait()
		if t.Failed() {
			t.Logf("app output:\n%s", s.log)
		}
	})
	s.waitFor("the simulator window", func() bool {
		out, _ := s.cmd("xdotool", "search", "--name", "^App$").Output()
		s.win = strings.TrimSpace(strings.Split(string(out), "\n")[0])
		return s.win != ""
	})
	s.xdotool("windowsize", "--sync", s.win, fmt.Sprint(simSize.Width*simScale), fmt.Sprint(simSize.Height*simScale))
	s.xdotool("windowmove", "--sync", s.win, "0", "0")
	return s
}

// simStorage is the app storage of the simulation run with HOME=home.
func simStorage(home string) string { return filepath.Join(home, "tmp", "fyne-test", AppID) }

func (s *simulator) cmd(name string, args ...string) *exec.Cmd {
	c := exec.Command(name, args...)
	c.Env = s.env
	return c
}

func (s *simulator) xdotool(args ...string) {
	s.t.Helper()
	if out, err := s.cmd("xdotool", args...).CombinedOutput(); err != nil {
		s.t.Fatalf("xdotool %v: %v %s", args, err, out)
	}
}

func (s *simulator) waitFor(what string, ok func() bool) {
	s.t.Helper()
	deadline := time.Now().Add(60 * time.Second) // the machine may be busy
	for !ok() {
		if time.Now().After(deadline) {
			s.t.Fatalf("no %s after 60 s\n%s", what, s.log)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (s *simulator) tap(sp spot) {
	s.t.Helper()
	p := sp.tap
	s.xdotool("mousemove", "--window", s.win, fmt.Sprint(p.X), fmt.Sprint(p.Y), "click", "1")
	time.Sleep(150 * time.Millisecond)
}

// longPress holds the button down past fyne's 300 ms long-press delay.
func (s *simulator) longPress(sp spot) {
	s.t.Helper()
	p := sp.tap
	s.xdotool("mousemove", "--window", s.win, fmt.Sprint(p.X), fmt.Sprint(p.Y), "mousedown", "1", "sleep", "0.7", "mouseup", "1")
	time.Sleep(150 * time.Millisecond)
}

// typeText types into the focused field and waits until the app has
// handled the keys: they reach it through a queue of their own (see
// simulator.go), so a tap sent at once could overtake them on a slow
// machine.
func (s *simulator) typeText(text string) {
	s.t.Helper()
	s.xdotool("type", "--delay", "15", "--window", s.win, text)
	s.keys += len([]rune(text))
	s.waitKeys()
}

// waitKeys waits until the app has handled every key sent so far.
func (s *simulator) waitKeys() {
	s.t.Helper()
	want := fmt.Sprintf("= %d\n", s.keys)
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, _ := s.cmd("xprop", "-id", s.win, "_NIDAN_SIM_KEYS").Output()
		if strings.HasSuffix(string(out), want) {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("the app handled %q of the %d keys sent after 30 s\n%s", strings.TrimSpace(string(out)), s.keys, s.log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *simulator) key(k string) {
	s.t.Helper()
	s.xdotool("key", "--window", s.win, k)
	s.keys++
	s.waitKeys()
}

func (s *simulator) capture() image.Image {
	s.t.Helper()
	// Bounded: import given a window that has gone waits for a click to
	// pick another one, for ever on a display nobody clicks on.
	out, err := s.cmd("timeout", "20", "import", "-window", s.win, "png:-").Output()
	if err != nil {
		s.t.Fatalf("import: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		s.t.Fatalf("screenshot: %v", err)
	}
	return img
}

// hasPrimary reports whether the pixel at p has the theme's primary colour
// (light variant: the simulation has no dark mode).
func (s *simulator) hasPrimary(sp spot) bool {
	p := sp.probe
	want := color.NRGBAModel.Convert(theme.DefaultTheme().Color(theme.ColorNamePrimary, theme.VariantLight)).(color.NRGBA)
	got := color.NRGBAModel.Convert(s.capture().At(p.X, p.Y)).(color.NRGBA)
	near := func(a, b uint8) bool { return a-b < 12 || b-a < 12 }
	return near(got.R, want.R) && near(got.G, want.G) && near(got.B, want.B)
}

func (s *simulator) waitPrimary(p spot, what string) {
	s.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !s.hasPrimary(p) {
		if time.Now().After(deadline) {
			s.shot("failed")
			s.t.Fatalf("%s: no primary button at %v after 15 s\n%s", what, p.probe, s.log)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// waitGone waits for the primary button at p to go (the screen changed),
// then a moment more for the new screen to take the focus.
func (s *simulator) waitGone(p spot, what string) {
	s.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for s.hasPrimary(p) {
		if time.Now().After(deadline) {
			s.shot("failed")
			s.t.Fatalf("%s did not show within 15 s\n%s", what, s.log)
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond)
}

func (s *simulator) clipboard() string {
	out, _ := s.cmd("xclip", "-selection", "clipboard", "-o").Output()
	return string(out)
}

// checkCopiedCode taps the row and compares the clipboard with oathtool's
// code for the same moment (again if a period boundary fell in between).
func (s *simulator) checkCopiedCode(row spot) {
	s.t.Helper()
	for try := 0; ; try++ {
		before := oathtool(s.t)
		s.tap(row)
		time.Sleep(300 * time.Millisecond)
		got := s.clipboard()
		after := oathtool(s.t)
		if got == before || got == after {
			s.t.Logf("copied %s; oathtool says %s", got, after)
			return
		}
		if try == 1 || before == after {
			s.t.Fatalf("the clipboard holds %q; oathtool says %s\n%s", got, after, s.log)
		}
	}
}

func oathtool(t *testing.T) string {
	out, err := exec.Command("oathtool", "--totp", "-b", simSecret).Output()
	if err != nil {
		t.Fatalf("oathtool: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// shot keeps a screenshot of the real window in $NIDAN_SCREENSHOTS_MOBILE
// (make screenshots-mobile), as sim-LANG-NN-name.png.
func (s *simulator) shot(name string) {
	dir := os.Getenv("NIDAN_SCREENSHOTS_MOBILE")
	if dir == "" {
		return
	}
	s.shotsN++
	savePNG(s.t, filepath.Join(dir, fmt.Sprintf("sim-%s-%02d-%s.png", s.lang, s.shotsN, name)), s.capture())
}

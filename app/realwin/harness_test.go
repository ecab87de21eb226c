//go:build linux

package realwin

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nidan-auth/nidan/internal/lockedbuf"
)

// The harness: one private Xvfb with openbox per test, a scratch HOME with
// a vault made by the CLI, the real binary started in it.

const envGuard = "NIDAN_TEST_REALWIN"

// shotsEnv names a folder that keeps every screenshot the tests take
// (`make screenshots` points it at docs/screenshots/xvfb).
const shotsEnv = "NIDAN_XVFB_SHOTS"

const password = "real window 2fa"

var (
	buildOnce sync.Once
	binDir    string
	binPath   string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// need skips unless the real-window tests are switched on; once they are,
// a missing tool is a failure, not a skip.
func need(t *testing.T) {
	t.Helper()
	if os.Getenv(envGuard) == "" {
		t.Skipf("real-window test: set %s=1 (scripts/test.sh does)", envGuard)
	}
	for _, tool := range []string{"Xvfb", "openbox", "xdotool", "xclip", "import", "xprop", "oathtool", "dbus-daemon"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed for the real-window tests (scripts/deps.sh test installs it): %v", tool, err)
		}
	}
}

// nidan builds the real binary once per test run (without -race: it is the
// program a user runs).
func nidan(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "nidan-realwin-")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "nidan")
		out, err := exec.Command("go", "build", "-tags", "migrated_fynedo", "-o", binPath, "github.com/nidan-auth/nidan").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// display is a private X server with a window manager.
type display struct {
	name string
}

func startDisplay(t *testing.T) *display {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	x := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp", "-noreset")
	x.ExtraFiles = []*os.File{w}
	if err := x.Start(); err != nil {
		t.Fatalf("start Xvfb: %v", err)
	}
	w.Close()
	t.Cleanup(func() { x.Process.Kill(); x.Wait() })
	num := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		r.Close()
		num <- strings.TrimSpace(line)
	}()
	var n string
	select {
	case n = <-num:
	case <-time.After(20 * time.Second):
		t.Fatal("Xvfb did not report its display number")
	}
	if _, err := strconv.Atoi(n); err != nil {
		t.Fatalf("Xvfb reported display %q", n)
	}
	d := &display{name: ":" + n}
	wm := exec.Command("openbox", "--sm-disable")
	wm.Env = d.env(t.TempDir())
	if err := wm.Start(); err != nil {
		t.Fatalf("start openbox: %v", err)
	}
	t.Cleanup(func() { wm.Process.Kill(); wm.Wait() })
	// openbox is up when it has put its check window on the root window.
	waitFor(t, 15*time.Second, "openbox to start", func() bool {
		out, _ := d.cmd(nil, "xprop", "-root", "_NET_SUPPORTING_WM_CHECK").Output()
		return bytes.Contains(out, []byte("window id"))
	})
	return d
}

// env is a clean environment on this display: no session bus (so no tray
// host and no keyring), a scratch HOME, English unless said otherwise.
func (d *display) env(home string, extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case k == "DISPLAY", k == "WAYLAND_DISPLAY", k == "DBUS_SESSION_BUS_ADDRESS", k == "HOME",
			strings.HasPrefix(k, "XDG_"), strings.HasPrefix(k, "NIDAN_"), strings.HasPrefix(k, "FYNE_"),
			k == "LANG", k == "LANGUAGE", strings.HasPrefix(k, "LC_"):
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "DISPLAY="+d.name, "HOME="+home,
		"XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "XDG_DATA_HOME="+filepath.Join(home, ".local/share"),
		"XDG_CACHE_HOME="+filepath.Join(home, ".cache"), "XDG_RUNTIME_DIR="+home,
		"DBUS_SESSION_BUS_ADDRESS=unix:path="+filepath.Join(home, "no-bus"),
		"LANG=en_US.UTF-8", "FYNE_SCALE=1")
	return append(env, extra...)
}

func (d *display) cmd(env []string, name string, args ...string) *exec.Cmd {
	c := exec.Command(name, args...)
	if env == nil {
		env = d.env(os.TempDir())
	}
	c.Env = env
	return c
}

// privateBus starts a D-Bus session daemon of the test's own and returns
// its address.
func privateBus(t *testing.T) string {
	t.Helper()
	c := exec.Command("dbus-daemon", "--session", "--nofork", "--print-address=1", "--address=unix:dir="+t.TempDir())
	out, err := c.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Fatalf("dbus-daemon: %v", err)
	}
	t.Cleanup(func() { c.Process.Kill(); c.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("dbus-daemon gave no address: %v", err)
	}
	return strings.TrimSpace(line)
}

// session is a user: a HOME with a vault, on a display.
type session struct {
	t       *testing.T
	d       *display
	home    string
	env     []string
	secrets map[string]string // account name → base32 key
}

func newSession(t *testing.T, extraEnv ...string) *session {
	t.Helper()
	need(t)
	bin := nidan(t)
	_ = bin
	d := startDisplay(t)
	home := t.TempDir()
	s := &session{t: t, d: d, home: home, secrets: map[string]string{}}
	s.env = d.env(home, append([]string{"NIDAN_VAULT=" + filepath.Join(home, "vault", "vault.nidan"), "NIDAN_TRACE=1"}, extraEnv...)...)
	s.cli("init")
	return s
}

// cli runs a nidan command as the user, the password given the way the CLI
// reads it without a terminal.
func (s *session) cli(args ...string) string {
	s.t.Helper()
	c := exec.Command(nidan(s.t), args...)
	c.Env = append(slices.Clone(s.env), "NIDAN_PASSWORD="+password)
	out, err := c.CombinedOutput()
	if err != nil {
		s.t.Fatalf("nidan %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (s *session) addTOTP(issuer, name, secret string) {
	s.t.Helper()
	s.cli("add", fmt.Sprintf("otpauth://totp/%s:%s?secret=%s&issuer=%s", issuer, name, secret, issuer))
	s.secrets[name] = secret
}

// totp is the code oathtool computes for a key at a time: the reference the
// app's copied code is checked against.
func (s *session) totp(secret string, at time.Time) string {
	s.t.Helper()
	out, err := exec.Command("oathtool", "--totp", "-b", "--now", at.UTC().Format("2006-01-02 15:04:05 UTC"), secret).Output()
	if err != nil {
		s.t.Fatalf("oathtool: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// proc is one running copy of the GUI.
type proc struct {
	s      *session
	cmd    *exec.Cmd
	out    *lockedbuf.Buffer
	done   chan struct{}
	exit   error
	window string
}

// launch starts the GUI (no arguments, as a desktop launcher does).
func (s *session) launch(extraEnv ...string) *proc {
	s.t.Helper()
	c := exec.Command(nidan(s.t))
	c.Env = append(slices.Clone(s.env), extraEnv...)
	p := &proc{s: s, cmd: c, out: &lockedbuf.Buffer{}, done: make(chan struct{})}
	c.Stdout, c.Stderr = p.out, p.out
	if err := c.Start(); err != nil {
		s.t.Fatal(err)
	}
	go func() { p.exit = c.Wait(); close(p.done) }()
	s.t.Cleanup(func() {
		if !p.exited() {
			c.Process.Kill()
			<-p.done
		}
		if s.t.Failed() {
			s.t.Logf("nidan output:\n%s", p.out.String())
		}
	})
	return p
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// waitExit waits for the process to end and returns its error.
func (p *proc) waitExit(d time.Duration) (error, bool) {
	select {
	case <-p.done:
		return p.exit, true
	case <-time.After(d):
		return nil, false
	}
}

// waitTrace waits for a "nidan-trace: EVENT" line on standard error.
func (p *proc) waitTrace(event string) {
	p.s.t.Helper()
	waitFor(p.s.t, 60*time.Second, "trace "+event, func() bool {
		return strings.Contains(p.out.String(), "nidan-trace: "+event+"\n")
	})
}

// waitWindow waits for the app's window to be mapped and takes the focus.
func (p *proc) waitWindow() string {
	p.s.t.Helper()
	waitFor(p.s.t, 20*time.Second, "the Nidan window", func() bool {
		if p.exited() {
			p.s.t.Fatalf("nidan exited: %v\n%s", p.exit, p.out.String())
		}
		out, _ := p.s.xdoOut("search", "--onlyvisible", "--name", "^Nidan$")
		ids := strings.Fields(out)
		if len(ids) == 0 {
			return false
		}
		p.window = ids[0]
		return true
	})
	p.waitTrace("ready")
	p.s.xdo("windowactivate", "--sync", p.window)
	return p.window
}

func (s *session) xdoOut(args ...string) (string, error) {
	out, err := s.d.cmd(s.env, "xdotool", args...).CombinedOutput()
	return string(out), err
}

func (s *session) xdo(args ...string) {
	s.t.Helper()
	if out, err := s.xdoOut(args...); err != nil {
		s.t.Fatalf("xdotool %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// typeText types as a person would, a key at a time.
func (s *session) typeText(text string) { s.t.Helper(); s.xdo("type", "--delay", "40", text) }

// key presses keys (xdotool names: Return, Escape, ctrl+l, alt+F4).
func (s *session) key(keys ...string) {
	s.t.Helper()
	s.xdo(append([]string{"key", "--delay", "60"}, keys...)...)
	time.Sleep(150 * time.Millisecond)
}

// click moves the pointer to x, y in the window and clicks a button there.
func (p *proc) click(x, y, button int) {
	p.s.t.Helper()
	p.s.xdo("mousemove", "--window", p.window, strconv.Itoa(x), strconv.Itoa(y))
	time.Sleep(150 * time.Millisecond) // let the hover land first, as a hand does
	p.s.xdo("click", strconv.Itoa(button))
}

// clipboard reads the X CLIPBOARD selection; "" when nobody owns it.
func (s *session) clipboard() string {
	out, err := s.d.cmd(s.env, "xclip", "-o", "-selection", "clipboard").Output()
	if err != nil {
		return ""
	}
	return string(out)
}

// waitClipboard waits until the clipboard holds something that pass accepts.
func (s *session) waitClipboard(what string, pass func(string) bool) string {
	s.t.Helper()
	var got string
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if got = s.clipboard(); pass(got) {
			return got
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.t.Fatalf("clipboard: want %s, it holds %q", what, got)
	return ""
}

// checkCopied waits for the clipboard to hold the account's code at some
// moment between from and now: a click near a 30 s boundary may copy
// either code.
func (s *session) checkCopied(name string, from time.Time) {
	s.t.Helper()
	secret := s.secrets[name]
	s.waitClipboard("the code of "+name, func(got string) bool {
		for at := from.Add(-time.Second); !at.After(time.Now().Add(time.Second)); at = at.Add(time.Second) {
			if got == s.totp(secret, at) {
				return true
			}
		}
		return false
	})
}

// unlock types the password into the lock screen and waits for the list.
func (p *proc) unlock() {
	p.s.t.Helper()
	p.waitTrace("focused") // the password field, 50 ms after the screen shows
	focused := strings.Count(p.out.String(), "nidan-trace: focused\n")
	p.s.typeText(password)
	p.s.key("Return")
	p.waitTrace("unlocked")
	// then the list takes the keyboard
	waitFor(p.s.t, 30*time.Second, "the list to take the focus", func() bool {
		return strings.Count(p.out.String(), "nidan-trace: focused\n") > focused
	})
}

// shot takes a screenshot of the window through the X server.
func (p *proc) shot(name string) image.Image {
	p.s.t.Helper()
	// Bounded: import given a window that has gone waits for a click to
	// pick another one, for ever on a display nobody clicks on.
	out, err := p.s.d.cmd(p.s.env, "timeout", "20", "import", "-window", p.window, "png:-").Output()
	if err != nil {
		p.s.t.Fatalf("import: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		p.s.t.Fatalf("decode screenshot: %v", err)
	}
	dir := os.Getenv(shotsEnv)
	if dir == "" {
		dir = p.s.t.TempDir()
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), out, 0o644); err != nil {
		p.s.t.Fatal(err)
	}
	return img
}

// until takes screenshots until ok accepts one (the app draws a moment
// after it acts, later on a loaded machine) and fails with why() after 10 s.
// The last screenshot is kept under name.
func (p *proc) until(name string, ok func(image.Image) bool, why func() string) image.Image {
	p.s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		img := p.shot(name)
		if ok(img) {
			return img
		}
		if time.Now().After(deadline) {
			p.s.t.Fatalf("%s: %s", name, why())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("timed out after %v waiting for %s", d, what)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// --- reading screenshots -----------------------------------------------------

func lum(img image.Image, x, y int) float64 {
	r, g, b, _ := img.At(x, y).RGBA()
	lin := func(v uint32) float64 {
		c := float64(v) / 0xffff
		if c <= 0.04045 {
			return c / 12.92
		}
		return math.Pow((c+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// contrast is the WCAG contrast ratio between a region's background (its
// most common luminance) and its ink (the luminance farthest from it).
func contrast(img image.Image, r image.Rectangle) float64 {
	r = r.Intersect(img.Bounds())
	counts := map[int]int{}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			counts[int(lum(img, x, y)*1000)]++
		}
	}
	bg, most := 0, -1
	for l, n := range counts {
		if n > most {
			bg, most = l, n
		}
	}
	bgL := float64(bg) / 1000
	ink := bgL
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if l := lum(img, x, y); math.Abs(l-bgL) > math.Abs(ink-bgL) {
				ink = l
			}
		}
	}
	hi, lo := max(ink, bgL), min(ink, bgL)
	return (hi + 0.05) / (lo + 0.05)
}

// rowCentres finds the list's rows by their round logos: runs of coloured
// pixels down the column through the logos' centres (a letter's white
// strokes make short gaps; the grey of a focused row is not coloured).
func rowCentres(img image.Image, x int) []int {
	b := img.Bounds()
	coloured := func(y int) bool {
		r, g, bl, _ := img.At(x, y).RGBA()
		return max(r, g, bl)-min(r, g, bl) > 0x2000
	}
	var out []int
	start, last := -1, -1
	for y := b.Min.Y + 40; y <= b.Max.Y; y++ { // below the search bar
		if y < b.Max.Y && coloured(y) {
			if start < 0 || y-last > 8 {
				if start >= 0 && last-start >= 20 {
					out = append(out, (start+last)/2)
				}
				start = y
			}
			last = y
		}
	}
	if start >= 0 && last-start >= 20 {
		out = append(out, (start+last)/2)
	}
	return out
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

// sameRegion reports whether two screenshots match inside r.
func sameRegion(a, b image.Image, r image.Rectangle) bool {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			if max(absDiff(r1, r2), absDiff(g1, g2), absDiff(b1, b2)) > 0x800 {
				return false
			}
		}
	}
	return true
}

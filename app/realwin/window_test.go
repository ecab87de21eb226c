//go:build linux

package realwin

import (
	"errors"
	"fmt"
	"image"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// logoX is the x of the round logos' centres in a row (FYNE_SCALE=1).
const logoX = 22

// unlocked starts a session with two accounts, launches the app and
// unlocks it by typing the password, as a person does.
func unlocked(t *testing.T, extraEnv ...string) (*session, *proc) {
	t.Helper()
	t.Parallel() // each test has a display of its own
	s := newSession(t, extraEnv...)
	s.addTOTP("Example", "alice@example.com", "JBSWY3DPEHPK3PXP")
	s.addTOTP("Test", "bob@example.org", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
	p := s.launch()
	p.waitWindow()
	p.unlock()
	return s, p
}

// rows waits for the list to show want rows and returns their centres.
func (p *proc) rows(want int) []int {
	p.s.t.Helper()
	var ys []int
	p.until("rows", func(img image.Image) bool {
		ys = rowCentres(img, logoX)
		return len(ys) == want
	}, func() string {
		return fmt.Sprintf("found %d rows by their logos at x=%d, want %d (ys %v)", len(ys), logoX, want, ys)
	})
	return ys
}

func TestUnlockByTypingAndClickToCopy(t *testing.T) {
	s, p := unlocked(t)
	ys := p.rows(2)
	// The second row, so that a click that lands on "the list" rather than
	// the row (and copies the first, focused code) is caught.
	from := time.Now()
	p.click(200, ys[1], 1)
	s.checkCopied("bob@example.org", from)

	// A click on the first row copies its code, replacing the other.
	from = time.Now()
	p.click(200, ys[0], 1)
	s.checkCopied("alice@example.com", from)
}

func TestSearchEnterCopiesLockClears(t *testing.T) {
	s, p := unlocked(t)
	// Typing with the list focused starts a search; Enter copies the first
	// match.
	from := time.Now()
	s.typeText("bob")
	s.key("Return")
	s.checkCopied("bob@example.org", from)
	p.rows(1)

	// Locking takes the code off the clipboard.
	s.key("ctrl+l")
	p.waitTrace("locked")
	s.waitClipboard("an empty clipboard after locking", func(c string) bool { return c == "" })

	// A click on the window's background (to bring it forward) takes the
	// focus from the password field; the password typed next still unlocks.
	p.waitTrace("focused")
	p.click(20, 20, 1)
	unlocks := strings.Count(p.out.String(), "nidan-trace: unlocked\n")
	s.typeText(password)
	s.key("Return")
	waitFor(t, 30*time.Second, "typing after a click to unlock", func() bool {
		return strings.Count(p.out.String(), "nidan-trace: unlocked\n") > unlocks
	})
}

func TestEscapeClosesADialog(t *testing.T) {
	s, p := unlocked(t)
	p.rows(2)
	before := p.shot("before-dialog")
	names := image.Rect(50, 60, 250, 250)
	// Delete asks first; Escape answers "no".
	s.key("Delete")
	p.waitTrace("dialog")
	p.until("delete-dialog", func(img image.Image) bool { return !sameRegion(before, img, names) },
		func() string { return "Delete showed no dialog over the list" })
	s.key("Escape")
	p.until("after-escape", func(img image.Image) bool { return sameRegion(before, img, names) },
		func() string { return "Escape did not close the dialog" })
	p.rows(2) // nothing was deleted
	from := time.Now()
	s.key("Return")
	s.checkCopied("alice@example.com", from)
}

func TestAltF4WithoutTrayQuits(t *testing.T) {
	t.Parallel()
	t.Run("no session bus", func(t *testing.T) { altF4Quits(t) })
	// A session bus but no StatusNotifier watcher on it (a bare window
	// manager, as most X sessions without a panel have).
	t.Run("bus without tray", func(t *testing.T) { altF4Quits(t, "DBUS_SESSION_BUS_ADDRESS="+privateBus(t)) })
}

func altF4Quits(t *testing.T, env ...string) {
	s, p := unlocked(t, env...)
	from := time.Now()
	s.key("Return")
	s.checkCopied("alice@example.com", from)
	// There is no tray host on this display's (missing) session bus: closing
	// the window must end the process, not hide it beyond reach.
	s.key("alt+F4")
	err, ok := p.waitExit(10 * time.Second)
	if !ok {
		t.Fatal("the process still runs 10 s after Alt+F4, with no tray to bring it back")
	}
	if err != nil {
		t.Fatalf("nidan exited with %v", err)
	}
	if c := s.clipboard(); c != "" {
		t.Fatalf("the clipboard still holds %q after quitting", c)
	}
}

func TestSecondLaunchRaisesTheFirst(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	s.addTOTP("Example", "alice@example.com", "JBSWY3DPEHPK3PXP")
	first := s.launch()
	w := first.waitWindow()
	s.xdo("windowminimize", "--sync", w)

	second := s.launch()
	err, ok := second.waitExit(15 * time.Second)
	if !ok {
		t.Fatal("a second launch keeps running beside the first")
	}
	if err != nil {
		t.Fatalf("the second launch exited with %v:\n%s", err, second.out.String())
	}
	if first.exited() {
		t.Fatal("the first instance ended")
	}
	waitFor(t, 10*time.Second, "the first window to come back", func() bool {
		out, _ := s.xdoOut("search", "--onlyvisible", "--name", "^Nidan$")
		act, _ := s.xdoOut("getactivewindow")
		return strings.Contains(out, w) && strings.TrimSpace(act) == w
	})
	// and it still works: unlock it.
	first.unlock()
}

func TestThemeSwitchKeepsCodesReadable(t *testing.T) {
	s, p := unlocked(t)
	// Each row's code and names must stand out from their background
	// (WCAG's 4.5:1 for text); white on white measures 1:1.
	check := func(name string) {
		t.Helper()
		var problems []string
		p.until(name, func(img image.Image) bool {
			problems = problems[:0]
			ys := rowCentres(img, logoX)
			if len(ys) != 2 {
				problems = append(problems, fmt.Sprintf("found %d rows", len(ys)))
			}
			w := img.Bounds().Dx()
			for i, y := range ys {
				if c := contrast(img, image.Rect(w-190, y-40, w-10, y)); c < 4.5 {
					problems = append(problems, fmt.Sprintf("row %d's code has contrast %.2f:1", i, c))
				}
				if c := contrast(img, image.Rect(logoX+25, y-40, logoX+200, y+40)); c < 4.5 {
					problems = append(problems, fmt.Sprintf("row %d's names have contrast %.2f:1", i, c))
				}
			}
			return len(problems) == 0
		}, func() string { return strings.Join(problems, "; ") })
	}
	check("list-dark")
	for _, variant := range []string{"light", "dark"} {
		s.key("ctrl+comma")
		p.waitTrace("screen settings")
		// The theme is the first control of Settings; Right goes to the
		// next choice: system → light, then light → dark.
		s.key("Tab", "Right")
		p.waitTrace("theme " + variant)
		s.key("Escape")
		p.waitTrace("screen list")
		check("list-" + variant)
	}
}

func TestJapaneseRenders(t *testing.T) {
	t.Parallel()
	s := newSession(t, "LANG=ja_JP.UTF-8")
	s.addTOTP("Example", "alice@example.com", "JBSWY3DPEHPK3PXP")
	p := s.launch()
	p.waitWindow()
	ja := p.shot("lock-ja")
	p.unlock()
	p.shot("list-ja")

	s2 := newSession(t)
	s2.addTOTP("Example", "alice@example.com", "JBSWY3DPEHPK3PXP")
	p2 := s2.launch()
	p2.waitWindow()
	en := p2.shot("lock-en")
	// The lock screen's sentence is in Japanese: the pixels differ from the
	// English one, and its ink is spread over glyphs, not empty boxes.
	text := image.Rect(40, 200, 440, 360)
	if sameRegion(ja, en, text) {
		t.Fatal("the Japanese lock screen looks like the English one")
	}
	if c := contrast(ja, text); c < 4.5 {
		t.Fatalf("the Japanese text has contrast %.2f", c)
	}
}

// A first copy that hangs (here stopped with SIGSTOP) cannot answer a
// second launch: the second says why in a window of its own instead of
// exiting without a word, opens no vault beside the first, and closes on
// Enter with exit status 1 and the reason on standard error.
func TestSecondLaunchBesideAHungFirst(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	first := s.launch()
	w := first.waitWindow()
	if err := first.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	defer first.cmd.Process.Signal(syscall.SIGCONT)

	second := s.launch("LANGUAGE=ja") // and the notice speaks the user's language
	second.waitTrace("other copy hung")
	waitFor(t, 20*time.Second, "the notice window", func() bool {
		out, _ := s.xdoOut("search", "--onlyvisible", "--name", "^Nidan$")
		for _, id := range strings.Fields(out) {
			if id != w {
				second.window = id
				return true
			}
		}
		return false
	})
	s.xdo("windowactivate", "--sync", second.window)
	second.shot("hung-first-notice")
	if strings.Contains(second.out.String(), "nidan-trace: ready") {
		t.Error("the second launch opened the app beside the hung first")
	}
	s.key("Return")
	err, ok := second.waitExit(15 * time.Second)
	if !ok {
		t.Fatal("Enter did not close the notice")
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("the second launch exited with %v, want status 1", err)
	}
	if !strings.Contains(second.out.String(), "does not respond") {
		t.Errorf("standard error does not say why:\n%s", second.out.String())
	}
	if first.exited() {
		t.Fatal("the first copy ended")
	}
}

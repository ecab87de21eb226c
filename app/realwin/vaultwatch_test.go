//go:build linux

package realwin

import (
	"fmt"
	"image"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// hotpKey is the RFC 4226 test key ("12345678901234567890") in base32.
const hotpKey = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

// hotp is the code oathtool computes for a counter: the reference the app's
// and the CLI's codes are checked against.
func (s *session) hotp(secret string, counter int) string {
	s.t.Helper()
	out, err := exec.Command("oathtool", "--hotp", "-b", "-c", fmt.Sprint(counter), secret).Output()
	if err != nil {
		s.t.Fatalf("oathtool: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// TestHOTPBesideTheCLI: with the app unlocked, `nidan code` shows (and so
// uses) an HOTP code. The app must take the file in at once: the row stops
// showing the used code without a click, an account the CLI adds appears,
// and a click copies the next unused code, never one the CLI handed out.
func TestHOTPBesideTheCLI(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	s.addTOTP("Example", "alice@example.com", "JBSWY3DPEHPK3PXP")
	s.cli("add", "otpauth://hotp/Bank:carol?secret="+hotpKey+"&issuer=Bank&counter=0")
	s.secrets["carol"] = hotpKey
	p := s.launch()
	p.waitWindow()
	p.unlock()
	ys := p.rows(2)
	// The HOTP row's code, right of the names; it changes only with the
	// counter (no countdown), which two shots a moment apart confirm.
	code := image.Rect(300, ys[1]-35, 470, ys[1]-5)
	before := p.shot("hotp-before-cli")
	time.Sleep(1500 * time.Millisecond)
	if !sameRegion(before, p.shot("hotp-still"), code) {
		t.Fatalf("the HOTP row's code region %v changes by itself; the test cannot see a reload there", code)
	}

	used := make(map[string]string) // code → who handed it out
	take := func(who, got string, counter int) {
		t.Helper()
		if want := s.hotp(hotpKey, counter); got != want {
			t.Fatalf("%s gave %q, want the code of counter %d, %q", who, got, counter, want)
		}
		if prev, ok := used[got]; ok {
			t.Fatalf("%s gave code %s, which %s already handed out", who, got, prev)
		}
		used[got] = who
	}

	take("nidan code (1st)", strings.TrimSpace(s.cli("code", "carol")), 0)
	p.until("hotp-after-cli", func(img image.Image) bool { return !sameRegion(before, img, code) },
		func() string { return "the row still shows the code the CLI used" })

	// An account the CLI adds meanwhile shows up as a third row.
	s.addTOTP("Test", "bob@example.org", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
	ys = p.rows(3)

	// A click on the HOTP row copies counter 1's code; the CLI then goes on
	// from counter 2.
	p.click(200, ys[1], 1)
	take("a click in the app", s.waitClipboard("an HOTP code", func(c string) bool { return len(c) == 6 }), 1)
	take("nidan code (2nd)", strings.TrimSpace(s.cli("code", "carol")), 2)
	// And the app, after that, offers counter 3 again without showing 2.
	from := strings.Count(p.out.String(), "nidan-trace: vault reloaded\n")
	waitFor(t, 20*time.Second, "the app to take in the CLI's second use", func() bool {
		return strings.Count(p.out.String(), "nidan-trace: vault reloaded\n") > from
	})
	first := s.hotp(hotpKey, 1)
	p.click(200, ys[1], 1)
	take("a second click in the app", s.waitClipboard("another HOTP code", func(c string) bool { return len(c) == 6 && c != first }), 3)
}

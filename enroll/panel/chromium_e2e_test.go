//go:build e2e

package panel

import (
	"strings"
	"testing"
	"time"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/scanner"
)

// TestChromiumEnrollment plays the seed's scenario in a real browser:
// sign in, open the settings, scan the QR code off a screenshot of the page
// with Nidan's scanner (as a user pointing Nidan at the screen would), type
// the authenticator's code to enable two-step login, sign out, sign in with
// ID, password and code; a replayed code and guesses are refused.
// Run with `make test-e2e`.
func TestChromiumEnrollment(t *testing.T) {
	f := newFixture(t, Options{})
	wd := startChromium(t)
	url := f.srv.URL

	signIn := func(id, pw, code string) {
		t.Helper()
		wd.open(url + "/")
		wd.typeInto("#id", id)
		wd.typeInto("#password", pw)
		if code != "" {
			wd.typeInto("#code", code)
		}
		wd.click("#signin")
	}

	signIn("alice", "correct horse", "")
	if got := wd.attr("#status", "data-enabled"); got != "false" {
		t.Fatalf("settings after password sign-in: data-enabled %q", got)
	}
	wd.click("#setup-start")
	if !wd.has("#qr") {
		t.Fatal("no QR code on the setup page")
	}

	// The authenticator scans the browser window.
	rs, err := scanner.Decode(wd.screenshot())
	if err != nil {
		t.Fatalf("scan the screenshot: %v", err)
	}
	acct, err := accounts.ParseURI(rs[0].Text)
	if err != nil {
		t.Fatalf("scanned %q: %v", rs[0].Text, err)
	}
	if acct.Issuer != "Panel Test" || acct.Name != "alice" {
		t.Errorf("scanned account %q / %q", acct.Issuer, acct.Name)
	}
	if key := wd.text("#setup-key"); key != accounts.GroupSecret(acct.Secret) {
		t.Errorf("setup key on the page %q does not match the QR code's secret", key)
	}
	code := func() string {
		c, err := acct.CodeAt(f.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		return c.Current
	}

	wd.typeInto("#enable-code", "000000")
	wd.click("#register")
	if msg := wd.text("#message"); !strings.Contains(msg, "not right") {
		t.Errorf("wrong code: message %q", msg)
	}
	wd.typeInto("#enable-code", code())
	wd.click("#register")
	if msg := wd.text("#message"); !strings.Contains(msg, "Two-step verification is on") {
		t.Fatalf("register: message %q", msg)
	}
	if got := wd.attr("#status", "data-enabled"); got != "true" {
		t.Fatalf("after register: data-enabled %q", got)
	}
	wd.click("#signout")

	// Password alone no longer signs in; password and code do, once.
	signIn("alice", "correct horse", "")
	if msg := wd.text("#message"); !strings.Contains(msg, generic) {
		t.Errorf("password only: message %q", msg)
	}
	f.clock.Add(30 * time.Second)
	c := code()
	signIn("alice", "correct horse", c)
	if who := wd.text("#user"); who != "alice" {
		t.Fatalf("sign-in with code: user %q", who)
	}
	wd.click("#signout")
	signIn("alice", "correct horse", c)
	if msg := wd.text("#message"); !strings.Contains(msg, generic) {
		t.Errorf("replayed code: message %q", msg)
	}
	// The fixture locks after three failures in a row (the replay was one).
	signIn("alice", "correct horse", "111111")
	signIn("alice", "correct horse", "222222")
	f.clock.Add(30 * time.Second)
	signIn("alice", "correct horse", code())
	if msg := wd.text("#message"); !strings.Contains(msg, "Too many failed sign-ins") {
		t.Errorf("after guesses: message %q", msg)
	}
}

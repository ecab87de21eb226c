package panel

import (
	"bytes"
	"encoding/base64"
	"html"
	"image/png"
	"io"
	"log"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/enroll"
	"github.com/nidan-auth/nidan/scanner"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type fixture struct {
	t     *testing.T
	svc   *enroll.Service
	clock *clock
	srv   *httptest.Server
}

func newFixture(t *testing.T, opts Options) *fixture {
	t.Helper()
	return newFixtureAudit(t, opts, nil)
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

func regexpAll(s, re string) []string {
	var out []string
	for _, m := range regexp.MustCompile(re).FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}

func newFixtureAudit(t *testing.T, opts Options, audit io.Writer) *fixture {
	t.Helper()
	st, err := enroll.OpenFileStore(filepath.Join(t.TempDir(), "enroll.json"))
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{t: time.Date(2026, 3, 1, 12, 0, 10, 0, time.UTC)}
	svc := enroll.NewService(st, enroll.Options{Issuer: "Panel Test", Now: c.Now, MaxFailures: 3, Audit: audit,
		Password: enroll.PasswordParams{Time: 1, Memory: 64, Threads: 1}})
	if err := svc.AddUser("alice", []byte("correct horse")); err != nil {
		t.Fatal(err)
	}
	opts.ErrorLog = log.New(io.Discard, "", 0)
	srv := httptest.NewServer(New(svc, opts))
	t.Cleanup(srv.Close)
	return &fixture{t: t, svc: svc, clock: c, srv: srv}
}

// browser is a cookie-keeping client that remembers the last page.
type browser struct {
	f      *fixture
	c      *http.Client
	page   string
	status int
}

func (f *fixture) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{f: f, c: &http.Client{Jar: jar}}
}

func (b *browser) get(path string) {
	b.f.t.Helper()
	resp, err := b.c.Get(b.f.srv.URL + path)
	b.read(resp, err)
}

func (b *browser) post(path string, form url.Values) {
	b.f.t.Helper()
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", b.find(`name="csrf" value="([^"]*)"`))
	}
	resp, err := b.c.PostForm(b.f.srv.URL+path, form)
	b.read(resp, err)
}

func (b *browser) read(resp *http.Response, err error) {
	b.f.t.Helper()
	if err != nil {
		b.f.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	b.page, b.status = string(body), resp.StatusCode
}

func (b *browser) find(re string) string {
	b.f.t.Helper()
	m := regexp.MustCompile(re).FindStringSubmatch(b.page)
	if m == nil {
		b.f.t.Fatalf("page (status %d) has no %s:\n%s", b.status, re, b.page)
	}
	return html.UnescapeString(m[1])
}

func (b *browser) expect(status int, text string) {
	b.f.t.Helper()
	if b.status != status || !strings.Contains(b.page, text) {
		b.f.t.Fatalf("got status %d, want %d with %q; page:\n%s", b.status, status, text, b.page)
	}
}

func (b *browser) login(id, pw, code string) {
	b.f.t.Helper()
	b.get("/")
	b.post("/login", url.Values{"id": {id}, "password": {pw}, "code": {code}})
}

// scanQR decodes the page's QR image the way the authenticator would.
func (b *browser) scanQR() accounts.Account {
	b.f.t.Helper()
	data := b.find(`id="qr" src="data:image/png;base64,([^"]*)"`)
	raw, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		b.f.t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		b.f.t.Fatal(err)
	}
	rs, err := scanner.Decode(img)
	if err != nil {
		b.f.t.Fatalf("scan QR: %v", err)
	}
	a, err := accounts.ParseURI(rs[0].Text)
	if err != nil {
		b.f.t.Fatal(err)
	}
	return a
}

func code(t *testing.T, a accounts.Account, at time.Time) string {
	t.Helper()
	c, err := a.CodeAt(at)
	if err != nil {
		t.Fatal(err)
	}
	return c.Current
}

const generic = "the ID, password or code is wrong"

func TestPanelFlow(t *testing.T) {
	f := newFixture(t, Options{})
	b := f.browser()
	b.get("/")
	b.expect(http.StatusOK, `<form id="login"`)

	for _, bad := range [][2]string{{"alice", "wrong"}, {"mallory", "correct horse"}} {
		b.login(bad[0], bad[1], "")
		b.expect(http.StatusUnauthorized, generic)
	}
	// Password only: alice has no second factor yet.
	b.login("alice", "correct horse", "")
	b.expect(http.StatusOK, `data-enabled="false"`)
	b.post("/settings/begin", url.Values{})
	b.expect(http.StatusOK, `id="setup-key"`)
	a := b.scanQR()
	if a.Issuer != "Panel Test" || a.Name != "alice" {
		t.Errorf("QR account %q / %q", a.Issuer, a.Name)
	}
	if key := b.find(`id="setup-key">([^<]*)<`); key != accounts.GroupSecret(a.Secret) {
		t.Errorf("setup key %q does not match the QR's secret", key)
	}
	// Reloading shows the same key; "new key" replaces it.
	b.get("/settings")
	if again := b.scanQR(); !again.SameKey(&a) {
		t.Error("reload changed the key")
	}
	b.post("/settings/begin", url.Values{})
	if again := b.scanQR(); again.SameKey(&a) {
		t.Error("new key kept the secret")
	}
	a = b.scanQR()

	b.post("/settings/enable", url.Values{"code": {"000000"}})
	b.expect(http.StatusOK, "That code is not right")
	b.expect(http.StatusOK, `data-enabled="false"`)
	b.post("/settings/enable", url.Values{"code": {code(t, a, f.clock.Now())}})
	b.expect(http.StatusOK, "Two-step verification is on")
	b.expect(http.StatusOK, `data-enabled="true"`)
	if strings.Contains(b.page, `id="qr"`) {
		t.Error("QR still shown after enabling")
	}
	b.post("/logout", url.Values{})
	b.expect(http.StatusOK, `<form id="login"`)
	b.get("/settings")
	b.expect(http.StatusOK, `<form id="login"`) // redirected: signed out

	// Now the code is required, works once, and guesses lock out.
	b.login("alice", "correct horse", "")
	b.expect(http.StatusUnauthorized, generic)
	f.clock.Add(30 * time.Second)
	c := code(t, a, f.clock.Now())
	b.login("alice", "correct horse", c)
	b.expect(http.StatusOK, "with a code")
	b2 := f.browser()
	b2.login("alice", "correct horse", c)
	b2.expect(http.StatusUnauthorized, generic)
	b2.login("alice", "correct horse", "123456")
	b2.expect(http.StatusUnauthorized, generic)
	b2.login("alice", "wrong", "123456") // third failure in a row: locks
	b2.expect(http.StatusUnauthorized, generic)
	f.clock.Add(30 * time.Second)
	b2.login("alice", "correct horse", code(t, a, f.clock.Now()))
	b2.expect(http.StatusTooManyRequests, "Too many failed sign-ins")
}

func TestPanelCSRFAndCookies(t *testing.T) {
	f := newFixture(t, Options{})
	b := f.browser()
	b.get("/")
	u, _ := url.Parse(f.srv.URL)
	before := b.c.Jar.Cookies(u)
	if len(before) != 1 {
		t.Fatalf("cookies %v", before)
	}

	// The raw Set-Cookie carries the flags.
	resp, err := http.Get(f.srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	sc := resp.Header.Get("Set-Cookie")
	for _, want := range []string{"HttpOnly", "SameSite=Strict", "Path=/"} {
		if !strings.Contains(sc, want) {
			t.Errorf("Set-Cookie %q lacks %s", sc, want)
		}
	}
	if strings.Contains(sc, "Secure") {
		t.Errorf("Set-Cookie %q: Secure on plain HTTP without SecureCookies", sc)
	}
	for k, want := range map[string]string{"Content-Security-Policy": "frame-ancestors 'none'",
		"X-Frame-Options": "DENY", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"} {
		if !strings.Contains(resp.Header.Get(k), want) {
			t.Errorf("%s = %q, want %q", k, resp.Header.Get(k), want)
		}
	}

	form := url.Values{"id": {"alice"}, "password": {"correct horse"}}
	// No token, a wrong token, a foreign Origin, no session: all refused,
	// and none of them counts as a login attempt.
	form.Set("csrf", "")
	b.post("/login", form)
	b.expect(http.StatusForbidden, "out of date")
	form.Set("csrf", "forged")
	b.post("/login", form)
	b.expect(http.StatusForbidden, "out of date")
	form.Del("csrf")
	b.get("/")
	req, _ := http.NewRequest("POST", f.srv.URL+"/login", strings.NewReader(url.Values{
		"id": {"alice"}, "password": {"correct horse"}, "csrf": {b.find(`name="csrf" value="([^"]*)"`)}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "http://evil.example")
	b.read(b.c.Do(req))
	b.expect(http.StatusForbidden, "another site")
	fresh := f.browser()
	fresh.post("/login", url.Values{"csrf": {"x"}, "id": {"alice"}, "password": {"correct horse"}})
	fresh.expect(http.StatusForbidden, "session has expired")
	fresh.post("/settings/begin", url.Values{"csrf": {"x"}})
	fresh.expect(http.StatusOK, `<form id="login"`) // never signed in: to the sign-in page
	if u, _ := f.svc.User("alice"); u.Failures != 0 || u.Pending {
		t.Errorf("refused requests changed alice: %+v", u)
	}

	// Signing in issues a new session ID.
	b.login("alice", "correct horse", "")
	b.expect(http.StatusOK, "Signed in as")
	after := b.c.Jar.Cookies(u)
	if len(after) != 1 || after[0].Value == before[0].Value {
		t.Errorf("session ID not renewed at sign-in")
	}
	// Anonymous sessions cannot reach the settings actions.
	anon := f.browser()
	anon.get("/")
	anon.post("/settings/begin", url.Values{})
	anon.expect(http.StatusOK, `<form id="login"`)
	if u, _ := f.svc.User("alice"); u.Pending {
		t.Error("an anonymous session began an enrollment")
	}
}

func TestPanelSecureCookies(t *testing.T) {
	f := newFixture(t, Options{SecureCookies: true})
	resp, err := http.Get(f.srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if sc := resp.Header.Get("Set-Cookie"); !strings.Contains(sc, "Secure") {
		t.Errorf("Set-Cookie %q lacks Secure", sc)
	}
	tls := httptest.NewTLSServer(New(f.svc, Options{}))
	defer tls.Close()
	resp, err = tls.Client().Get(tls.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if sc := resp.Header.Get("Set-Cookie"); !strings.Contains(sc, "Secure") {
		t.Errorf("over TLS: Set-Cookie %q lacks Secure", sc)
	}
}

// TestPanelSessionLimit: anonymous requests store no session, and one user
// signing in again and again only pushes out their own oldest sessions.
func TestPanelSessionLimit(t *testing.T) {
	f := newFixture(t, Options{MaxSessions: 3})
	if err := f.svc.AddUser("bob", []byte("pw")); err != nil {
		t.Fatal(err)
	}
	p := New(f.svc, Options{MaxSessions: 3})
	for range 10 {
		rec := httptest.NewRecorder()
		p.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	}
	bob := f.browser()
	bob.login("bob", "pw", "")
	var browsers []*browser
	for range 5 {
		b := f.browser()
		b.login("alice", "correct horse", "")
		b.expect(http.StatusOK, "Signed in as")
		browsers = append(browsers, b)
	}
	if list, err := f.svc.Store().UserSessions("alice", time.Now()); err != nil || len(list) != 3 {
		t.Errorf("alice has %d sessions (%v), limit 3", len(list), err)
	}
	browsers[0].get("/settings")
	browsers[0].expect(http.StatusOK, `<form id="login"`)
	browsers[4].get("/settings")
	browsers[4].expect(http.StatusOK, "Signed in as")
	bob.get("/settings")
	bob.expect(http.StatusOK, "Signed in as")
}

// TestPanelSharedSessions: two panels on one store share sessions: a
// sign-in form from B posted to A signs in; the browser goes on on B; signing out on B ends it on A; turning
// two-step verification off on B ends the user's other sessions everywhere
// and keeps the browser that did it signed in.
func TestPanelSharedSessions(t *testing.T) {
	f := newFixture(t, Options{})
	srvB := httptest.NewServer(New(f.svc, Options{ErrorLog: log.New(io.Discard, "", 0)}))
	defer srvB.Close()
	onB := func(b *browser) *browser {
		return &browser{f: &fixture{t: t, svc: f.svc, clock: f.clock, srv: srvB}, c: b.c}
	}

	a := f.browser()
	b := onB(a) // the same browser (cookie jar), the other instance
	b.get("/")  // the sign-in form from B, posted to A
	a.post("/login", url.Values{"csrf": {b.find(`name="csrf" value="([^"]*)"`)}, "id": {"alice"}, "password": {"correct horse"}})
	a.expect(http.StatusOK, "Signed in as")
	b.get("/settings")
	b.expect(http.StatusOK, "Signed in as")
	b.post("/logout", url.Values{})
	b.expect(http.StatusOK, `<form id="login"`)
	a.get("/settings")
	a.expect(http.StatusOK, `<form id="login"`)

	// Enable on A, then a second browser signs in on A; the first turns
	// 2FA off on B.
	a.login("alice", "correct horse", "")
	a.post("/settings/begin", url.Values{})
	acct := a.scanQR()
	a.post("/settings/enable", url.Values{"code": {code(t, acct, f.clock.Now())}})
	a.expect(http.StatusOK, "Two-step verification is on")
	f.clock.Add(30 * time.Second)
	other := f.browser()
	other.login("alice", "correct horse", code(t, acct, f.clock.Now()))
	other.expect(http.StatusOK, "with a code")
	f.clock.Add(30 * time.Second)
	b = onB(a)
	b.get("/settings")
	b.post("/settings/disable", url.Values{"code": {code(t, acct, f.clock.Now())}})
	b.expect(http.StatusOK, `data-enabled="false"`)
	b.expect(http.StatusOK, "Two-step verification is off.")
	a.get("/settings")
	a.expect(http.StatusOK, "Signed in as")
	if strings.Contains(a.page, "Two-step verification is off.") {
		t.Error("the one-time message showed twice")
	}
	other.get("/settings")
	other.expect(http.StatusOK, `<form id="login"`)
}

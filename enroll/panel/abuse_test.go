package panel

import (
	"bytes"
	"encoding/json"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nidan-auth/nidan/enroll"
)

// TestPanelHosts: with an allowlist, a request naming another host (a DNS
// rebinding page: Host and Origin both evil.example) gets nothing.
func TestPanelHosts(t *testing.T) {
	f := newFixture(t, Options{})
	u, _ := url.Parse(f.srv.URL)
	p := New(f.svc, Options{Hosts: []string{u.Host, "panel.example:8443"}, ErrorLog: log.New(io.Discard, "", 0)})
	srv := httptest.NewServer(p)
	defer srv.Close()
	do := func(method, host, origin string, body io.Reader) (int, string) {
		req, _ := http.NewRequest(method, srv.URL+"/", body)
		if method == "POST" {
			req.URL.Path = "/login"
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		req.Host = host
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, h := range []string{"evil.example:" + u.Port(), "evil.example", "panel.example"} {
		if st, body := do("GET", h, "http://"+h, nil); st != http.StatusMisdirectedRequest || strings.Contains(body, "csrf") {
			t.Errorf("GET with Host %s: %d %q", h, st, body)
		}
		if st, _ := do("POST", h, "http://"+h, strings.NewReader("id=alice&password=correct+horse")); st != http.StatusMisdirectedRequest {
			t.Errorf("POST with Host %s: %d", h, st)
		}
	}
	for _, h := range []string{u.Host, "PANEL.example:8443"} {
		if st, body := do("GET", h, "", nil); st != http.StatusOK || !strings.Contains(body, `id="login"`) {
			t.Errorf("GET with allowed Host %s: %d", h, st)
		}
	}
	if st, _ := do("POST", u.Host, "http://evil.example", strings.NewReader("id=alice")); st != http.StatusForbidden {
		t.Errorf("allowed Host, foreign Origin: %d", st)
	}
}

// TestPanelKeepsID: a refused sign-in shows the form again with the ID
// filled in (and the password empty, focused).
func TestPanelKeepsID(t *testing.T) {
	f := newFixture(t, Options{})
	b := f.browser()
	b.login("alice", "wrong", "")
	b.expect(http.StatusUnauthorized, generic)
	if !strings.Contains(b.page, `value="alice"`) || !strings.Contains(b.page, `maxlength="1024" autofocus`) {
		t.Errorf("refused sign-in lost the ID:\n%s", b.page)
	}
	if strings.Contains(b.page, "correct horse") || strings.Contains(b.page, `value="wrong"`) {
		t.Error("the password came back in the page")
	}
}

// TestPanelAnonymousCannotEvict: anonymous visitors keep nothing on the
// server, so a flood of them leaves signed-in sessions alone.
func TestPanelAnonymousCannotEvict(t *testing.T) {
	f := newFixture(t, Options{MaxSessions: 2})
	p := New(f.svc, Options{MaxSessions: 2, ErrorLog: log.New(io.Discard, "", 0)})
	srv := httptest.NewServer(p)
	defer srv.Close()
	b := &browser{f: &fixture{t: t, svc: f.svc, clock: f.clock, srv: srv}, c: f.browser().c}
	b.login("alice", "correct horse", "")
	b.expect(http.StatusOK, "Signed in as")
	for i := range 500 {
		resp, err := http.Get(srv.URL + "/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if i%50 == 0 { // a failed sign-in with its own form cookie
			anon := &browser{f: b.f, c: f.browser().c}
			anon.login("mallory", "x", "")
		}
	}
	for user, want := range map[string]int{"alice": 1, "mallory": 0} {
		if list, err := f.svc.Store().UserSessions(user, time.Now()); err != nil || len(list) != want {
			t.Errorf("%d sessions of %s after anonymous traffic (%v), want %d", len(list), user, err, want)
		}
	}
	b.get("/settings")
	b.expect(http.StatusOK, "Signed in as")
}

// TestPanelBusy: when every password-check slot is taken for longer than
// HashWait, a sign-in gets 503 with Retry-After, quickly, and is not counted.
func TestPanelBusy(t *testing.T) {
	st, err := enroll.OpenFileStore(filepath.Join(t.TempDir(), "enroll.json"))
	if err != nil {
		t.Fatal(err)
	}
	svc := enroll.NewService(st, enroll.Options{Issuer: "Busy", HashConcurrency: 1, HashWait: time.Millisecond,
		Password: enroll.PasswordParams{Time: 2, Memory: 16 << 10, Threads: 1}})
	if err := svc.AddUser("alice", []byte("correct horse")); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(New(svc, Options{ErrorLog: log.New(io.Discard, "", 0)}))
	defer srv.Close()
	f := &fixture{t: t, svc: svc, srv: srv}
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	retry := ""
	startGun := make(chan struct{})
	for range 8 {
		b := f.browser()
		b.get("/")
		csrf := b.find(`name="csrf" value="([^"]*)"`)
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-startGun // all at once, so that they overlap even on a slow machine
			resp, err := b.c.PostForm(srv.URL+"/login", url.Values{"csrf": {csrf}, "id": {"alice"}, "password": {"wrong"}})
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			mu.Lock()
			statuses[resp.StatusCode]++
			if resp.StatusCode == http.StatusServiceUnavailable {
				retry = resp.Header.Get("Retry-After")
			}
			mu.Unlock()
		}()
	}
	close(startGun)
	wg.Wait()
	if statuses[http.StatusServiceUnavailable] == 0 || retry == "" {
		t.Errorf("statuses %v, Retry-After %q: want some 503s with Retry-After", statuses, retry)
	}
	if u, _ := svc.User("alice"); u.Failures != statuses[http.StatusUnauthorized]%5 && u.LockedUntil.IsZero() {
		t.Errorf("failures %d, but %d attempts were checked", u.Failures, statuses[http.StatusUnauthorized])
	}
}

// TestPanelRecoveryAndAudit: enabling shows ten recovery codes once; one
// signs in once; the audit log has the events as JSON lines.
func TestPanelRecoveryAndAudit(t *testing.T) {
	var audit bytes.Buffer
	var amu sync.Mutex
	f := newFixtureAudit(t, Options{}, &lockedWriter{w: &audit, mu: &amu})
	b := f.browser()
	b.login("alice", "correct horse", "")
	b.post("/settings/begin", url.Values{})
	a := b.scanQR()
	b.post("/settings/enable", url.Values{"code": {code(t, a, f.clock.Now())}})
	b.expect(http.StatusOK, "Two-step verification is on")
	codes := regexpAll(b.page, `<li><code>([a-z2-7-]{19})</code></li>`)
	if len(codes) != enroll.RecoveryCodes {
		t.Fatalf("%d recovery codes shown:\n%s", len(codes), b.page)
	}
	b.get("/settings")
	if strings.Contains(b.page, codes[0]) {
		t.Error("recovery codes shown a second time")
	}
	b.expect(http.StatusOK, "Unused recovery codes: 10")
	b.post("/logout", url.Values{})

	b.login("alice", "correct horse", strings.ToUpper(codes[3]))
	b.expect(http.StatusOK, "recovery code; 9 left")
	b.post("/logout", url.Values{})
	b.login("alice", "correct horse", codes[3])
	b.expect(http.StatusUnauthorized, generic)

	amu.Lock()
	defer amu.Unlock()
	events := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(audit.String()), "\n") {
		var e enroll.AuditEvent
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("audit line %q: %v", line, err)
		}
		events[e.Event]++
		if e.Event == "signin_failure" && (e.User != "alice" || e.Reason != "bad_recovery_code" || e.Addr != "127.0.0.1") {
			t.Errorf("failure event %+v", e)
		}
	}
	if events["enable"] != 1 || events["recovery_used"] != 1 || events["signin_failure"] != 1 {
		t.Errorf("audit events %v\n%s", events, audit.String())
	}
}

// TestPanelLanguages: Accept-Language picks Japanese, with the seed's
// words; ?lang= switches and is remembered.
func TestPanelLanguages(t *testing.T) {
	f := newFixture(t, Options{})
	b := f.browser()
	get := func(path, accept string) {
		req, _ := http.NewRequest("GET", f.srv.URL+path, nil)
		if accept != "" {
			req.Header.Set("Accept-Language", accept)
		}
		b.read(b.c.Do(req))
	}
	get("/", "ja,en-US;q=0.8")
	b.expect(http.StatusOK, `<html lang="ja">`)
	b.expect(http.StatusOK, "ワンタイムパスワード")
	get("/", "en-GB,en;q=0.9,ja;q=0.5")
	b.expect(http.StatusOK, `<html lang="en">`)
	get("/?lang=ja", "en")
	b.expect(http.StatusOK, `<html lang="ja">`)
	get("/", "en") // remembered
	b.expect(http.StatusOK, `<html lang="ja">`)
	b.post("/login", url.Values{"id": {"alice"}, "password": {"correct horse"}})
	b.expect(http.StatusOK, "二要素認証設定")
	b.post("/settings/begin", url.Values{})
	b.expect(http.StatusOK, "初期設定用認証キー")
	b.expect(http.StatusOK, "登録して有効化する")
	a := b.scanQR()
	b.post("/settings/enable", url.Values{"code": {code(t, a, f.clock.Now())}})
	b.expect(http.StatusOK, "二要素認証が有効になっています")
	for _, tt := range []struct{ header, want string }{
		{"", "en"}, {"ja", "ja"}, {"ja-JP", "ja"}, {"fr, ja;q=0.1", "ja"}, {"ja;q=0.2, en;q=0.9", "en"},
		{"de", "en"}, {"ja;q=bogus, en", "en"}, {"*", "en"},
	} {
		if got := acceptLanguage(tt.header); got != tt.want {
			t.Errorf("acceptLanguage(%q) = %q, want %q", tt.header, got, tt.want)
		}
	}
}

// FuzzAcceptLanguage: any header picks a supported language.
func FuzzAcceptLanguage(f *testing.F) {
	for _, s := range []string{"ja,en;q=0.8", "en-GB", "*;q=0", "ja;q=x", ",,,;;;q=", strings.Repeat("ja,", 100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		if l := acceptLanguage(h); catalog[l] == nil {
			t.Errorf("acceptLanguage(%q) = %q", h, l)
		}
	})
}

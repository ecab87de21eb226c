//go:build load

package enrollload

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/enroll"
	"github.com/nidan-auth/nidan/internal/pgtest"
)

// nidan builds the real binary once per test run.
var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

func nidan(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		root, err := exec.Command("go", "env", "GOMOD").Output()
		if err != nil {
			buildErr = err
			return
		}
		dir, err := os.MkdirTemp("", "nidan-load-bin-*")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "nidan")
		cmd := exec.Command("go", "build", "-tags", "migrated_fynedo", "-o", binPath, ".")
		cmd.Dir = filepath.Dir(strings.TrimSpace(string(root)))
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// panelProc is one running `nidan enroll serve`.
type panelProc struct {
	url string
	cmd *exec.Cmd
}

var listening = regexp.MustCompile(`enrollment panel on (http://\S+)/`)

// serve starts `nidan enroll serve` on a random loopback port and stops it
// (SIGTERM, then SIGKILL) when the test ends.
func serve(t *testing.T, env []string, args ...string) *panelProc {
	t.Helper()
	cmd := exec.Command(nidan(t), append([]string{"enroll", "serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &panelProc{cmd: cmd}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("serve stderr:\n%s", stderr.String())
		}
	})
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				lines <- m[1]
			}
		}
		_, _ = io.Copy(io.Discard, out)
	}()
	select {
	case p.url = <-lines:
	case <-time.After(60 * time.Second):
		t.Fatalf("nidan enroll serve did not start:\n%s", stderr.String())
	}
	return p
}

// peakRSS is the process's high-water resident set (VmHWM), in MiB.
func (p *panelProc) peakRSS(t *testing.T) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`VmHWM:\s+(\d+) kB`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("no VmHWM in /proc/PID/status")
	}
	kb, _ := strconv.Atoi(string(m[1]))
	return float64(kb) / 1024
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]*)"`)

// client is one browser: it loads the sign-in form, then can post it.
type client struct {
	c    *http.Client
	base string
	csrf string
}

func newClient(t *testing.T, base string) *client {
	jar, _ := cookiejar.New(nil)
	c := &client{base: base, c: &http.Client{Jar: jar, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	resp, err := c.c.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfRE.FindSubmatch(body)
	if m == nil {
		t.Fatalf("no sign-in form: %d %s", resp.StatusCode, body)
	}
	c.csrf = string(m[1])
	return c
}

// login posts the form; it reports the status (303 = signed in).
func (c *client) login(id, pw, code string) (int, error) {
	resp, err := c.c.PostForm(c.base+"/login", url.Values{"csrf": {c.csrf}, "id": {id}, "password": {pw}, "code": {code}})
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

// TestTwoPanelsOnePostgres: two serve processes on one PostgreSQL; 500
// concurrent sign-ins with one valid code, spread over both: exactly one
// is accepted. Lockouts are raised out of the way so that every attempt
// reaches the replay guard, and passwords are cheap to check so that they
// all arrive at once.
func TestTwoPanelsOnePostgres(t *testing.T) {
	pg := pgtest.Start(t, "max_connections=300")
	dbURL := pg.CreateDB(t)
	keyFile := filepath.Join(t.TempDir(), "enroll.key")
	if err := enroll.CreateKeyFile(keyFile); err != nil {
		t.Fatal(err)
	}
	key, err := enroll.KeySource{File: keyFile}.Key()
	if err != nil {
		t.Fatal(err)
	}
	st, err := enroll.OpenPostgres(dbURL, key)
	if err != nil {
		t.Fatal(err)
	}
	svc := enroll.NewService(st, enroll.Options{Issuer: "Load", Password: enroll.PasswordParams{Time: 1, Memory: 64, Threads: 1}})
	if err := svc.AddUser("alice", []byte("pw")); err != nil {
		t.Fatal(err)
	}
	e, err := svc.Begin("alice")
	if err != nil {
		t.Fatal(err)
	}
	a := e.Factor.OTPAccount()
	first, _ := a.CodeAt(time.Now().Add(-30 * time.Second)) // enable with the previous step's code
	if err := svc.Confirm("alice", first.Current); err != nil {
		t.Fatal(err)
	}
	st.Close()

	args := []string{"--enroll-store", dbURL, "--enroll-key", keyFile, "--max-failures", "100000",
		"--addr-max-failures", "100000", "--hash-concurrency", "64"}
	panels := []*panelProc{serve(t, nil, args...), serve(t, nil, args...)}
	const n = 500
	clients := make([]*client, n)
	for i := range clients {
		clients[i] = newClient(t, panels[i%2].url)
	}
	now, _ := a.CodeAt(time.Now())
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	acceptedBy := map[string]int{}
	startGun := make(chan struct{})
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-startGun
			st, err := c.login("alice", "pw", now.Current)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Error(err)
				return
			}
			statuses[st]++
			if st == http.StatusSeeOther {
				acceptedBy[panels[i%2].url]++
			}
		}()
	}
	t0 := time.Now()
	close(startGun)
	wg.Wait()
	t.Logf("%d concurrent sign-ins with one code over two panels in %s: statuses %v, accepted by %v",
		n, time.Since(t0).Round(time.Millisecond), statuses, acceptedBy)
	// 503 (the password-check queue full on a loaded machine) is a refusal
	// too; it is logged above so that a run where few attempts reached the
	// replay guard shows.
	if statuses[http.StatusSeeOther] != 1 || statuses[http.StatusUnauthorized]+statuses[http.StatusServiceUnavailable] != n-1 {
		t.Errorf("want exactly 1 accepted and %d refused", n-1)
	}
	if statuses[http.StatusUnauthorized] < n/2 {
		t.Errorf("only %d attempts reached the replay guard", statuses[http.StatusUnauthorized])
	}
	sharedSessions(t, panels[0], panels[1], &a)
}

var userRE = regexp.MustCompile(`id="user">([^<]*)<`)

// sharedSessions: a browser signs in on panel A (with the form B gave it);
// the same cookie opens the settings on panel B (no sticky sessions
// needed); signing out on B ends the session on A too.
func sharedSessions(t *testing.T, pa, pb *panelProc, a *accounts.Account) {
	c := newClient(t, pb.url)                             // the sign-in form from B…
	c.base = pa.url                                       // …posted to A: no sticky sessions either
	next, _ := a.CodeAt(time.Now().Add(30 * time.Second)) // the step after the one spent above
	if st, err := c.login("alice", "pw", next.Current); err != nil || st != http.StatusSeeOther {
		t.Fatalf("sign in on A with B's form: %d %v", st, err)
	}
	var cookie *http.Cookie
	u, _ := url.Parse(pa.url)
	for _, k := range c.c.Jar.Cookies(u) {
		if k.Name == "nidan_session" {
			cookie = k
		}
	}
	if cookie == nil {
		t.Fatal("no session cookie from A")
	}
	// A fresh client holding only that cookie: what a load balancer's
	// next hop sees.
	do := func(method, base, path string, form url.Values) (int, string) {
		t.Helper()
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, err := http.NewRequest(method, base+path, body)
		if err != nil {
			t.Fatal(err)
		}
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		req.AddCookie(&http.Cookie{Name: cookie.Name, Value: cookie.Value})
		resp, err := (&http.Client{Timeout: 30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, p := range []*panelProc{pa, pb} {
		st, page := do("GET", p.url, "/settings", nil)
		if m := userRE.FindStringSubmatch(page); st != http.StatusOK || m == nil || m[1] != "alice" {
			t.Fatalf("settings on %s with A's session: %d\n%s", p.url, st, page)
		}
	}
	_, page := do("GET", pb.url, "/settings", nil)
	m := csrfRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no CSRF token on B's settings page")
	}
	if st, _ := do("POST", pb.url, "/logout", url.Values{"csrf": {m[1]}}); st != http.StatusSeeOther {
		t.Fatalf("sign out on B: %d", st)
	}
	for _, p := range []*panelProc{pa, pb} {
		if st, page := do("GET", p.url, "/settings", nil); st != http.StatusSeeOther || userRE.MatchString(page) {
			t.Errorf("settings on %s after signing out on B: %d, want 303 to the sign-in form", p.url, st)
		}
	}
	t.Logf("session made on %s used on %s, signed out there, refused on both", pa.url, pb.url)
}

// TestUnknownUserFlood: 200 concurrent sign-ins for unknown IDs against one
// panel with the real password cost (argon2id, 64 MiB): every request is
// answered within 5 s (refused, or 503 when the password-check queue is
// full) and the process stays under 400 MB.
func TestUnknownUserFlood(t *testing.T) {
	dir := t.TempDir()
	p := serve(t, []string{"NIDAN_ENROLL_STORE=sqlite:" + filepath.Join(dir, "enroll.db")},
		"--addr-max-failures", "100000")
	const n = 200
	clients := make([]*client, n)
	for i := range clients {
		clients[i] = newClient(t, p.url)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	var slowest time.Duration
	startGun := make(chan struct{})
	for _, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := make([]byte, 8)
			_, _ = rand.Read(b)
			<-startGun
			t0 := time.Now()
			st, err := c.login("nobody-"+hex.EncodeToString(b), "guess", "123456")
			d := time.Since(t0)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Error(err)
				return
			}
			statuses[st]++
			slowest = max(slowest, d)
		}()
	}
	close(startGun)
	wg.Wait()
	rss := p.peakRSS(t)
	t.Logf("%d concurrent unknown-user sign-ins: statuses %v, slowest answer %s, peak RSS %.0f MiB",
		n, statuses, slowest.Round(time.Millisecond), rss)
	if slowest > 5*time.Second {
		t.Errorf("slowest answer %s, want ≤ 5 s", slowest)
	}
	if rss >= 400 {
		t.Errorf("peak RSS %.0f MiB, want < 400", rss)
	}
	if statuses[http.StatusUnauthorized]+statuses[http.StatusServiceUnavailable] != n {
		t.Errorf("statuses %v: want only 401 and 503", statuses)
	}
}

// TestAnonymousFloodKeepsSession: 10 000 anonymous requests (form loads and
// failed sign-ins from fresh browsers) leave a signed-in session alone.
func TestAnonymousFloodKeepsSession(t *testing.T) {
	dir := t.TempDir()
	env := []string{"NIDAN_ENROLL_STORE=sqlite:" + filepath.Join(dir, "enroll.db"), "NIDAN_ENROLL_PASSWORD=correct horse"}
	add := exec.Command(nidan(t), "enroll", "user", "add", "alice")
	add.Env = append(os.Environ(), env...)
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	p := serve(t, env, "--addr-max-failures", "100000")
	alice := newClient(t, p.url)
	if st, err := alice.login("alice", "correct horse", ""); err != nil || st != http.StatusSeeOther {
		t.Fatalf("sign in: %d %v", st, err)
	}
	settings := func() int {
		resp, err := alice.c.Get(p.url + "/settings")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := settings(); st != http.StatusOK {
		t.Fatalf("settings after sign-in: %d", st)
	}
	const n, workers = 10000, 16
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	t0 := time.Now()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			for i := w; i < n; i += workers {
				req, _ := http.NewRequestWithContext(ctx, "GET", p.url+"/", nil)
				if i%100 == 0 { // now and then a failed sign-in, no cookie kept
					req, _ = http.NewRequestWithContext(ctx, "POST", p.url+"/login",
						strings.NewReader(url.Values{"id": {"x"}, "password": {"y"}}.Encode()))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				}
				resp, err := hc.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				mu.Lock()
				statuses[resp.StatusCode]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	t.Logf("%d anonymous requests in %s: statuses %v; peak RSS %.0f MiB", n, time.Since(t0).Round(time.Millisecond), statuses, p.peakRSS(t))
	if st := settings(); st != http.StatusOK {
		t.Errorf("signed-in session after the flood: settings answered %d, want 200", st)
	}
}

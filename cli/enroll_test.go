package cli

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/enroll"
	"github.com/nidan-auth/nidan/internal/fsmode"
	"github.com/nidan-auth/nidan/internal/lockedbuf"
)

// enrollTest runs enroll commands in-process against one store with a
// cheap password hash and a settable clock.
type enrollTest struct {
	t     *testing.T
	store string
	env   map[string]string
	now   time.Time
}

func newEnrollTest(t *testing.T) *enrollTest {
	et := &enrollTest{t: t, store: filepath.Join(t.TempDir(), "enroll.json"),
		now: time.Date(2026, 3, 1, 12, 0, 10, 0, time.UTC)}
	et.env = map[string]string{"NIDAN_ENROLL_STORE": et.store, "NIDAN_ENROLL_PASSWORD": "s3cret"}
	return et
}

func (et *enrollTest) options() enroll.Options {
	return enroll.Options{Password: enroll.PasswordParams{Time: 1, Memory: 64, Threads: 1},
		Now: func() time.Time { return et.now }}
}

func (et *enrollTest) run(stdin string, args ...string) (status int, stdout, stderr string) {
	var out, errb bytes.Buffer
	status = Run(&Env{Args: args, Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return et.env[k] }, EnrollOptions: et.options()})
	return status, out.String(), errb.String()
}

func (et *enrollTest) must(args ...string) string {
	et.t.Helper()
	st, out, errs := et.run("", args...)
	if st != 0 {
		et.t.Fatalf("nidan %s: status %d\n%s%s", strings.Join(args, " "), st, out, errs)
	}
	return out
}

func (et *enrollTest) code(uri string, at time.Time) string {
	et.t.Helper()
	a, err := accounts.ParseURI(uri)
	if err != nil {
		et.t.Fatal(err)
	}
	c, err := a.CodeAt(at)
	if err != nil {
		et.t.Fatal(err)
	}
	return c.Current
}

func TestEnrollCLI(t *testing.T) {
	et := newEnrollTest(t)
	out := et.must("enroll", "user", "add", "alice")
	if !strings.Contains(out, "added user alice") {
		t.Errorf("user add: %q", out)
	}
	qr := filepath.Join(t.TempDir(), "qr.png")
	out = et.must("enroll", "begin", "alice", "--issuer", "Example Co", "--qr", qr)
	lines := strings.Split(out, "\n")
	uri := lines[0]
	a, err := accounts.ParseURI(uri)
	if err != nil {
		t.Fatalf("begin printed %q: %v", uri, err)
	}
	if a.Issuer != "Example Co" || a.Name != "alice" {
		t.Errorf("begin URI account %+v", a)
	}
	if want := "setup key: " + accounts.GroupSecret(a.Secret); lines[1] != want {
		t.Errorf("begin line 2 = %q, want %q", lines[1], want)
	}
	if fi, err := os.Stat(qr); err != nil || fi.Mode().Perm() != fsmode.Reported(0o600, false) {
		t.Errorf("QR file: %v %v", fi, err)
	}
	if b, _ := os.ReadFile(qr); !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Error("QR file is not a PNG")
	}

	out = et.must("enroll", "list")
	if !strings.Contains(out, "alice") || !strings.Contains(out, "pending") {
		t.Errorf("list after begin:\n%s", out)
	}
	if st, _, errs := et.run("", "enroll", "confirm", "alice", "000000"); st != 1 || !strings.Contains(errs, "wrong code") {
		t.Errorf("confirm with a wrong code: %d %q", st, errs)
	}
	code := et.code(uri, et.now)
	et.must("enroll", "confirm", "alice", code)

	et.now = et.now.Add(30 * time.Second)
	code = et.code(uri, et.now)
	out = et.must("enroll", "login", "alice", code)
	if !strings.Contains(out, "accepted") {
		t.Errorf("login: %q", out)
	}
	tests := []struct {
		name   string
		stdin  string
		pwEnv  string
		code   string
		status int
		want   string
	}{
		{"replay", "", "s3cret", code, 1, "code already used"},
		{"wrong password", "", "nope", et.code(uri, et.now), 1, "wrong password"},
		{"password on stdin", "nope\n", "", et.code(uri, et.now), 1, "wrong password"},
		{"wrong code", "", "s3cret", "123456", 1, "wrong code"},
		{"no password", "", "", code, 1, "no password"},
	}
	for _, tt := range tests {
		et.env["NIDAN_ENROLL_PASSWORD"] = tt.pwEnv
		st, _, errs := et.run(tt.stdin, "enroll", "login", "alice", tt.code)
		if st != tt.status || !strings.Contains(errs, tt.want) || !strings.Contains(errs, "refused") && tt.want != "no password" {
			t.Errorf("%s: status %d, stderr %q; want %d and %q", tt.name, st, errs, tt.status, tt.want)
		}
	}
	et.env["NIDAN_ENROLL_PASSWORD"] = "s3cret"
	// Four failures so far (the no-password attempt never reached the
	// service); the fifth locks alice out, even with the right code.
	et.run("", "enroll", "login", "alice", "000000")
	et.now = et.now.Add(30 * time.Second)
	st, _, errs := et.run("", "enroll", "login", "alice", et.code(uri, et.now))
	if st != 1 || !strings.Contains(errs, "locked out") {
		t.Errorf("locked: %d %q", st, errs)
	}
	if out := et.must("enroll", "list"); !strings.Contains(out, "locked until") {
		t.Errorf("list while locked:\n%s", out)
	}

	// signout ends every panel session of the user (made here as the
	// panel makes them), and refuses an unknown user.
	st0, err := enroll.OpenFileStore(et.store)
	if err != nil {
		t.Fatal(err)
	}
	key := enroll.SessionKey("a browser's cookie")
	if err := st0.CreateSession(enroll.Session{Key: key, User: "alice", Created: et.now, Expires: et.now.Add(time.Hour)}, 5); err != nil {
		t.Fatal(err)
	}
	if out := et.must("enroll", "signout", "alice"); !strings.Contains(out, "ended") {
		t.Errorf("signout: %q", out)
	}
	if _, err := st0.Session(key, et.now); !errors.Is(err, enroll.ErrNoSession) {
		t.Errorf("session after signout: %v", err)
	}
	if st, _, errs := et.run("", "enroll", "signout", "nobody"); st == 0 || !strings.Contains(errs, "no such user") {
		t.Errorf("signout nobody: %d %q", st, errs)
	}
	out = et.must("enroll", "reset", "alice")
	if !strings.Contains(out, "removed") {
		t.Errorf("reset: %q", out)
	}
	st, _, errs = et.run("", "enroll", "login", "alice", et.code(uri, et.now))
	if st != 1 || !strings.Contains(errs, "not enabled") {
		t.Errorf("login after reset: %d %q", st, errs)
	}
	if out := et.must("enroll", "list"); !strings.Contains(out, "alice  off") {
		t.Errorf("list after reset:\n%s", out)
	}
	et.must("enroll", "user", "delete", "alice")
	if st, _, errs := et.run("", "enroll", "begin", "alice"); st != 1 || !strings.Contains(errs, "no such user") {
		t.Errorf("begin for a deleted user: %d %q", st, errs)
	}
}

func TestEnrollCLIUsage(t *testing.T) {
	et := newEnrollTest(t)
	for _, args := range [][]string{
		{"enroll"},
		{"enroll", "bogus"},
		{"enroll", "user"},
		{"enroll", "begin"},
		{"enroll", "confirm", "alice"},
		{"enroll", "login", "alice"},
		{"enroll", "list", "extra"},
		{"enroll", "begin", "alice", "--nope"},
	} {
		if st, _, errs := et.run("", args...); st != 2 || !strings.Contains(errs, "usage: nidan enroll") {
			t.Errorf("%v: status %d, stderr %q; want a usage error", args, st, errs)
		}
	}
	if st, out, _ := et.run("", "enroll", "--help"); st != 0 || !strings.Contains(out, "enroll user add ID") {
		t.Errorf("enroll --help: %d %q", st, out)
	}
	// --enroll-store overrides the environment.
	other := filepath.Join(t.TempDir(), "other.json")
	et.must("enroll", "user", "add", "bob", "--enroll-store", other)
	if _, err := os.Stat(other + ".key"); err != nil {
		t.Errorf("--enroll-store not used: %v", err)
	}
	if out := et.must("enroll", "list"); strings.Contains(out, "bob") {
		t.Errorf("bob landed in the env store:\n%s", out)
	}
}

func TestEnrollServe(t *testing.T) {
	et := newEnrollTest(t)
	et.must("enroll", "user", "add", "alice")
	ctx, cancel := context.WithCancel(context.Background())
	old := serveContext
	serveContext = func() (context.Context, context.CancelFunc) { return ctx, cancel }
	t.Cleanup(func() { serveContext = old })

	var out, errb lockedbuf.Buffer
	auditLog := filepath.Join(t.TempDir(), "audit.jsonl")
	status := make(chan int, 1)
	go func() {
		status <- Run(&Env{Args: []string{"enroll", "serve", "--addr", "127.0.0.1:0", "--name", "ACME Panel", "--audit-log", auditLog},
			Stdout: &out, Stderr: &errb,
			Getenv: func(k string) string { return et.env[k] }, EnrollOptions: et.options()})
	}()
	re := regexp.MustCompile(`http://(127\.0\.0\.1:\d+)/`)
	var addr string
	for deadline := time.Now().Add(10 * time.Second); addr == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			addr = m[1]
		}
	}
	if addr == "" {
		cancel()
		t.Fatalf("serve printed no address: %q %q", out.String(), errb.String())
	}
	resp, err := http.Get("http://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `<form id="login"`) || !strings.Contains(string(body), "<h1>ACME Panel</h1>") {
		t.Errorf("GET /: %d\n%s", resp.StatusCode, body)
	}
	// Only the panel's own host names: a DNS rebinding page gets nothing.
	_, port, _ := net.SplitHostPort(addr)
	for host, want := range map[string]int{"evil.example:" + port: 421, "localhost:" + port: 200, "127.0.0.1:" + port: 200} {
		req, _ := http.NewRequest("GET", "http://"+addr+"/", nil)
		req.Host = host
		if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != want {
			t.Errorf("Host %s: %v %v, want %d", host, resp, err, want)
		} else {
			resp.Body.Close()
		}
	}
	// The issuer in the QR code is the panel's name; a failed sign-in is audited.
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	csrf := func(path string) string {
		resp, err := c.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		m := regexp.MustCompile(`name="csrf" value="([^"]*)"`).FindSubmatch(b)
		if m == nil {
			t.Fatalf("no form on %s: %s", path, b)
		}
		return string(m[1])
	}
	if resp, err := c.PostForm("http://"+addr+"/login", url.Values{"csrf": {csrf("/")}, "id": {"alice"}, "password": {"nope"}}); err == nil {
		resp.Body.Close()
	}
	if resp, err := c.PostForm("http://"+addr+"/login", url.Values{"csrf": {csrf("/")}, "id": {"alice"}, "password": {"s3cret"}}); err == nil {
		resp.Body.Close()
	}
	resp, err = c.PostForm("http://"+addr+"/settings/begin", url.Values{"csrf": {csrf("/settings")}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `alt="QR code for ACME Panel (alice)"`) {
		t.Errorf("setup page does not name the panel as issuer:\n%s", body)
	}
	if b, _ := os.ReadFile(auditLog); !strings.Contains(string(b), `"event":"signin_failure","user":"alice","addr":"127.0.0.1","reason":"bad_password"`) {
		t.Errorf("audit log: %q", b)
	}
	cancel()
	select {
	case st := <-status:
		if st != 0 {
			t.Errorf("serve exit status %d: %s", st, errb.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}

	// Off loopback without TLS is refused.
	if st, _, errs := et.run("", "enroll", "serve", "--addr", "0.0.0.0:0"); st != 1 || !strings.Contains(errs, "in the clear") {
		t.Errorf("serve on 0.0.0.0: %d %q", st, errs)
	}
}

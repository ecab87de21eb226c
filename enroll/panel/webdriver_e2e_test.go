//go:build e2e

package panel

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// A minimal W3C WebDriver client over net/http, enough to drive Debian's
// chromium through chromedriver: no Selenium, no Node.

const elementKey = "element-6066-11e4-a52e-4f735466cecf"

type webDriver struct {
	t    *testing.T
	base string // http://127.0.0.1:PORT/session/ID
}

// startChromium starts chromedriver on a free loopback port and opens a
// headless Chromium session with a fresh profile; both end with the test.
// languages, if given, are the browser's Accept-Language ("ja,en").
func startChromium(t *testing.T, languages ...string) *webDriver {
	t.Helper()
	driver, err := exec.LookPath("chromedriver")
	if err != nil {
		t.Fatal("chromedriver not found: run scripts/deps.sh e2e (Debian packages chromium, chromium-driver)")
	}
	browser := "/usr/bin/chromium"
	if _, err := os.Stat(browser); err != nil {
		if browser, err = exec.LookPath("chromium"); err != nil {
			t.Fatal("chromium not found: run scripts/deps.sh e2e")
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(driver, fmt.Sprintf("--port=%d", port), "--allowed-ips=127.0.0.1")
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("chromedriver output:\n%s", logs.String())
		}
	})
	root := fmt.Sprintf("http://127.0.0.1:%d", port)
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		resp, err := http.Get(root + "/status")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("chromedriver did not start: %v\n%s", err, logs.String())
		}
	}
	w := &webDriver{t: t, base: root}
	caps := map[string]any{"capabilities": map[string]any{"alwaysMatch": map[string]any{
		"browserName": "chrome",
		"goog:chromeOptions": map[string]any{
			"binary": browser,
			"args": []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
				"--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--disable-dev-shm-usage", "--no-proxy-server", "--window-size=1000,1100",
				"--user-data-dir=" + t.TempDir()},
			"prefs": map[string]any{"intl.accept_languages": strings.Join(languages, ",")},
		},
	}}}
	var sess struct {
		SessionID string `json:"sessionId"`
	}
	w.call("POST", "/session", caps, &sess)
	if sess.SessionID == "" {
		t.Fatal("no WebDriver session")
	}
	w.base = root + "/session/" + sess.SessionID
	t.Cleanup(func() { w.call("DELETE", "", nil, nil) })
	// A click that submits a form returns before the next page has loaded;
	// let element look-ups wait for it (a missing element still fails).
	w.call("POST", "/timeouts", map[string]int{"implicit": 5000}, nil)
	return w
}

// call sends one WebDriver command and decodes its "value" into out.
func (w *webDriver) call(method, path string, body, out any) {
	w.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, w.base+path, rd)
	if err != nil {
		w.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatalf("webdriver %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var env struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(raw, &env); err != nil || resp.StatusCode != http.StatusOK {
		w.t.Fatalf("webdriver %s %s: %s: %.500s", method, path, resp.Status, raw)
	}
	if out != nil {
		if err := json.Unmarshal(env.Value, out); err != nil {
			// The new-session reply keeps sessionId inside value.
			w.t.Fatalf("webdriver %s %s: decode %.200s: %v", method, path, env.Value, err)
		}
	}
}

// script runs JavaScript in the page and decodes its result into out.
func (w *webDriver) script(js string, out any) {
	w.t.Helper()
	w.call("POST", "/execute/sync", map[string]any{"script": js, "args": []any{}}, out)
}

func (w *webDriver) open(url string) { w.call("POST", "/url", map[string]string{"url": url}, nil) }

func (w *webDriver) find(css string) string {
	w.t.Helper()
	var el map[string]string
	w.call("POST", "/element", map[string]string{"using": "css selector", "value": css}, &el)
	return el[elementKey]
}

func (w *webDriver) has(css string) bool {
	var els []map[string]string
	w.call("POST", "/elements", map[string]string{"using": "css selector", "value": css}, &els)
	return len(els) > 0
}

func (w *webDriver) typeInto(css, text string) {
	w.t.Helper()
	id := w.find(css)
	w.call("POST", "/element/"+id+"/clear", map[string]any{}, nil)
	w.call("POST", "/element/"+id+"/value", map[string]string{"text": text}, nil)
}

func (w *webDriver) click(css string) {
	w.t.Helper()
	id := w.find(css)
	// Mark this page, so that a page the click loads can be told from it:
	// look-ups must not find (or go stale on) the old page's elements.
	w.script("window.__nidanOldPage = true; return null", nil)
	w.call("POST", "/element/"+id+"/click", map[string]any{}, nil)
	start := time.Now()
	for {
		var state string
		w.script("return window.__nidanOldPage === true ? 'old' : document.readyState", &state)
		if state == "complete" || (state == "old" && time.Since(start) > time.Second) {
			return
		}
		if time.Since(start) > 10*time.Second {
			w.t.Fatalf("click %s: the page it loads is still %q after 10 s", css, state)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (w *webDriver) text(css string) string {
	w.t.Helper()
	var s string
	w.call("GET", "/element/"+w.find(css)+"/text", nil, &s)
	return s
}

func (w *webDriver) attr(css, name string) string {
	w.t.Helper()
	var s string
	w.call("GET", "/element/"+w.find(css)+"/attribute/"+name, nil, &s)
	return s
}

// screenshot is what the user sees: the whole viewport as an image.
func (w *webDriver) screenshot() image.Image {
	w.t.Helper()
	var b64 string
	w.call("GET", "/screenshot", nil, &b64)
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		w.t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		w.t.Fatal(err)
	}
	if dir := os.Getenv("NIDAN_E2E_SCREENSHOTS"); dir != "" {
		_ = os.WriteFile(dir+"/"+strings.ReplaceAll(w.t.Name(), "/", "_")+".png", raw, 0o644)
	}
	return img
}

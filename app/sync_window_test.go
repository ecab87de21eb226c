//go:build syncthing && linux

package app

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/internal/lockedbuf"
	"github.com/nidan-auth/nidan/syncfolder"
	"github.com/nidan-auth/nidan/vault"
)

// TestSyncWindowMergesLive runs the real desktop binary on a private Xvfb
// with openbox, unlocks it by typing the password as a person would
// (xdotool), then changes the vault on another "device" that shares its
// sync folder: the open window must merge the change with nobody
// touching it, which shows in the file it writes back into the folder,
// and it must be the folder's change that started the merge, not the
// app's 10-second poll (its trace says which). How soon is syncfolder's
// BenchmarkLiveMerge. Run by `make test-sync`.
func TestSyncWindowMergesLive(t *testing.T) {
	for _, tool := range []string{"Xvfb", "openbox", "xdotool"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	bin := filepath.Join(t.TempDir(), "nidan")
	if out, err := exec.Command("go", "build", "-tags", "migrated_fynedo", "-o", bin, "github.com/nidan-auth/nidan").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	home, dir := t.TempDir(), t.TempDir()
	path := filepath.Join(home, ".config", "nidan", "vault.nidan")
	const pw = "window sync password"
	a, err := vault.Create(path, []byte(pw), vault.Options{KDF: testKDF, DeviceName: "window"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := syncfolder.Set(a, dir, time.Now()); err != nil {
		t.Fatal(err)
	}
	a.Lock()
	b, _, err := syncfolder.Join(filepath.Join(t.TempDir(), "vault.nidan"), dir, []byte(pw), vault.Options{KDF: testKDF, DeviceName: "other"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}

	display := startXvfb(t)
	env := append(os.Environ(), "DISPLAY="+display, "HOME="+home, "XDG_CONFIG_HOME=", "DBUS_SESSION_BUS_ADDRESS=disabled:", "NIDAN_VAULT=", "NIDAN_TRACE=1")
	run := func(name string, args ...string) *exec.Cmd {
		cmd := exec.Command(name, args...)
		cmd.Env = env
		return cmd
	}
	wm := run("openbox")
	if err := wm.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { wm.Process.Kill(); wm.Wait() })
	app := run(bin)
	var log lockedbuf.Buffer
	app.Stdout, app.Stderr = &log, &log
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { app.Process.Kill(); app.Wait() })
	out, err := run("xdotool", "search", "--sync", "--onlyvisible", "--name", "^Nidan$").Output()
	if err != nil {
		t.Fatalf("no Nidan window: %v\n%s", err, log.String())
	}
	win := strings.Fields(string(out))[0]
	time.Sleep(time.Second) // the unlock screen takes focus once drawn
	for _, args := range [][]string{{"windowactivate", "--sync", win}, {"type", "--delay", "20", pw}, {"key", "Return"}} {
		if out, err := run("xdotool", args...).CombinedOutput(); err != nil {
			t.Fatalf("xdotool %v: %v %s", args, err, out)
		}
	}
	// The window unlocked: it synced, so its file names it in the registry
	// the other device reads.
	own := filepath.Join(dir, syncfolder.FileName(deviceOf(t, path)))
	waitFile(t, b, own, 20*time.Second, func(st []string) bool { return true })

	gl, err := accounts.ParseURI("otpauth://totp/GitLab:me?secret=JBSWY3DPEHPK3PXQ&issuer=GitLab")
	if err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(own)
	time.Sleep(50 * time.Millisecond)
	mark := len(log.String())
	if _, err := b.Add(gl); err != nil { // writes the other device's file (then its backup)
		t.Fatal(err)
	}
	start := time.Now() // the change is in the folder by now
	// The limits only end a test whose merge never comes.
	waitFile(t, b, own, time.Minute, func(issuers []string) bool {
		fi, err := os.Stat(own)
		return err == nil && fi.ModTime() != before.ModTime() && strings.Contains(strings.Join(issuers, ","), "GitLab")
	})
	t.Logf("the open window merged the other device's account %.2f s after it was written", time.Since(start).Seconds())
	for _, l := range strings.Split(log.String()[mark:], "\n") {
		if strings.Contains(l, "nidan-trace: synced") {
			t.Log(l)
		}
	}
	deadline := time.Now().Add(time.Minute)
	for !strings.Contains(log.String()[mark:], "nidan-trace: synced after a change") {
		if time.Now().After(deadline) {
			t.Fatalf("the merge was not started by the folder's change:\n%s", log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitFile polls the window's sync file, opened by the other device, until
// ok accepts the issuers in it.
func waitFile(t *testing.T, other *vault.Vault, path string, limit time.Duration, ok func([]string) bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if data, err := os.ReadFile(path); err == nil {
			if f, err := other.OpenSyncFile(data); err == nil {
				var is []string
				for _, e := range f.State.Accounts {
					is = append(is, e.Issuer)
				}
				if ok(is) {
					return
				}
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s never held what was expected", path)
}

func deviceOf(t *testing.T, path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	info, err := vault.Peek(data)
	if err != nil {
		t.Fatal(err)
	}
	return info.Device
}

// startXvfb starts a private X server on a free display (-displayfd).
func startXvfb(t *testing.T) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	x := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1024x768x24", "-nolisten", "tcp")
	x.ExtraFiles = []*os.File{w}
	if err := x.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	t.Cleanup(func() { x.Process.Kill(); x.Wait() })
	line, err := bufio.NewReader(r).ReadString('\n')
	r.Close()
	if err != nil {
		t.Fatalf("Xvfb gave no display: %v", err)
	}
	return fmt.Sprintf(":%s", strings.TrimSpace(line))
}

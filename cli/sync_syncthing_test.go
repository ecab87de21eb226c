//go:build syncthing

package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nidan-auth/nidan/internal/lockedbuf"
	"github.com/nidan-auth/nidan/internal/syncthingtest"
	"github.com/nidan-auth/nidan/vault"
)

// The end-to-end test of issue 13: two real Syncthing instances on
// loopback, each syncing the folder of one Nidan device (its own HOME),
// the real nidan binary on both sides with `nidan sync --watch` running.
// While the link is paused both sides change the vault concurrently (and
// a clone of the first device's vault on the second machine writes the
// same file, which makes Syncthing keep a conflict copy); after resuming,
// the lists must be equal within 30 s, nothing lost, the conflict copy
// merged and gone. Run by `make test-sync`.

var nidanBin string

// buildNidan builds the real binary once for the test.
func buildNidan(t *testing.T) {
	if nidanBin != "" {
		return
	}
	bin := filepath.Join(t.TempDir(), "nidan")
	build := exec.Command("go", "build", "-tags", "migrated_fynedo", "-o", bin, "github.com/nidan-auth/nidan")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	nidanBin = bin
}

type nidanDevice struct {
	t     *testing.T
	name  string
	home  string
	watch *exec.Cmd
	out   *lockedbuf.Buffer // what `nidan sync --watch` printed
	log   lockedbuf.Buffer  // what the other commands' syncs printed on stderr
}

func newNidanDevice(t *testing.T, name string) *nidanDevice {
	return &nidanDevice{t: t, name: name, home: t.TempDir()}
}

func (d *nidanDevice) env() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "HOME=") && !strings.HasPrefix(kv, "XDG_CONFIG_HOME=") && !strings.HasPrefix(kv, "NIDAN_") &&
			!strings.HasPrefix(kv, "DBUS_SESSION_BUS_ADDRESS=") {
			env = append(env, kv)
		}
	}
	return append(env, "HOME="+d.home, "NIDAN_PASSWORD=e2e password", "DBUS_SESSION_BUS_ADDRESS=disabled:")
}

func (d *nidanDevice) run(args ...string) string {
	d.t.Helper()
	cmd := exec.Command(nidanBin, args...)
	cmd.Env = d.env()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	d.log.Write(stderr.Bytes())
	if err != nil {
		d.t.Fatalf("%s: nidan %s: %v\n%s%s", d.name, strings.Join(args, " "), err, out, stderr.String())
	}
	return string(out)
}

func (d *nidanDevice) startWatch() {
	d.t.Helper()
	d.out = &lockedbuf.Buffer{}
	d.watch = exec.Command(nidanBin, "sync", "--watch")
	d.watch.Env = d.env()
	d.watch.Stdout, d.watch.Stderr = d.out, d.out
	if err := d.watch.Start(); err != nil {
		d.t.Fatal(err)
	}
	d.t.Cleanup(d.stopWatch)
}

func (d *nidanDevice) stopWatch() {
	if d.watch == nil || d.watch.Process == nil {
		return
	}
	d.watch.Process.Signal(syscall.SIGTERM)
	d.watch.Wait()
	d.watch = nil
}

type listed struct {
	ID     string `json:"id"`
	Issuer string `json:"issuer"`
	Name   string `json:"name"`
	Type   string `json:"type"`
	Code   string `json:"code"`
}

// list is the device's accounts as `nidan list --json` prints them; a
// TOTP code changes with time, an HOTP code names its counter.
func (d *nidanDevice) list() []string {
	d.t.Helper()
	var ls []listed
	if err := json.Unmarshal([]byte(d.run("list", "--json")), &ls); err != nil {
		d.t.Fatal(err)
	}
	var out []string
	for _, l := range ls {
		s := l.Issuer + "/" + l.Name + "/" + l.ID
		if l.Type == "hotp" {
			s += "/" + l.Code
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

func issuers(list []string) []string {
	var out []string
	for _, s := range list {
		out = append(out, strings.SplitN(s, "/", 2)[0])
	}
	return out
}

func conflictFiles(dirs ...string) []string {
	var out []string
	for _, d := range dirs {
		m, _ := filepath.Glob(filepath.Join(d, "nidan-*.nidan"))
		for _, p := range m {
			if len(filepath.Base(p)) != len("nidan-0123456789abcdef.nidan") {
				out = append(out, p)
			}
		}
	}
	return out
}

func TestSyncThroughSyncthing(t *testing.T) {
	buildNidan(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cluster, err := syncthingtest.Start(ctx, t.TempDir(), 2)
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Stop()
	f0, f1 := cluster.Instances[0].Folder, cluster.Instances[1].Folder

	// The vault is made with a low KDF cost so that the many unlocks of
	// the test (each `nidan` command is one) do not dominate its time;
	// the binary reads the cost from the file, as it would any other.
	a := newNidanDevice(t, "laptop")
	if _, err := vault.Create(filepath.Join(a.home, ".config", "nidan", "vault.nidan"), []byte("e2e password"),
		vault.Options{KDF: vault.KDFParams{Time: 1, Memory: 64, Threads: 1}, DeviceName: "laptop"}); err != nil {
		t.Fatal(err)
	}
	a.run("add", "--issuer", "GitHub", "--name", "alice", "--secret", "JBSWY3DPEHPK3PXP")
	a.run("add", "otpauth://hotp/Bank:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Bank&counter=0")
	a.run("sync", "set", f0)
	b := newNidanDevice(t, "desktop")
	waitFor(t, 30*time.Second, "the first device's file to reach the second folder", func() bool {
		m, _ := filepath.Glob(filepath.Join(f1, "nidan-*.nidan"))
		return len(m) == 1
	})
	b.run("sync", "join", f1)
	if got, want := b.list(), a.list(); !slices.Equal(got, want) {
		t.Fatalf("joined device: %v, want %v", got, want)
	}
	// A clone of the laptop's vault copied to the second machine: it has
	// the laptop's device id, so both write the same file.
	c := newNidanDevice(t, "clone")
	copyTree(t, filepath.Join(a.home, ".config", "nidan", "vault.nidan"), filepath.Join(c.home, ".config", "nidan", "vault.nidan"))
	c.run("sync", "set", f1)
	waitFor(t, 30*time.Second, "the folders to settle", func() bool {
		return slices.Equal(a.list(), b.list()) && slices.Equal(a.list(), c.list())
	})

	a.startWatch()
	b.startWatch()
	if err := cluster.Pause(ctx); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second)
	gh := ""
	for _, l := range a.list() {
		if strings.HasPrefix(l, "GitHub/") {
			gh = strings.Split(l, "/")[2]
		}
	}
	a.run("add", "--issuer", "GitLab", "--name", "alice", "--secret", "JBSWY3DPEHPK3PXQ")
	a.run("code", "Bank")
	a.run("code", "Bank")
	b.run("add", "--issuer", "Example", "--name", "bob", "--secret", "JBSWY3DPEHPK3PXR")
	b.run("rm", "GitHub")
	b.run("code", "Bank")
	b.run("add", "--issuer", "Short-lived", "--name", "x", "--secret", "JBSWY3DPEHPK3PXS")
	b.run("rm", "Short-lived")
	c.run("add", "--issuer", "Cloned", "--name", "carol", "--secret", "JBSWY3DPEHPK3PXT")
	// The link is really down: after a few seconds neither side has the
	// other's new account.
	time.Sleep(3 * time.Second)
	if la, lb := issuers(a.list()), issuers(b.list()); slices.Contains(la, "Example") || slices.Contains(lb, "GitLab") {
		t.Fatalf("changes crossed a paused link: %v, %v", la, lb)
	}
	if len(conflictFiles(f0, f1)) != 0 {
		t.Fatal("conflict copies before the link came back")
	}
	resumed := time.Now()
	if err := cluster.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	want := []string{"Bank", "Cloned", "Example", "GitLab"}
	var la, lb []string
	converged := false
	for time.Since(resumed) < 30*time.Second {
		la, lb = a.list(), b.list()
		if slices.Equal(la, lb) && slices.Equal(issuers(la), want) && len(conflictFiles(f0, f1)) == 0 &&
			strings.Contains(a.out.String()+b.out.String()+a.log.String()+b.log.String(), "sync-conflict") {
			converged = true
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	took := time.Since(resumed)
	if !converged {
		t.Fatalf("not converged 30 s after resuming:\nlaptop  %v\ndesktop %v\nwant    %v\nconflict copies left: %v\nlaptop watch:\n%s\ndesktop watch:\n%s",
			la, lb, want, conflictFiles(f0, f1), a.out.String(), b.out.String())
	}
	t.Logf("converged %.1f s after resuming; what the devices merged:\n%s%s%s%s", took.Seconds(), a.out.String(), a.log.String(), b.out.String(), b.log.String())
	for _, l := range la {
		if strings.Contains(l, gh) {
			t.Fatalf("deleted account %s is back", gh)
		}
	}
	// HOTP uses merge to the highest counter: the laptop showed the codes
	// of counters 0 and 1, the desktop that of 0, so the next is counter 2
	// (RFC 4226 appendix D: 359152).
	a.stopWatch()
	b.stopWatch()
	if got := strings.TrimSpace(a.run("code", "Bank")); !strings.Contains(got, "359152") {
		t.Fatalf("next HOTP code %q, want counter 2's 359152", got)
	}
}

func waitFor(t *testing.T, limit time.Duration, what string, f func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !f() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

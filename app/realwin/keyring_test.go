//go:build linux

package realwin

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// keyringPassword unlocks the test's gnome-keyring login keyring.
const keyringPassword = "throwaway"

// secretsBus starts a D-Bus session daemon of the test's own on which the
// Secret Service (org.freedesktop.secrets) is started on demand, as a
// desktop session does it: by running script, a shell script that may
// sleep first (a slow start) and then either runs gnome-keyring-daemon
// (exec "$GKD") or gives up (exit). It returns the bus's address.
func secretsBus(t *testing.T, s *session, script string) string {
	t.Helper()
	if _, err := exec.LookPath("gnome-keyring-daemon"); err != nil {
		t.Fatalf("gnome-keyring-daemon is needed for the keyring tests (scripts/deps.sh test installs it): %v", err)
	}
	dir := t.TempDir()
	services := filepath.Join(dir, "services")
	if err := os.Mkdir(services, 0o700); err != nil {
		t.Fatal(err)
	}
	pw, pid := filepath.Join(dir, "keyring-password"), filepath.Join(dir, "keyring.pid")
	write := func(name, text string, mode os.FileMode) {
		t.Helper()
		if err := os.WriteFile(name, []byte(text), mode); err != nil {
			t.Fatal(err)
		}
	}
	write(pw, keyringPassword, 0o600)
	// $$ is the shell's pid, which exec hands on to the daemon: the
	// cleanup ends exactly that process.
	write(filepath.Join(dir, "secrets.sh"), "#!/bin/sh\necho $$ > "+pid+"\n"+
		"GKD='gnome-keyring-daemon --foreground --unlock --components=secrets'\n"+
		strings.ReplaceAll(script, `exec "$GKD"`, "exec $GKD < "+pw)+"\n", 0o700)
	write(filepath.Join(services, "secrets.service"), "[D-BUS Service]\nName=org.freedesktop.secrets\nExec="+
		filepath.Join(dir, "secrets.sh")+"\n", 0o600)
	conf := filepath.Join(dir, "session.conf")
	write(conf, `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=`+dir+`</listen>
  <servicedir>`+services+`</servicedir>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`, 0o600)
	c := exec.Command("dbus-daemon", "--config-file="+conf, "--nofork", "--print-address=1")
	c.Env = s.env // the keyring daemon keeps its files under the session's HOME
	out, err := c.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Fatalf("dbus-daemon: %v", err)
	}
	t.Cleanup(func() {
		if b, err := os.ReadFile(pid); err == nil {
			if n, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
				syscall.Kill(n, syscall.SIGTERM)
			}
		}
		c.Process.Kill()
		c.Wait()
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("dbus-daemon gave no address: %v", err)
	}
	return strings.TrimSpace(line)
}

// keyringSession is a user whose vault unlocks with the keyring (turned on
// with `nidan keyring on` against a working gnome-keyring); the app is then
// started on a second bus whose Secret Service starts as script says.
func keyringSession(t *testing.T, script string) (*session, *proc) {
	t.Helper()
	s := newSession(t)
	s.addTOTP("Example", "alice@example.com", "JBSWY3DPEHPK3PXP")
	env := s.env
	s.env = append(env, "DBUS_SESSION_BUS_ADDRESS="+secretsBus(t, s, `exec "$GKD"`))
	if out := s.cli("keyring", "on"); !strings.Contains(out, "keyring unlock is on") {
		t.Fatalf("nidan keyring on: %s", out)
	}
	s.env = append(env, "DBUS_SESSION_BUS_ADDRESS="+secretsBus(t, s, script))
	p := s.launch()
	p.waitWindow()
	return s, p
}

// typeDuringKeyring types text and Enter into the lock screen while the
// keyring is still being tried, and fails if the attempt ended first (then
// the test would prove nothing).
func (p *proc) typeDuringKeyring(text string) {
	p.s.t.Helper()
	p.waitTrace("focused")
	p.s.typeText(text)
	p.shot("keyring-trying") // the spinner turns, and the field shows what was typed
	p.s.key("Return")
	if out := p.out.String(); strings.Contains(out, "keyring unlock") || strings.Contains(out, "nidan-trace: unlocked\n") {
		p.s.t.Fatalf("the keyring attempt ended before the typing did; make its start slower\n%s", out)
	}
}

// TestTypingWhileKeyringIsTried: the keyring's service takes seconds to
// start and then is not there. What the user typed meanwhile, and the
// Enter, must not be lost: the password unlocks.
func TestTypingWhileKeyringIsTried(t *testing.T) {
	t.Parallel()
	_, p := keyringSession(t, "sleep 6\nexit 1")
	p.typeDuringKeyring(password)
	waitFor(t, 40*time.Second, "the password typed during the keyring attempt to unlock", func() bool {
		return strings.Contains(p.out.String(), "nidan-trace: unlocked\n")
	})
	if out := p.out.String(); !strings.Contains(out, "keyring unlock") {
		t.Errorf("unlocked, but the keyring was not tried first:\n%s", out)
	}
	p.rows(1)
}

// TestKeyringWinsOverTyping: the keyring's service is slow to start but
// works. Whatever was typed meanwhile (here a wrong password and Enter)
// does not matter: the keyring unlocks (it logs no failure).
func TestKeyringWinsOverTyping(t *testing.T) {
	t.Parallel()
	_, p := keyringSession(t, "sleep 4\nexec \"$GKD\"")
	p.typeDuringKeyring("not the password")
	waitFor(t, 40*time.Second, "the keyring to unlock", func() bool {
		return strings.Contains(p.out.String(), "nidan-trace: unlocked\n")
	})
	p.rows(1)
	p.shot("keyring-won")
	if out := p.out.String(); strings.Contains(out, "keyring unlock") {
		t.Errorf("the keyring should have unlocked by itself:\n%s", out)
	}
}

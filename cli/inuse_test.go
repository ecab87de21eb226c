package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/nidan-auth/nidan/internal/filelock/filelocktest"
)

// A saving command while another process (the app, another command) holds
// the vault's lock fails after the wait with exit status 1 and a message
// that says what to do, the same on every system (make test-windows runs
// this test under Wine too). The vault is unchanged, and the command works
// once the lock is free.
func TestSaveWhileAnotherProcessHoldsTheVault(t *testing.T) {
	c := newCLIVault(t)
	c.ok("", "init")
	path := c.env["NIDAN_VAULT"]
	release := filelocktest.Hold(t, path+".lock")

	var out, errOut bytes.Buffer
	opts := testVaultOptions
	opts.LockWait = 300 * time.Millisecond
	e := &Env{Args: []string{"add", "--issuer", "GitHub", "--name", "alice", "--secret", ghSecret},
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut,
		Getenv: func(k string) string { return c.env[k] }, VaultOptions: opts}
	if code := Run(e); code != 1 {
		t.Fatalf("add while another process holds the lock: exit %d, want 1 (stderr %q)", code, errOut.String())
	}
	want := "nidan add: the vault is in use by another Nidan: lock " + path + ".lock: locked by another process for 300ms; close the other Nidan window or command, or try again later\n"
	if errOut.String() != want {
		t.Errorf("stderr:\n %q\nwant\n %q", errOut.String(), want)
	}
	release()
	if out := c.ok("", "list"); strings.Contains(out, "GitHub") {
		t.Errorf("the refused add saved the account anyway:\n%s", out)
	}
	c.ok("", "add", "--issuer", "GitHub", "--name", "alice", "--secret", ghSecret)
	if out := c.ok("", "list"); !strings.Contains(out, "GitHub") {
		t.Errorf("add after the lock was freed: list shows\n%s", out)
	}
}

package cli

import (
	"bytes"
	"encoding/json"
	"github.com/nidan-auth/nidan/internal/filelock/filelocktest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/internal/fsmode"
	"github.com/nidan-auth/nidan/vault"
)

// testVaultOptions give vault tests a test-only KDF cost; the format is the same.
var testVaultOptions = vault.Options{KDF: vault.KDFParams{Time: 1, Memory: 64, Threads: 1}}

var realKeyring = os.Getenv("NIDAN_TEST_REAL_KEYRING") == "1"

func TestMain(m *testing.M) {
	filelocktest.HoldIfChild()
	if args := os.Getenv("NIDAN_TEST_CLI_CHILD"); args != "" {
		// A child process with the real keyring backend and its own
		// environment (see TestKeyringUnavailableFallsBack).
		var a []string
		json.Unmarshal([]byte(args), &a)
		e := OSEnv("test", "")
		e.Args = a
		e.VaultOptions = testVaultOptions
		os.Exit(Run(e))
	}
	if !realKeyring {
		keyring.MockInit()
	}
	os.Exit(m.Run())
}

const (
	ghSecret   = "JBSWY3DPEHPK3PXP"                 // "Hello!\xde\xad\xbe\xef"
	hotpSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" // "12345678901234567890", RFC 4226
	glSecret   = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"
)

// cliVault is a temporary data folder with a vault path in it.
type cliVault struct {
	t    *testing.T
	dir  string
	env  map[string]string
	secr [][]byte // what must never appear in plain text under dir
}

func newCLIVault(t *testing.T) *cliVault {
	dir := filepath.Join(t.TempDir(), "nidan")
	c := &cliVault{t: t, dir: dir, env: map[string]string{
		"NIDAN_VAULT":    filepath.Join(dir, "vault.nidan"),
		"NIDAN_PASSWORD": "hunter2 but longer",
	}}
	for _, s := range []string{ghSecret, hotpSecret, glSecret} {
		raw, _ := accounts.DecodeSecret(s)
		c.secr = append(c.secr, []byte(s), []byte(strings.ToLower(s)), raw)
	}
	return c
}

// run runs one command and then checks that no secret is in plain text in
// any file under the data folder.
func (c *cliVault) run(stdin string, args ...string) (int, string, string) {
	c.t.Helper()
	code, out, errOut := run(c.t, c.env, stdin, args...)
	filepath.WalkDir(c.dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		b, _ := os.ReadFile(p)
		for _, s := range c.secr {
			if bytes.Contains(b, s) {
				c.t.Errorf("after %v: %s contains a secret in plain text", args, p)
			}
		}
		return nil
	})
	return code, out, errOut
}

func (c *cliVault) ok(stdin string, args ...string) string {
	c.t.Helper()
	code, out, errOut := c.run(stdin, args...)
	if code != 0 {
		c.t.Fatalf("%v: exit %d\nstdout: %s\nstderr: %s", args, code, out, errOut)
	}
	return out
}

func (c *cliVault) fails(want string, args ...string) string {
	c.t.Helper()
	code, out, errOut := c.run("", args...)
	if code == 0 || !strings.Contains(errOut, want) {
		c.t.Fatalf("%v: exit %d, stderr %q; want failure with %q (stdout %q)", args, code, errOut, want, out)
	}
	return errOut
}

func TestVaultCommands(t *testing.T) {
	c := newCLIVault(t)
	c.fails("nidan init", "list")
	c.ok("", "init")
	c.fails("already exists", "init")
	if out := c.ok("", "add", "otpauth://totp/GitHub:alice?secret="+ghSecret+"&issuer=GitHub",
		"otpauth://hotp/Bank:bob?secret="+hotpSecret+"&counter=0"); out != "added 2\n" {
		t.Errorf("add: %q", out)
	}
	c.ok("", "add", "--issuer", "GitLab", "--name", "alice", "--secret", glSecret, "--digits", "8")
	if out := c.ok("", "add", "otpauth://totp/GitHub:alice?secret="+ghSecret+"&issuer=GitHub"); !strings.Contains(out, "1 already in the vault") {
		t.Errorf("duplicate add: %q", out)
	}

	out := c.ok("", "list", "--time", "59")
	for _, want := range []string{"GitHub", "alice", "Bank", "GitLab", "(hotp: nidan code)", "1s"} {
		if !strings.Contains(out, want) {
			t.Errorf("list lacks %q:\n%s", want, out)
		}
	}
	var entries []listEntry
	if err := json.Unmarshal([]byte(c.ok("", "list", "--json")), &entries); err != nil || len(entries) != 3 {
		t.Fatalf("list --json: %v %+v", err, entries)
	}
	if entries[0].Issuer != "GitHub" || len(entries[0].Code) != 6 || entries[0].SecondsLeft < 1 || entries[2].Code == "" || len(entries[2].Code) != 8 {
		t.Errorf("list --json: %+v", entries)
	}

	// The same code as `code --uri`, which must keep working.
	want := c.ok("", "code", "--uri", "otpauth://totp/x?secret="+ghSecret, "--time", "1000")
	if got := c.ok("", "code", "github", "--time", "1000"); got != want {
		t.Errorf("code github = %q, want %q", got, want)
	}
	errOut := c.fails("matches 2 accounts", "code", "alice")
	if !strings.Contains(errOut, "GitHub (alice)") || !strings.Contains(errOut, "GitLab (alice)") {
		t.Errorf("ambiguous query does not list the matches: %s", errOut)
	}
	c.fails("no account matches", "code", "nothing")
	// HOTP: RFC 4226 Appendix D codes for counters 0, 1, 2; each saved before it is shown.
	for _, want := range []string{"755224\n", "287082\n", "359152\n"} {
		if got := c.ok("", "code", "bank"); got != want {
			t.Errorf("hotp code = %q, want %q", got, want)
		}
	}

	if out := c.ok("", "rm", "gitlab"); !strings.Contains(out, "removed GitLab (alice)") {
		t.Errorf("rm: %q", out)
	}
	if n := strings.Count(c.ok("", "list"), "\n"); n != 3 {
		t.Errorf("%d lines after rm", n)
	}

	// Export and import round trips through a second vault.
	exp := t.TempDir()
	c.ok("", "export", "--format", "nidan", "--out", filepath.Join(exp, "b.nidan"))
	code, uris, errOut := c.run("", "export", "--format", "uris", "--out", "-")
	if code != 0 || strings.Count(uris, "otpauth://") != 2 || !strings.Contains(errOut, "plain text") {
		t.Errorf("export uris: %d %q %q", code, uris, errOut)
	}
	os.WriteFile(filepath.Join(exp, "u.txt"), []byte(uris), 0o600)
	c.env["NIDAN_EXPORT_PASSWORD"] = "aegis pw"
	c.ok("", "export", "--format", "aegis", "--out", filepath.Join(exp, "aegis.json"))
	c.ok("", "export", "--format", "qr", "--out", filepath.Join(exp, "qr"))
	if fs, _ := os.ReadDir(filepath.Join(exp, "qr")); len(fs) != 2 {
		t.Errorf("%d QR files", len(fs))
	}

	d := newCLIVault(t)
	d.env["NIDAN_PASSWORD"] = "another"
	d.ok("", "init")
	d.env["NIDAN_IMPORT_PASSWORD"] = "hunter2 but longer"
	// --dry-run shows the plan and the file's bad entries, and writes nothing.
	mixed := filepath.Join(exp, "mixed.txt")
	os.WriteFile(mixed, []byte(uris+"otpauth://totp/Broken:x?secret=1\n"), 0o600)
	out = d.ok("", "import", "--dry-run", mixed)
	for _, want := range []string{"would add 2, update 0, skip 0 already in the vault; 1 entries cannot be imported; nothing was changed", "  add: ", "cannot import line 3"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run: %q lacks %q", out, want)
		}
	}
	if out := d.ok("", "list"); strings.Count(out, "\n") != 1 {
		t.Errorf("dry run changed the vault: %q", out)
	}
	if out := d.ok("", "import", filepath.Join(exp, "b.nidan")); out != "added 2\n" {
		t.Errorf("import nidan: %q", out)
	}
	if out := d.ok("", "import", filepath.Join(exp, "u.txt")); !strings.Contains(out, "2 already in the vault") {
		t.Errorf("import uris again: %q", out)
	}
	d.env["NIDAN_IMPORT_PASSWORD"] = "aegis pw"
	if out := d.ok("", "import", filepath.Join(exp, "aegis.json")); !strings.Contains(out, "2 already in the vault") {
		t.Errorf("import aegis: %q", out)
	}
	if out := d.ok("", "import", "--dry-run", filepath.Join(exp, "u.txt")); !strings.Contains(out, "skip (already in the vault): ") {
		t.Errorf("dry run of duplicates: %q", out)
	}
}

func TestPasswdAndKeyring(t *testing.T) {
	c := newCLIVault(t)
	delete(c.env, "NIDAN_PASSWORD")
	c.ok("first\n", "init", "--password-stdin")
	c.ok("first\n", "add", "--password-stdin", "--issuer", "GitHub", "--secret", ghSecret)
	c.ok("first\nsecond\n", "passwd", "--password-stdin")
	code, _, errOut := c.run("first\n", "list", "--password-stdin")
	if code != 1 || !strings.Contains(errOut, "wrong password") {
		t.Errorf("old password: exit %d, %q", code, errOut)
	}
	c.ok("second\n", "list", "--password-stdin")

	c.ok("second\n", "keyring", "on", "--password-stdin")
	if out := c.ok("", "list"); !strings.Contains(out, "GitHub") {
		t.Errorf("keyring unlock: %q", out)
	}
	c.ok("", "keyring", "off")
	c.fails("--password-stdin", "list")
	c.ok("second\n", "list", "--password-stdin")
}

func TestDamagedVaultOffersBackup(t *testing.T) {
	c := newCLIVault(t)
	c.ok("", "init")
	c.ok("", "add", "--issuer", "GitHub", "--secret", ghSecret)
	c.ok("", "add", "--issuer", "GitLab", "--secret", glSecret)
	path := c.env["NIDAN_VAULT"]
	good, _ := os.ReadFile(path)
	for name, bad := range map[string][]byte{
		"truncated": good[:len(good)/2],
		"bit flip":  append(append([]byte{}, good[:100]...), append([]byte{good[100] ^ 4}, good[101:]...)...),
		"empty":     {},
		"version 9": append(append([]byte("NIDAN-VAULT"), 9), good[12:]...),
	} {
		os.WriteFile(path, bad, 0o600)
		errOut := c.fails("newest backup: ", "list")
		if m := regexp.MustCompile(`newest backup: (\S+) \(\d{4}-\d\d-\d\d \d\d:\d\d\); restore with: nidan restore (\S+)`).FindStringSubmatch(errOut); m == nil || m[1] != m[2] {
			t.Errorf("%s: no usable restore hint in %q", name, errOut)
		}
		if b, _ := os.ReadFile(path); !bytes.Equal(b, bad) {
			t.Errorf("%s: the damaged vault was changed", name)
		}
	}
	errOut := c.fails("restore with", "list")
	restore := strings.TrimSpace(errOut[strings.Index(errOut, "nidan restore ")+len("nidan restore "):])
	if out := c.ok("", "restore", restore); !strings.Contains(out, "restored 2 accounts") || !strings.Contains(out, "damaged") {
		t.Errorf("restore: %q", out)
	}
	if out := c.ok("", "list"); !strings.Contains(out, "GitHub") || !strings.Contains(out, "GitLab") {
		t.Errorf("after restore: %q", out)
	}
	if m, _ := filepath.Glob(path + ".damaged-*"); len(m) != 1 {
		t.Errorf("damaged file not kept aside: %v", m)
	}
}

func TestRestoreOnNewMachine(t *testing.T) {
	c := newCLIVault(t)
	c.ok("", "init")
	c.ok("", "add", "--issuer", "GitHub", "--secret", ghSecret, "--name", "a")
	file := filepath.Join(t.TempDir(), "carry.nidan")
	c.ok("", "backup", "--out", file)
	if fi, _ := os.Stat(file); fi.Mode().Perm() != fsmode.Reported(0o600, false) {
		t.Errorf("backup file mode %v", fi.Mode())
	}
	// A new machine: nothing but the file and the password.
	d := newCLIVault(t)
	d.env["NIDAN_PASSWORD"] = c.env["NIDAN_PASSWORD"]
	if out := d.ok("", "restore", file); !strings.Contains(out, "restored 1 accounts") {
		t.Errorf("restore: %q", out)
	}
	// Merging again keeps one copy, and adds what the vault lacks.
	d.ok("", "add", "--issuer", "GitLab", "--secret", glSecret)
	if out := d.ok("", "restore", file); !strings.Contains(out, "added 0, 1 already in the vault") {
		t.Errorf("restore again: %q", out)
	}
	if out := d.ok("", "backup", "--list"); strings.Count(out, "nidan-backup-") < 2 {
		t.Errorf("backup --list: %q", out)
	}
	dir := t.TempDir()
	d.ok("", "backup", "--set-dir", dir)
	d.ok("", "backup")
	if m, _ := filepath.Glob(filepath.Join(dir, "nidan-backup-*.nidan")); len(m) != 2 {
		t.Errorf("backups in the new folder: %v", m)
	}
}

// TestKeyringUnavailableFallsBack runs the CLI in a child process whose
// D-Bus address leads nowhere: the real keyring backend fails, and Nidan
// says so in one line and uses the password.
func TestKeyringUnavailableFallsBack(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "vault.nidan")
	opts := testVaultOptions
	opts.Keyring = mapKeyring{}
	v, err := vault.Create(path, []byte("pw"), opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := v.SetKeyring(true); err != nil {
		t.Fatal(err)
	}
	args, _ := json.Marshal([]string{"list"})
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "NIDAN_TEST_CLI_CHILD="+string(args), "NIDAN_VAULT="+path, "NIDAN_PASSWORD=pw",
		"DBUS_SESSION_BUS_ADDRESS=unix:path="+filepath.Join(dir, "no-bus"))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("child: %v\n%s", err, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "keyring") || !strings.Contains(lines[0], "using the password") {
		t.Errorf("want one line explaining the fallback, got %q", stderr.String())
	}
	if !strings.Contains(stdout.String(), "ISSUER") {
		t.Errorf("list did not run: %q", stdout.String())
	}
}

type mapKeyring map[string]string

func (m mapKeyring) Get(_, u string) (string, error) {
	if s, ok := m[u]; ok {
		return s, nil
	}
	return "", vault.ErrNoKeyringEntry
}
func (m mapKeyring) Set(_, u, s string) error { m[u] = s; return nil }
func (m mapKeyring) Delete(_, u string) error { delete(m, u); return nil }

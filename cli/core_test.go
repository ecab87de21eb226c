package cli

import (
	"bytes"
	"strings"
	"testing"
)

// run executes one command line in-process and returns exit status and output.
func run(t *testing.T, env map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &Env{Args: args, Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut,
		Getenv: func(k string) string { return env[k] }, Version: "1.2.3", Commit: "abc123",
		VaultOptions: testVaultOptions}
	code := Run(e)
	return code, out.String(), errOut.String()
}

func TestCodeURI(t *testing.T) {
	const sha1Seed = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" // "12345678901234567890"
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"code", "--uri", "otpauth://totp/x?secret=" + sha1Seed + "&digits=8", "--time", "59"}, "94287082\n"},
		{[]string{"code", "--time", "2005-03-18T01:58:29Z", "--uri", "otpauth://totp/x?secret=" + sha1Seed + "&digits=8"}, "07081804\n"},
		{[]string{"code", "--uri", "otpauth://hotp/x?secret=" + sha1Seed + "&counter=9"}, "520489\n"},
	} {
		code, out, errOut := run(t, nil, "", tt.args...)
		if code != 0 || out != tt.want {
			t.Errorf("%v: exit %d, out %q, err %q; want %q", tt.args, code, out, errOut, tt.want)
		}
	}
}

func TestURICommand(t *testing.T) {
	code, out, _ := run(t, nil, "", "uri", "--issuer", "ACME Co", "--name", "me@x", "--secret", "jbsw y3dp ehpk 3pxp", "--digits", "8", "--algorithm", "sha256")
	want := "otpauth://totp/ACME%20Co:me@x?secret=JBSWY3DPEHPK3PXP&issuer=ACME+Co&algorithm=SHA256&digits=8&period=30\n"
	if code != 0 || out != want {
		t.Errorf("exit %d, %q; want %q", code, out, want)
	}
	code, out, _ = run(t, nil, "", "uri", "--name", "h", "--secret", "JBSWY3DPEHPK3PXP", "--type", "hotp", "--counter", "5")
	if code != 0 || !strings.HasPrefix(out, "otpauth://hotp/h?") || !strings.Contains(out, "counter=5") {
		t.Errorf("hotp: exit %d, %q", code, out)
	}
}

func TestMigrationCommand(t *testing.T) {
	code, out, _ := run(t, nil, "", "migration", "otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGEV4YW1wbGU6YWxpY2VAZ29vZ2xlLmNvbRoHRXhhbXBsZTAC")
	want := "otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example&algorithm=SHA1&digits=6&period=30\n"
	if code != 0 || out != want {
		t.Errorf("exit %d, %q", code, out)
	}
}

func TestErrorsAndExitCodes(t *testing.T) {
	for _, tt := range []struct {
		name     string
		args     []string
		exit     int
		inStderr string
	}{
		{"unknown command", []string{"frobnicate"}, 2, "unknown command"},
		{"unknown flag", []string{"code", "--frob"}, 2, "usage: nidan code"},
		{"missing uri", []string{"code"}, 2, "need --uri"},
		{"bad secret", []string{"code", "--uri", "otpauth://totp/x?secret=11"}, 1, "secret: secret is not valid base32"},
		{"bad digits", []string{"uri", "--name", "x", "--secret", "JBSWY3DPEHPK3PXP", "--digits", "9"}, 1, "digits \"9\""},
		{"bad algorithm", []string{"uri", "--name", "x", "--secret", "JBSWY3DPEHPK3PXP", "--algorithm", "md5"}, 1, "algorithm \"md5\""},
		{"bad time", []string{"code", "--uri", "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP", "--time", "yesterday"}, 1, "RFC 3339"},
		{"not migration", []string{"migration", "https://example.com"}, 1, "not an otpauth-migration"},
		{"migration args", []string{"migration"}, 2, "exactly one"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := run(t, nil, "", tt.args...)
			if code != tt.exit || !strings.Contains(errOut, tt.inStderr) || out != "" {
				t.Errorf("exit %d (want %d), stdout %q, stderr %q (want %q)", code, tt.exit, out, errOut, tt.inStderr)
			}
			if tt.exit == 1 && strings.Count(strings.TrimRight(errOut, "\n"), "\n") != 0 {
				t.Errorf("error is not one line: %q", errOut)
			}
		})
	}
}

// TestStrayArgument checks that every command taking flags only refuses a
// positional argument, naming it, before it reads or writes anything.
func TestStrayArgument(t *testing.T) {
	dir := t.TempDir() // were an argument let through, nothing real is touched
	env := map[string]string{"NIDAN_VAULT": dir + "/none.vault", "NIDAN_ENROLL_STORE": "sqlite:" + dir + "/enroll.db"}
	for _, args := range [][]string{
		{"uri", "--name", "x", "--secret", "JBSWY3DPEHPK3PXP", "stray"},
		{"init", "stray"},
		{"list", "stray"},
		{"passwd", "stray"},
		{"backup", "stray"},
		{"export", "--format", "uris", "stray"},
		{"enroll", "accept-store", "stray"},
		{"enroll", "list", "stray"},
		{"enroll", "serve", "--tls-cert", "x", "stray"}, // would serve if the argument passed
	} {
		code, out, errOut := run(t, env, "", args...)
		if code != 2 || out != "" || !strings.Contains(errOut, `unexpected argument "stray"`) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 naming the stray argument", args, code, out, errOut)
		}
	}
}

func TestHelpAndVersion(t *testing.T) {
	code, out, _ := run(t, nil, "", "--version")
	if code != 0 || out != "nidan 1.2.3 (abc123)\n" {
		t.Errorf("--version: %d %q", code, out)
	}
	code, out, _ = run(t, nil, "", "help")
	if code != 0 || !strings.Contains(out, "migration") || !strings.Contains(out, "uri") {
		t.Errorf("help: %d %q", code, out)
	}
	code, out, _ = run(t, nil, "", "help", "code")
	if code != 0 || !strings.Contains(out, "usage: nidan code") {
		t.Errorf("help code: %d %q", code, out)
	}
	code, out, _ = run(t, nil, "", "code", "-h")
	if code != 0 || !strings.Contains(out, "usage: nidan code") {
		t.Errorf("code -h: %d %q", code, out)
	}
}

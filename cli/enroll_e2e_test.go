package cli

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/scanner"
	"github.com/nidan-auth/nidan/vault"
)

// TestEnrollEndToEnd plays the seed's scenario with both sides of Nidan:
// the service side enrolls alice through the CLI and writes the QR code to a
// PNG; the authenticator side scans that PNG with the scanner, adds the
// account to an encrypted vault, reopens the vault and reads its code; that
// code enables two-step login, the next one signs in, a replay and guesses
// are refused, and an admin reset removes the factor.
func TestEnrollEndToEnd(t *testing.T) {
	et := newEnrollTest(t)
	dir := t.TempDir()

	// Service: a user and a QR code.
	et.must("enroll", "user", "add", "alice")
	qr := filepath.Join(dir, "enroll-qr.png")
	out := et.must("enroll", "begin", "alice", "--issuer", "Seed Console", "--qr", qr)
	printedURI := strings.SplitN(out, "\n", 2)[0]

	// Authenticator: scan the PNG, as `nidan` does with a file or screen.
	rs, err := scanner.DecodeFile(qr)
	if err != nil {
		t.Fatalf("scan %s: %v", qr, err)
	}
	if len(rs) != 1 || rs[0].Text != printedURI {
		t.Fatalf("scanned %v, want the printed URI", scanner.Texts(rs))
	}
	scanned, err := accounts.ParseURI(rs[0].Text)
	if err != nil {
		t.Fatal(err)
	}
	vaultPath := filepath.Join(dir, "vault.nidan")
	vopts := vault.Options{KDF: vault.KDFParams{Time: 1, Memory: 64, Threads: 1},
		Now: func() time.Time { return et.now }}
	v, err := vault.Create(vaultPath, []byte("vault pw"), vopts)
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := v.Add(scanned); err != nil || rep.Added != 1 {
		t.Fatalf("vault add: %+v, %v", rep, err)
	}
	v.Lock()
	v, err = vault.Open(vaultPath, []byte("vault pw"), vopts)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Lock()
	accts := v.Accounts()
	if len(accts) != 1 || accts[0].Issuer != "Seed Console" || accts[0].Name != "alice" {
		t.Fatalf("vault holds %+v", accts)
	}
	vaultCode := func() string {
		t.Helper()
		c, err := accts[0].CodeAt(et.now)
		if err != nil {
			t.Fatal(err)
		}
		return c.Current
	}

	// The vault's code enables two-step login.
	et.must("enroll", "confirm", "alice", vaultCode())
	if out := et.must("enroll", "list"); !strings.Contains(out, "alice  on") {
		t.Fatalf("after confirm:\n%s", out)
	}

	// Next period: the vault's code signs in, once.
	et.now = et.now.Add(30 * time.Second)
	code := vaultCode()
	et.must("enroll", "login", "alice", code)
	if st, _, errs := et.run("", "enroll", "login", "alice", code); st != 1 || !strings.Contains(errs, "code already used") {
		t.Fatalf("same code again: status %d, %q; want refused as a replay", st, errs)
	}

	// Guesses lock alice out: the replay was failure 1, four more make 5.
	for _, guess := range []string{"000000", "111111", "123456", "999999"} {
		if guess == code {
			continue
		}
		if st, _, errs := et.run("", "enroll", "login", "alice", guess); st != 1 || !strings.Contains(errs, "refused") {
			t.Fatalf("guess %s: %d %q", guess, st, errs)
		}
	}
	et.now = et.now.Add(30 * time.Second)
	if st, _, errs := et.run("", "enroll", "login", "alice", vaultCode()); st != 1 || !strings.Contains(errs, "locked out") {
		t.Fatalf("right code while locked out: %d %q", st, errs)
	}

	// The admin resets the lost factor: the lockout goes too, the password
	// alone is accepted by the service but not as two-step login.
	et.must("enroll", "reset", "alice")
	if st, _, errs := et.run("", "enroll", "login", "alice", vaultCode()); st != 1 || !strings.Contains(errs, "not enabled") {
		t.Fatalf("after reset: %d %q", st, errs)
	}
	// And alice can enroll again.
	out = et.must("enroll", "begin", "alice")
	a2, err := accounts.ParseURI(strings.SplitN(out, "\n", 2)[0])
	if err != nil {
		t.Fatal(err)
	}
	if a2.SameKey(&accts[0]) {
		t.Error("re-enrollment reused the old secret")
	}
}

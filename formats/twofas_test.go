package formats

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/nidan-auth/nidan/accounts"
)

// write2FASEncryptedTest writes exportAccounts as an encrypted 2FAS backup.
func write2FASEncryptedTest(t *testing.T, accts []accounts.Account, password string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := write2FASEncrypted(&buf, accts, []byte(password), time.UnixMilli(1735689600000), rand.Reader); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// The encrypted backup Nidan writes opens with gen_vectors.py's
// independent decryption, holds 2FAS's reference text, and its services are
// exactly those of the plain backup.
func TestExport2FASEncryptedPython(t *testing.T) {
	if err := exec.Command("python3", "-c", "import cryptography").Run(); err != nil {
		t.Skip("python3 with the cryptography package not available")
	}
	const password = "pässword 2FAS"
	accts := exportAccounts()
	path := filepath.Join(t.TempDir(), "backup.2fas")
	if err := os.WriteFile(path, write2FASEncryptedTest(t, accts, password), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("python3", filepath.Join("testdata", "import", "gen_vectors.py"), "--decrypt-2fas", path, password).Output()
	if err != nil {
		t.Fatalf("python decrypt: %v", err)
	}
	var got struct {
		Reference string `json:"reference"`
		Services  []any  `json:"services"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("python output: %v\n%s", err, out)
	}
	if got.Reference != twoFASReference {
		t.Errorf("reference decrypts to %q", got.Reference)
	}
	var plain bytes.Buffer
	if err := write2FAS(&plain, accts, time.UnixMilli(1735689600000)); err != nil {
		t.Fatal(err)
	}
	var want struct {
		Services []any `json:"services"`
	}
	if err := json.Unmarshal(plain.Bytes(), &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Services, want.Services) {
		t.Errorf("decrypted services differ from the plain backup's:\ngot  %v\nwant %v", got.Services, want.Services)
	}
}

// The layout 2FAS reads: services empty, a 256-byte salt shared by both
// fields, a 12-byte IV of its own for each, groups in the clear.
func TestExport2FASEncryptedLayout(t *testing.T) {
	var f map[string]json.RawMessage
	if err := json.Unmarshal(write2FASEncryptedTest(t, exportAccounts(), "pw"), &f); err != nil {
		t.Fatal(err)
	}
	if string(f["services"]) != "[]" || string(f["schemaVersion"]) != "4" || !strings.Contains(string(f["groups"]), `"Work"`) {
		t.Errorf("services %s, schemaVersion %s, groups %s", f["services"], f["schemaVersion"], f["groups"])
	}
	var fields [2][3][]byte
	for i, name := range []string{"reference", "servicesEncrypted"} {
		var s string
		if err := json.Unmarshal(f[name], &s); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		parts := strings.Split(s, ":")
		if len(parts) != 3 {
			t.Fatalf("%s has %d fields", name, len(parts))
		}
		for j, p := range parts {
			b, err := base64.StdEncoding.DecodeString(p)
			if err != nil {
				t.Fatalf("%s field %d: %v", name, j, err)
			}
			fields[i][j] = b
		}
	}
	ref, svc := fields[0], fields[1]
	if len(ref[1]) != twoFASSaltSize || !bytes.Equal(ref[1], svc[1]) {
		t.Errorf("salts: %d and %d bytes, equal %v", len(ref[1]), len(svc[1]), bytes.Equal(ref[1], svc[1]))
	}
	if len(ref[2]) != 12 || len(svc[2]) != 12 || bytes.Equal(ref[2], svc[2]) {
		t.Errorf("IVs must be 12 bytes and distinct: %x %x", ref[2], svc[2])
	}
	if len(ref[0]) != len(twoFASReference)+16 {
		t.Errorf("reference ciphertext is %d bytes", len(ref[0]))
	}
	if err := write2FASEncrypted(&bytes.Buffer{}, exportAccounts(), nil, time.Now(), rand.Reader); !errors.Is(err, ErrPasswordNeeded) {
		t.Errorf("no password: %v", err)
	}
}

// Nidan's own encrypted backup: a wrong password is a wrong password, a
// damaged services field (reference intact) is damage.
func TestExport2FASEncryptedWrongPasswordVsDamage(t *testing.T) {
	data := write2FASEncryptedTest(t, exportAccounts(), "right")
	if _, err := Import(data, "", pw("wrong")); !errors.Is(err, accounts.ErrWrongPassword) || errors.Is(err, accounts.ErrMalformed) {
		t.Errorf("wrong password: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(m["servicesEncrypted"].(string), ":")
	ct, _ := base64.StdEncoding.DecodeString(parts[0])
	ct[3] ^= 0x40
	parts[0] = base64.StdEncoding.EncodeToString(ct)
	m["servicesEncrypted"] = strings.Join(parts, ":")
	damaged, _ := json.Marshal(m)
	if accts, err := Import(damaged, "", pw("right")); !errors.Is(err, accounts.ErrMalformed) || errors.Is(err, accounts.ErrWrongPassword) || accts != nil {
		t.Errorf("damaged services: %d accounts, %v", len(accts), err)
	}
}

// A schema 1 service that cannot be read fails alone.
func TestImport2FASSchema1BadEntry(t *testing.T) {
	data := editJSON(t, "2fas_schema1.2fas", func(m map[string]any) {
		bad := map[string]any{"name": "Broken", "secret": "not base32!", "order": map[string]any{"position": 9},
			"otp": map[string]any{"account": "frank", "issuer": "Broken"}}
		m["services"] = append([]any{bad}, m["services"].([]any)...)
	})
	accts, err := Import(data, "", nil)
	var ie *ImportError
	if !errors.As(err, &ie) || len(ie.Entries) != 1 || ie.Entries[0].Where != "entry 1" || !strings.Contains(ie.Entries[0].Label, "Broken") {
		t.Fatalf("err = %v", err)
	}
	if want := string(readImport(t, "2fas_schema1.golden")); render(accts) != want {
		t.Errorf("the good entries:\n%s\nwant:\n%s", render(accts), want)
	}
}

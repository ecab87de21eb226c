package sqlcipher

import (
	"bytes"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"testing"

	_ "modernc.org/sqlite"
)

const testPassword = "correct horse battery staple" // testdata/gen.sh's

func readV3(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "v3.db"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A database made by Debian's sqlcipher 3.4.1 decrypts to a SQLite file
// that passes SQLite's own integrity check and holds the 200 rows.
func TestDecryptSQLCipher3(t *testing.T) {
	plain, err := Decrypt(readV3(t), []byte(testPassword), V3)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "plain.db")
	if err := os.WriteFile(path, plain, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var check string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check = %q, %v", check, err)
	}
	var n int
	var last string
	if err := db.QueryRow("SELECT count(*), max(v) FROM t").Scan(&n, &last); err != nil || n != 200 {
		t.Fatalf("rows = %d, %v", n, err)
	}
	if err := db.QueryRow("SELECT v FROM t WHERE id = 200").Scan(&last); err != nil || last != "row 200 JBSWY3DPEHPK3PXP" {
		t.Fatalf("row 200 = %q, %v", last, err)
	}
}

// A wrong password fails page 1's HMAC; damage on a later page, once the
// key checked out, is ErrCorrupt, never a wrong password.
func TestWrongPasswordVsDamage(t *testing.T) {
	data := readV3(t)
	if _, err := Decrypt(data, []byte("not the password"), V3); !errors.Is(err, ErrWrongPassword) {
		t.Errorf("wrong password: %v", err)
	}
	damaged := bytes.Clone(data)
	damaged[len(damaged)-V3.PageSize+100] ^= 1
	if _, err := Decrypt(damaged, []byte(testPassword), V3); !errors.Is(err, ErrCorrupt) || errors.Is(err, ErrWrongPassword) {
		t.Errorf("damaged last page: %v", err)
	}
	if _, err := Decrypt(data[:len(data)-1], []byte(testPassword), V3); !errors.Is(err, ErrCorrupt) {
		t.Errorf("cut short: %v", err)
	}
	if _, err := Decrypt(data[:100], []byte(testPassword), V3); !errors.Is(err, ErrCorrupt) {
		t.Errorf("less than a page: %v", err)
	}
}

// FuzzDecrypt: no input panics. The KDF runs once per input, so the
// iteration count is lowered; a real file then reads as a wrong password.
func FuzzDecrypt(f *testing.F) {
	p := V3
	p.Iterations = 2
	f.Add(readV3(f)[:2*V3.PageSize], testPassword)
	f.Add(make([]byte, V3.PageSize), "")
	f.Fuzz(func(t *testing.T, data []byte, password string) {
		out, err := Decrypt(data, []byte(password), p)
		if err == nil && (len(out) != len(data) || !bytes.HasPrefix(out, sqliteMagic)) {
			t.Fatalf("decrypted %d bytes of %d without the SQLite magic", len(out), len(data))
		}
	})
}

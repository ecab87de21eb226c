package zipcrypt

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

const testPassword = "correct horse battery staple" // testdata/gen.sh's

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Archives made by Info-ZIP and 7-Zip (testdata/gen.sh) decrypt to the
// files they were made from; a wrong password is ErrWrongPassword.
func TestRealArchives(t *testing.T) {
	small, big := readTestdata(t, "small.json"), readTestdata(t, "big.txt")
	for _, tt := range []struct {
		archive string
		entries map[string][]byte
	}{
		{"zipcrypto.zip", map[string][]byte{"small.json": small, "big.txt": big}},
		{"zipcrypto_stored.zip", map[string][]byte{"small.json": small}},
		{"zipcrypto_stream.zip", map[string][]byte{"-": big}}, // data descriptor: the check byte is the time's
		{"aes256.zip", map[string][]byte{"small.json": small, "big.txt": big}},
		{"aes128.zip", map[string][]byte{"small.json": small, "big.txt": big}},
		{"aes192_stored.zip", map[string][]byte{"small.json": small}},
		{"ae1.zip", map[string][]byte{"small.json": small}}, // gen_ae1.py, checked with 7zz t
	} {
		t.Run(tt.archive, func(t *testing.T) {
			a, err := Open(readTestdata(t, tt.archive))
			if err != nil {
				t.Fatal(err)
			}
			if len(a.Names()) != len(tt.entries) {
				t.Errorf("Names = %q", a.Names())
			}
			for name, want := range tt.entries {
				if !a.Encrypted(name) {
					t.Errorf("%s: not reported as encrypted", name)
				}
				got, err := a.ReadFile(name, []byte(testPassword), 1<<20)
				if err != nil || !bytes.Equal(got, want) {
					t.Errorf("%s: %d bytes, %v; want %d bytes", name, len(got), err, len(want))
				}
				if _, err := a.ReadFile(name, []byte("not the password"), 1<<20); !errors.Is(err, ErrWrongPassword) {
					t.Errorf("%s with a wrong password: %v", name, err)
				}
				if _, err := a.ReadFile(name, nil, 1<<20); !errors.Is(err, ErrNoPassword) {
					t.Errorf("%s without a password: %v", name, err)
				}
				if _, err := a.ReadFile(name, []byte(testPassword), int64(len(want)-1)); !errors.Is(err, ErrTooLarge) {
					t.Errorf("%s over the size limit: %v", name, err)
				}
			}
			if _, err := a.ReadFile("missing", []byte(testPassword), 1<<20); !errors.Is(err, ErrNotFound) {
				t.Errorf("missing entry: %v", err)
			}
		})
	}
}

func TestPlainArchive(t *testing.T) {
	a, err := Open(readTestdata(t, "plain.zip"))
	if err != nil {
		t.Fatal(err)
	}
	if a.Encrypted("small.json") {
		t.Error("plain entry reported as encrypted")
	}
	got, err := a.ReadFile("small.json", nil, 1<<20)
	if err != nil || !bytes.Equal(got, readTestdata(t, "small.json")) {
		t.Fatalf("plain entry: %q, %v", got, err)
	}
}

// A flipped bit in the encrypted data, past the password check, is damage
// and never a wrong password: the MAC (AES) or the CRC (ZipCrypto) fails.
func TestDamageIsNotWrongPassword(t *testing.T) {
	for _, tt := range []struct{ archive, entry string }{
		{"aes256.zip", "big.txt"},
		{"zipcrypto.zip", "big.txt"},
		{"zipcrypto_stored.zip", "small.json"},
	} {
		t.Run(tt.archive, func(t *testing.T) {
			data := readTestdata(t, tt.archive)
			a, err := Open(data)
			if err != nil {
				t.Fatal(err)
			}
			f := a.find(tt.entry)
			off, err := f.DataOffset()
			if err != nil {
				t.Fatal(err)
			}
			damaged := bytes.Clone(data)
			damaged[off+int64(f.CompressedSize64)/2] ^= 0x10
			a, err = Open(damaged)
			if err != nil {
				t.Fatal(err)
			}
			_, err = a.ReadFile(tt.entry, []byte(testPassword), 1<<20)
			if !errors.Is(err, ErrCorrupt) || errors.Is(err, ErrWrongPassword) {
				t.Fatalf("damaged entry: %v, want ErrCorrupt", err)
			}
		})
	}
	if _, err := Open([]byte("PK\x03\x04 not really")); !errors.Is(err, ErrCorrupt) {
		t.Errorf("not a ZIP: %v", err)
	}
}

// FuzzReadFile: no archive panics, hangs or inflates past the limit.
func FuzzReadFile(f *testing.F) {
	for _, name := range []string{"zipcrypto.zip", "zipcrypto_stored.zip", "zipcrypto_stream.zip", "aes256.zip", "aes128.zip", "aes192_stored.zip", "ae1.zip", "plain.zip"} {
		f.Add(readTestdata(f, name), testPassword)
	}
	f.Fuzz(func(t *testing.T, data []byte, password string) {
		a, err := Open(data)
		if err != nil {
			return
		}
		for _, name := range a.Names() {
			out, err := a.ReadFile(name, []byte(password), 1<<16)
			if err == nil && len(out) > 1<<16 {
				t.Fatalf("%s: %d bytes past the limit", name, len(out))
			}
		}
	})
}

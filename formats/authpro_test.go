package formats

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/pbkdf2"
	"crypto/sha1"
	"errors"
	"strings"
	"testing"

	"github.com/nidan-auth/nidan/accounts"
)

// Wrong password and damage, kept apart for both encrypted layouts as
// docs/formats.md says.
func TestAuthProWrongPasswordVsDamage(t *testing.T) {
	t.Parallel() // the app's own Argon2id cost, several times; lowers no cost itself
	current := readImport(t, "authpro_encrypted.authpro")
	legacy := readImport(t, "authpro_legacy.authpro")
	flip := func(b []byte, i int) []byte { b = bytes.Clone(b); b[i] ^= 0x10; return b }
	const legacyBody = len(authProLegacyHeader) + authProLegacySalt + 16 // where the legacy ciphertext starts
	tests := []struct {
		name     string
		data     []byte
		password string
		want     error
	}{
		{"current wrong password", current, "not it", accounts.ErrWrongPassword},
		{"legacy wrong password", legacy, "not it", accounts.ErrWrongPassword},
		{"current header only", current[:len(authProHeader)+4], testPassword, accounts.ErrMalformed},
		{"legacy cut mid-block", legacy[:len(legacy)-5], testPassword, accounts.ErrMalformed},
		{"legacy header only", legacy[:legacyBody], testPassword, accounts.ErrMalformed},
		// CBC: a flipped bit garbles one block and one bit of the next; the
		// opening brace survives, so it is damage, not a wrong password.
		{"legacy ciphertext flipped", flip(legacy, legacyBody+40), testPassword, accounts.ErrMalformed},
		{"legacy last block flipped", flip(legacy, len(legacy)-20), testPassword, accounts.ErrMalformed},
		// GCM cannot tell: reported as a wrong password, nothing imported.
		{"current tag flipped", flip(current, len(current)-1), testPassword, accounts.ErrWrongPassword},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			accts, err := Import(tt.data, "", pw(tt.password))
			if !errors.Is(err, tt.want) || accts != nil {
				t.Fatalf("Import = %d accounts, %v; want %v", len(accts), err, tt.want)
			}
			if tt.want == accounts.ErrMalformed && errors.Is(err, accounts.ErrWrongPassword) {
				t.Fatalf("damage reported as a wrong password: %v", err)
			}
			if tt.want == accounts.ErrWrongPassword && errors.Is(err, accounts.ErrMalformed) {
				t.Fatalf("a wrong password reported as damage: %v", err)
			}
		})
	}
	for _, data := range [][]byte{current, legacy} {
		if _, err := Import(data, "", nil); !errors.Is(err, ErrPasswordNeeded) {
			t.Errorf("no password: %v", err)
		}
	}
}

// A row that cannot become an account (Yandex, a bad secret) fails alone.
func TestAuthProDBBadRows(t *testing.T) {
	accts, err := Import(readImport(t, "authpro_db_bad.db3"), "", nil)
	var ie *ImportError
	if !errors.As(err, &ie) || len(ie.Entries) != 2 {
		t.Fatalf("err = %v", err)
	}
	if !errors.Is(ie.Entries[0].Err, ErrUnsupportedOTP) || !strings.Contains(ie.Entries[1].Label, "Broken") {
		t.Errorf("entries: %v", ie)
	}
	if len(accts) != 1 || accts[0].Issuer != "Fine" {
		t.Errorf("imported %v", render(accts))
	}
}

// A legacy backup whose plaintext is only padding is damage, not a crash.
func TestAuthProLegacyEmptyPlaintext(t *testing.T) {
	salt, iv := bytes.Repeat([]byte{1}, authProLegacySalt), bytes.Repeat([]byte{2}, 16)
	key, err := pbkdf2.Key(sha1.New, testPassword, salt, authProLegacyIter, 32)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := aes.NewCipher(key)
	ct := make([]byte, 16)
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(ct, bytes.Repeat([]byte{16}, 16))
	data := append(append(append([]byte(authProLegacyHeader), salt...), iv...), ct...)
	if _, err := Import(data, "", pw(testPassword)); !errors.Is(err, accounts.ErrWrongPassword) {
		t.Fatalf("err = %v", err) // nothing in it can show it is the right key
	}
}

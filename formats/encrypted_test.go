package formats

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/nidan-auth/nidan/accounts"
)

// For each encrypted format added with the registry: a wrong password is
// ErrWrongPassword and never damage, damage is ErrMalformed and never a
// wrong password, and no password at all is ErrPasswordNeeded.
func TestEncryptedWrongPasswordVsDamage(t *testing.T) {
	proton := string(readImport(t, "proton_encrypted.json"))
	ente := string(readImport(t, "ente_encrypted.txt"))
	andotp := readImport(t, "andotp_encrypted.json.aes")
	andotpOld := readImport(t, "andotp_encrypted_old.json.aes")
	authy := readImport(t, "authy_encrypted.xml")
	flip := func(b []byte, i int) []byte { b = bytes.Clone(b); b[i] ^= 1; return b }
	for _, tt := range []struct {
		name string
		data []byte
		want error // for the right password
	}{
		{"proton wrong password", []byte(proton), nil},
		{"2fas schema 2 wrong password", readImport(t, "2fas_schema2_encrypted.2fas"), nil},
		{"proton salt too short", []byte(strings.Replace(proton, `"salt": "`, `"salt": "AAAA`, 1)), accounts.ErrMalformed},
		{"proton content not base64", []byte(strings.Replace(proton, `"content": "`, `"content": "!`, 1)), accounts.ErrMalformed},
		{"proton version 2", []byte(strings.Replace(proton, `"version": 1`, `"version": 2`, 1)), accounts.ErrMalformed},
		{"ente wrong password", []byte(ente), nil},
		{"ente nonce cut", []byte(strings.Replace(ente, `"encryptionNonce": "`, `"encryptionNonce": "AAAA`, 1)), accounts.ErrMalformed},
		{"ente memLimit absurd", []byte(strings.Replace(ente, `"memLimit": 8388608`, `"memLimit": 4398046511104`, 1)), accounts.ErrMalformed},
		{"ente opsLimit zero", []byte(strings.Replace(ente, `"opsLimit": 2`, `"opsLimit": 0`, 1)), accounts.ErrMalformed},
		{"andotp wrong password", andotp, nil},
		{"andotp old wrong password", andotpOld, nil},
		{"andotp truncated", andotp[:20], nil}, // too short to be detected: unknown
		{"authy wrong password", authy, nil},
		{"authy secret not base64", []byte(strings.Replace(string(authy), "encryptedSecret&quot;: &quot;", "encryptedSecret&quot;: &quot;!", 1)), accounts.ErrMalformed},
		{"authy iterations absurd", []byte(strings.Replace(string(authy), "100000", "99999999999", 1)), accounts.ErrMalformed},
		{"authy not XML", []byte(strings.Replace(string(authy), "</map>", "</mop>", 1)), accounts.ErrMalformed},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if strings.HasSuffix(tt.name, "wrong password") {
				_, err := Import(tt.data, "", pw("not the password"))
				if !errors.Is(err, accounts.ErrWrongPassword) || errors.Is(err, accounts.ErrMalformed) {
					t.Errorf("wrong password: %v", err)
				}
				if _, err := Import(tt.data, "", nil); !errors.Is(err, ErrPasswordNeeded) {
					t.Errorf("no password: %v", err)
				}
				return
			}
			_, err := Import(tt.data, "", pw(testPassword))
			if tt.want == nil {
				if !errors.Is(err, ErrUnknownFormat) {
					t.Errorf("got %v, want ErrUnknownFormat", err)
				}
				return
			}
			if !errors.Is(err, tt.want) || errors.Is(err, accounts.ErrWrongPassword) {
				t.Errorf("damaged: %v, want %v", err, tt.want)
			}
		})
	}
	// A flipped ciphertext bit cannot be told from a wrong key by AEAD; it
	// is reported as a wrong password, and nothing is imported.
	if accts, err := Import(flip(andotp, len(andotp)-1), "", pw(testPassword)); !errors.Is(err, accounts.ErrWrongPassword) || accts != nil {
		t.Errorf("andOTP with a flipped tag bit: %d accounts, %v", len(accts), err)
	}
	if _, err := Import(andotp[:40], "andotp-encrypted", pw(testPassword)); !errors.Is(err, accounts.ErrWrongPassword) {
		t.Errorf("andOTP cut short: %v", err)
	}
	if _, err := Import(andotp[:20], "andotp-encrypted", pw(testPassword)); !errors.Is(err, accounts.ErrMalformed) {
		t.Errorf("andOTP shorter than a nonce and tag: %v", err)
	}
}

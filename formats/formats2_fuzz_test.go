package formats

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/pbkdf2"
	"crypto/sha1"
	"errors"
	"testing"

	"golang.org/x/crypto/argon2"
)

func Fuzz2FAS(f *testing.F) {
	fuzzReader(f, "2fas", "2fas_schema1.2fas", "2fas_schema2.2fas", "2fas_schema2_encrypted.2fas", "2fas_plain.2fas", "2fas_encrypted.2fas")
}

func FuzzFreeOTP2(f *testing.F) {
	fuzzReader(f, "freeotp-backup", "freeotp_backup_fast.xml", "freeotp_backup_prefs.xml")
}

func FuzzAuthProDB(f *testing.F) {
	fuzzReader(f, "authpro-db", "authpro_db.db3", "authpro_db_bad.db3")
}

// sealAuthPro writes plain as an encrypted Authenticator Pro backup, in the
// current or the legacy layout, at whatever cost the KDF vars are set to.
func sealAuthPro(t testing.TB, plain []byte, legacy bool) []byte {
	salt := bytes.Repeat([]byte{7}, authProSaltLen)
	if !legacy {
		key := argon2.IDKey([]byte(testPassword), salt, authProArgonTime, authProArgonMemKiB, authProArgonLanes, 32)
		aead, err := newGCM(key)
		if err != nil {
			t.Fatal(err)
		}
		iv := bytes.Repeat([]byte{9}, authProIVLen)
		return append(append(append([]byte(authProHeader), salt...), iv...), aead.Seal(nil, iv, plain, nil)...)
	}
	salt = bytes.Repeat([]byte{7}, authProLegacySalt)
	key, err := pbkdf2.Key(sha1.New, testPassword, salt, authProLegacyIter, 32)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := aes.NewCipher(key)
	n := aes.BlockSize - len(plain)%aes.BlockSize
	padded := append(bytes.Clone(plain), bytes.Repeat([]byte{byte(n)}, n)...)
	iv := bytes.Repeat([]byte{9}, aes.BlockSize)
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(padded, padded)
	return append(append(append([]byte(authProLegacyHeader), salt...), iv...), padded...)
}

// FuzzAuthProEncrypted: any plaintext, sealed in either layout, imports
// exactly as the same text does as a plain backup (the decryption changes
// nothing), and what fails plain fails encrypted.
func FuzzAuthProEncrypted(f *testing.F) {
	fuzzCheap(f)
	for _, s := range []string{"authpro.json"} {
		f.Add(readImport(f, s), false)
		f.Add(readImport(f, s), true)
	}
	f.Add([]byte(`{"Authenticators":[{"Type":5,"Secret":"x"}]}`), true)
	f.Add([]byte{}, true)
	f.Fuzz(func(t *testing.T, plain []byte, legacy bool) {
		asked := 0
		accts, err := Import(sealAuthPro(t, plain, legacy), "", func() ([]byte, error) { asked++; return []byte(testPassword), nil })
		checkFuzzedImport(t, accts, err, asked)
		want, werr := Import(plain, "authpro", nil)
		var ie, wie *ImportError
		switch {
		case werr == nil || errors.As(werr, &wie):
			if (werr == nil) != (err == nil) || (wie != nil && !errors.As(err, &ie)) {
				t.Fatalf("plain: %v; encrypted: %v", werr, err)
			}
			if render(accts) != render(want) {
				t.Fatalf("encrypted import differs:\n%s\nplain:\n%s", render(accts), render(want))
			}
		case err == nil || accts != nil:
			t.Fatalf("plain fails (%v), encrypted gives %d accounts, %v", werr, len(accts), err)
		}
	})
}

// Package sqlcipher decrypts a SQLCipher database file into a plain SQLite
// database, page by page, with the parameters SQLCipher 3 uses by default
// (Zetetic's published design; docs/formats.md, "SQLCipher databases").
// Authenticator Plus keeps its backup that way (cipher_compatibility 3).
// It reads only; it never writes SQLCipher. SQLCipher 4's defaults
// (4096-byte pages, PBKDF2-HMAC-SHA512 256 000, HMAC-SHA512) fit Params
// too, but no app Nidan reads uses them and Debian 12 has no tool to make
// a test file, so they are not offered.
//
// The first 16 bytes of the file are the KDF salt. Every page ends with a
// reserve of IV ‖ HMAC (‖ padding to the AES block size); the rest of the
// page (page 1 after the salt) is AES-256-CBC under the derived key. The
// HMAC covers the encrypted bytes and the IV, then the page number as 4
// bytes little-endian. A first page whose HMAC fails is a wrong password
// (SQLCipher itself cannot tell otherwise); once it verifies, any later
// failure is damage.
package sqlcipher

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
)

// Errors callers can test with errors.Is.
var (
	ErrWrongPassword = errors.New("wrong password for the SQLCipher database")
	ErrCorrupt       = errors.New("SQLCipher database is damaged")
)

// Params is one SQLCipher configuration.
type Params struct {
	Name       string
	PageSize   int
	Iterations int
	Hash       func() hash.Hash // PBKDF2 and HMAC
	HashSize   int
}

// V3 is SQLCipher 3.x's default (cipher_compatibility 3).
var V3 = Params{Name: "SQLCipher 3", PageSize: 1024, Iterations: 64000, Hash: sha1.New, HashSize: sha1.Size}

const (
	saltLen     = 16
	keyLen      = 32
	hmacSaltXOR = 0x3a
	hmacIter    = 2
)

// sqliteMagic is what page 1 of the plain database starts with, in place
// of the salt.
var sqliteMagic = []byte("SQLite format 3\x00")

// reserve is the bytes at the end of each page: IV and HMAC, rounded up to
// whole AES blocks.
func (p Params) reserve() int {
	n := aes.BlockSize + p.HashSize
	return (n + aes.BlockSize - 1) / aes.BlockSize * aes.BlockSize
}

// Decrypt returns the plain SQLite database. The reserve stays at the end
// of every page, zeroed, as the plain header says (byte 20).
func Decrypt(data, password []byte, p Params) ([]byte, error) {
	if len(data) < p.PageSize || len(data)%p.PageSize != 0 {
		return nil, fmt.Errorf("%w: %d bytes is not whole %d-byte pages", ErrCorrupt, len(data), p.PageSize)
	}
	salt := data[:saltLen]
	key, err := pbkdf2.Key(p.Hash, string(password), salt, p.Iterations, keyLen)
	if err != nil {
		return nil, err
	}
	macSalt := make([]byte, saltLen)
	for i, b := range salt {
		macSalt[i] = b ^ hmacSaltXOR
	}
	macKey, err := pbkdf2.Key(p.Hash, string(key), macSalt, hmacIter, keyLen)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	out := make([]byte, len(data))
	res := p.reserve()
	var pgno [4]byte
	for off := 0; off < len(data); off += p.PageSize {
		page := data[off : off+p.PageSize]
		n := off/p.PageSize + 1
		start := 0
		if n == 1 {
			start = saltLen
		}
		enc, iv := page[start:p.PageSize-res], page[p.PageSize-res:p.PageSize-res+aes.BlockSize]
		mac := hmac.New(p.Hash, macKey)
		mac.Write(page[start : p.PageSize-res+aes.BlockSize])
		binary.LittleEndian.PutUint32(pgno[:], uint32(n))
		mac.Write(pgno[:])
		want := page[p.PageSize-res+aes.BlockSize : p.PageSize-res+aes.BlockSize+p.HashSize]
		if !hmac.Equal(mac.Sum(nil), want) {
			if n == 1 {
				return nil, ErrWrongPassword
			}
			return nil, fmt.Errorf("%w: page %d fails its HMAC", ErrCorrupt, n)
		}
		cipher.NewCBCDecrypter(block, iv).CryptBlocks(out[off+start:off+p.PageSize-res], enc)
	}
	copy(out, sqliteMagic)
	// The plain header must agree with how the pages were read.
	if int(binary.BigEndian.Uint16(out[16:])) != p.PageSize%65536 || int(out[20]) != res {
		return nil, fmt.Errorf("%w: the decrypted header is not %s's", ErrCorrupt, p.Name)
	}
	return out, nil
}

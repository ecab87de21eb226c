// Package zipcrypt reads password-protected ZIP archives, which Go's
// archive/zip lists but does not decrypt: the traditional PKWARE
// encryption ("ZipCrypto", APPNOTE.TXT §6.1) and WinZip's AES encryption
// (AE-1 and AE-2, 128/192/256-bit keys, as WinZip's "AES Encryption
// Information" document specifies). Raivo OTP and Authenticator Plus
// export such archives; docs/formats.md, "Password-protected ZIP
// archives", describes both methods.
//
// A wrong password and a damaged archive are told apart as far as each
// method allows: ZipCrypto checks one byte of its header against the
// entry's CRC (1 wrong password in 256 passes it), WinZip AES a 2-byte
// verifier (1 in 65 536). A password that passes the check but whose data
// then fails the CRC or the MAC is reported as damage.
package zipcrypt

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"crypto/aes"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

// Errors callers can test with errors.Is.
var (
	ErrWrongPassword = errors.New("wrong password for the ZIP archive")
	ErrCorrupt       = errors.New("ZIP archive is damaged")
	ErrUnsupported   = errors.New("ZIP entry uses an encryption or compression method that is not supported")
	ErrNotFound      = errors.New("no such entry in the ZIP archive")
	ErrTooLarge      = errors.New("ZIP entry is larger than allowed")
	ErrNoPassword    = errors.New("ZIP entry is encrypted and no password was given")
)

const (
	methodStore   = 0
	methodDeflate = 8
	methodAES     = 99
	aesExtraID    = 0x9901
	flagEncrypted = 0x1
	flagDataDesc  = 0x8
	aesIterations = 1000
	aesMACLen     = 10
)

// Archive is a ZIP archive in memory.
type Archive struct {
	r *zip.Reader
}

// Open reads the archive's central directory.
func Open(data []byte) (*Archive, error) {
	r, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return &Archive{r: r}, nil
}

// Names lists the entries' names, in archive order.
func (a *Archive) Names() []string {
	out := make([]string, len(a.r.File))
	for i, f := range a.r.File {
		out[i] = f.Name
	}
	return out
}

// Encrypted reports whether the named entry is encrypted.
func (a *Archive) Encrypted(name string) bool {
	f := a.find(name)
	return f != nil && f.Flags&flagEncrypted != 0
}

func (a *Archive) find(name string) *zip.File {
	for _, f := range a.r.File {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// ReadFile returns the named entry's content, decrypting it with password
// when it is encrypted, and refusing to inflate more than max bytes.
func (a *Archive) ReadFile(name string, password []byte, max int64) ([]byte, error) {
	f := a.find(name)
	if f == nil {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, name)
	}
	if f.UncompressedSize64 > uint64(max) {
		return nil, fmt.Errorf("%w: %s is %d bytes", ErrTooLarge, name, f.UncompressedSize64)
	}
	raw, err := f.OpenRaw()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	body, err := io.ReadAll(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	method, checkCRC := f.Method, true
	if f.Flags&flagEncrypted != 0 {
		if len(password) == 0 {
			return nil, ErrNoPassword
		}
		if f.Method == methodAES {
			var ae aesInfo
			if ae, err = parseAESExtra(f.Extra); err != nil {
				return nil, err
			}
			if body, err = decryptAES(body, password, ae.keyLen); err != nil {
				return nil, err
			}
			method, checkCRC = ae.method, ae.version == 1
		} else {
			check := byte(f.CRC32 >> 24)
			if f.Flags&flagDataDesc != 0 {
				check = byte(f.ModifiedTime >> 8)
			}
			if body, err = decryptZipCrypto(body, password, check); err != nil {
				return nil, err
			}
		}
	}
	out, err := decompress(body, method, max)
	if err != nil {
		return nil, err
	}
	if uint64(len(out)) != f.UncompressedSize64 || checkCRC && crc32.ChecksumIEEE(out) != f.CRC32 {
		return nil, fmt.Errorf("%w: %s does not match its size or CRC", ErrCorrupt, name)
	}
	return out, nil
}

func decompress(body []byte, method uint16, max int64) ([]byte, error) {
	switch method {
	case methodStore:
		return body, nil
	case methodDeflate:
		out, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(body)), max+1))
		if err != nil {
			return nil, fmt.Errorf("%w: inflate: %v", ErrCorrupt, err)
		}
		if int64(len(out)) > max {
			return nil, ErrTooLarge
		}
		return out, nil
	}
	return nil, fmt.Errorf("%w: compression method %d", ErrUnsupported, method)
}

// zipCryptoKeys is the traditional PKWARE cipher's state.
type zipCryptoKeys [3]uint32

func newZipCryptoKeys(password []byte) *zipCryptoKeys {
	k := &zipCryptoKeys{0x12345678, 0x23456789, 0x34567890}
	for _, b := range password {
		k.update(b)
	}
	return k
}

func (k *zipCryptoKeys) update(b byte) {
	k[0] = crc32.IEEETable[byte(k[0])^b] ^ (k[0] >> 8)
	k[1] = (k[1]+(k[0]&0xff))*134775813 + 1
	k[2] = crc32.IEEETable[byte(k[2])^byte(k[1]>>24)] ^ (k[2] >> 8)
}

func (k *zipCryptoKeys) decryptByte(c byte) byte {
	t := uint16(k[2]) | 2
	p := c ^ byte((uint32(t)*uint32(t^1))>>8)
	k.update(p)
	return p
}

// decryptZipCrypto strips and checks the 12-byte encryption header.
func decryptZipCrypto(body, password []byte, check byte) ([]byte, error) {
	if len(body) < 12 {
		return nil, fmt.Errorf("%w: encrypted entry shorter than its header", ErrCorrupt)
	}
	k := newZipCryptoKeys(password)
	out := make([]byte, len(body))
	for i, c := range body {
		out[i] = k.decryptByte(c)
	}
	if out[11] != check {
		return nil, ErrWrongPassword
	}
	return out[12:], nil
}

type aesInfo struct {
	version uint16 // 1 = AE-1 (CRC kept), 2 = AE-2 (CRC zero)
	keyLen  int    // 16, 24 or 32
	method  uint16 // the compression under the encryption
}

// parseAESExtra finds the 0x9901 extra field: version (2), "AE", strength
// (1), actual compression method (2).
func parseAESExtra(extra []byte) (aesInfo, error) {
	for len(extra) >= 4 {
		id, n := binary.LittleEndian.Uint16(extra), int(binary.LittleEndian.Uint16(extra[2:]))
		if len(extra) < 4+n {
			break
		}
		field := extra[4 : 4+n]
		extra = extra[4+n:]
		if id != aesExtraID {
			continue
		}
		if n < 7 || field[2] != 'A' || field[3] != 'E' {
			return aesInfo{}, fmt.Errorf("%w: malformed AES extra field", ErrCorrupt)
		}
		info := aesInfo{version: binary.LittleEndian.Uint16(field), method: binary.LittleEndian.Uint16(field[5:])}
		switch field[4] {
		case 1, 2, 3:
			info.keyLen = 8 + 8*int(field[4])
		default:
			return aesInfo{}, fmt.Errorf("%w: AES strength %d", ErrUnsupported, field[4])
		}
		if info.version != 1 && info.version != 2 {
			return aesInfo{}, fmt.Errorf("%w: AES version %d", ErrUnsupported, info.version)
		}
		return info, nil
	}
	return aesInfo{}, fmt.Errorf("%w: method 99 without an AES extra field", ErrCorrupt)
}

// decryptAES opens WinZip AES data: salt (half the key length) ‖ 2-byte
// password verifier ‖ AES-CTR ciphertext ‖ 10-byte HMAC-SHA1 of the
// ciphertext. Keys come from PBKDF2-HMAC-SHA1(password, salt, 1000); the
// CTR counter is a 128-bit little-endian number starting at 1.
func decryptAES(body, password []byte, keyLen int) ([]byte, error) {
	saltLen := keyLen / 2
	if len(body) < saltLen+2+aesMACLen {
		return nil, fmt.Errorf("%w: AES entry shorter than its salt and MAC", ErrCorrupt)
	}
	salt, verifier := body[:saltLen], body[saltLen:saltLen+2]
	ct, mac := body[saltLen+2:len(body)-aesMACLen], body[len(body)-aesMACLen:]
	dk, err := pbkdf2.Key(sha1.New, string(password), salt, aesIterations, 2*keyLen+2)
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare(dk[2*keyLen:], verifier) != 1 {
		return nil, ErrWrongPassword
	}
	h := hmac.New(sha1.New, dk[keyLen:2*keyLen])
	h.Write(ct)
	if !hmac.Equal(h.Sum(nil)[:aesMACLen], mac) {
		return nil, fmt.Errorf("%w: AES authentication code does not match", ErrCorrupt)
	}
	block, err := aes.NewCipher(dk[:keyLen])
	if err != nil {
		return nil, err
	}
	// crypto/cipher's CTR counts big-endian; WinZip's counter is little-endian.
	out := make([]byte, len(ct))
	var ctr, stream [aes.BlockSize]byte
	for off := 0; off < len(ct); off += aes.BlockSize {
		incrementLE(&ctr)
		block.Encrypt(stream[:], ctr[:])
		subtle.XORBytes(out[off:], ct[off:], stream[:])
	}
	return out, nil
}

func incrementLE(c *[aes.BlockSize]byte) {
	for i := range c {
		c[i]++
		if c[i] != 0 {
			return
		}
	}
}

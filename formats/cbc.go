package formats

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
)

// cbcOpenPKCS7 decrypts AES-CBC and strips PKCS#7 padding. ok is false
// when the padding is not valid, and plain is then the whole decryption:
// without a MAC, bad padding is how a wrong key usually shows, and the
// caller may look at the text to tell damage apart. ct must be whole
// blocks, at least one.
func cbcOpenPKCS7(key, iv, ct []byte) (plain []byte, ok bool, err error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, false, err
	}
	plain = make([]byte, len(ct))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(plain, ct)
	n := int(plain[len(plain)-1])
	if n == 0 || n > aes.BlockSize || !bytes.Equal(plain[len(plain)-n:], bytes.Repeat([]byte{byte(n)}, n)) {
		return plain, false, nil
	}
	return plain[:len(plain)-n], true, nil
}

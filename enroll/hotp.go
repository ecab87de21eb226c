package enroll

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"hash"

	"github.com/nidan-auth/nidan/accounts"
)

// hotpCode is RFC 4226's HOTP of the factor's raw secret at counter (for
// TOTP, the time step), written into dst (len(dst) == f.Digits). A code
// check computes three of these; going through accounts.Account.Generate,
// pquerna/otp, re-encodes the secret in base32 and decodes it again for
// every one (4–15% of the client's processor time per check). Only for
// 6–8 digits (rawHOTP); any other count goes the long way, so that it
// behaves exactly as before. TestHOTPCodeAgrees holds it to pquerna/otp.
func hotpCode(dst []byte, secret []byte, alg accounts.Algorithm, counter uint64) {
	var h func() hash.Hash
	switch alg {
	case accounts.SHA256:
		h = sha256.New
	case accounts.SHA512:
		h = sha512.New
	default:
		h = sha1.New // what pquerna/otp does for any other name, too
	}
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	mac := hmac.New(h, secret)
	mac.Write(msg[:])
	var buf [sha512.Size]byte
	sum := mac.Sum(buf[:0])
	off := sum[len(sum)-1] & 0x0f
	v := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	for i := len(dst) - 1; i >= 0; i-- {
		dst[i] = byte('0' + v%10)
		v /= 10
	}
}

// rawHOTP reports whether hotpCode can make f's codes.
func rawHOTP(f *Factor) bool { return f.Digits >= 6 && f.Digits <= 8 }

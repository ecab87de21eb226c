package enroll

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/hex"
	"slices"
	"strings"
)

// RecoveryCodes is how many recovery codes Enable and RegenerateRecovery
// make. Each is 80 random bits written as 16 base32 letters in groups of
// four ("k7qm-2xva-…"), so it can be stored as a plain SHA-256 (guessing
// one is hopeless, unlike a password) and never looks like a TOTP code.
const RecoveryCodes = 10

var recoveryEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// newRecoveryCodes returns fresh codes to show and their hashes to store.
func newRecoveryCodes(id string) (codes, hashes []string) {
	for range RecoveryCodes {
		b := make([]byte, 10)
		_, _ = rand.Read(b)
		c := strings.ToLower(recoveryEncoding.EncodeToString(b))
		codes = append(codes, c[0:4]+"-"+c[4:8]+"-"+c[8:12]+"-"+c[12:16])
		hashes = append(hashes, recoveryHash(id, c))
	}
	return codes, hashes
}

// recoveryHash binds a normalised code to its user, so that a hash copied
// to another user's row is worthless.
func recoveryHash(id, code string) string {
	sum := sha256.Sum256([]byte("nidan-recovery/v1\x00" + id + "\x00" + code))
	return hex.EncodeToString(sum[:])
}

// normalizeRecovery reports whether code reads as a recovery code (16
// base32 letters once spaces and dashes are gone, any case) and returns it
// in the stored form.
func normalizeRecovery(code string) (string, bool) {
	c := strings.ToLower(NormalizeCode(code))
	if len(c) != 16 {
		return "", false
	}
	for _, r := range c {
		if !(r >= 'a' && r <= 'z' || r >= '2' && r <= '7') {
			return "", false
		}
	}
	return c, true
}

// useRecovery spends one recovery code atomically (Store.Update): of two
// sign-ins with the same code only one gets it.
func (s *Service) useRecovery(id, code string) (left int, err error) {
	want := recoveryHash(id, code)
	err = s.store.Update(id, func(u *User) error {
		i := slices.IndexFunc(u.Recovery, func(h string) bool {
			return subtle.ConstantTimeCompare([]byte(h), []byte(want)) == 1
		})
		if i < 0 {
			return ErrBadRecoveryCode
		}
		u.Recovery = slices.Delete(u.Recovery, i, i+1)
		u.Modified = s.opts.Now().UTC()
		left = len(u.Recovery)
		return nil
	})
	return left, err
}

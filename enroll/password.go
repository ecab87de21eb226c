package enroll

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// PasswordParams is the argon2id cost of new password hashes. Each hash
// records its own parameters, so raising the cost later keeps old hashes
// working.
type PasswordParams struct {
	Time    uint32 // passes
	Memory  uint32 // KiB
	Threads uint8
}

// DefaultPasswordParams is RFC 9106's second recommended option (t=3,
// 64 MiB, p=4): about 100 ms on a laptop core.
var DefaultPasswordParams = PasswordParams{Time: 3, Memory: 64 << 10, Threads: 4}

// Caps on the parameters a stored hash may ask for, so that a hostile or
// damaged store cannot make a login allocate gigabytes or spin for minutes
// (age caps scrypt's work factor on decryption the same way).
const (
	maxHashTime    = 16
	maxHashMemory  = 1 << 20 // KiB: 1 GiB
	maxHashThreads = 64
	saltLen        = 16
	hashLen        = 32
)

var errBadHash = errors.New("malformed password hash")

func (p PasswordParams) orDefault() PasswordParams {
	if p.Time == 0 || p.Memory == 0 || p.Threads == 0 {
		return DefaultPasswordParams
	}
	return p
}

// hashPassword returns a PHC-format argon2id string:
// $argon2id$v=19$m=65536,t=3,p=4$SALT$HASH (unpadded base64).
func hashPassword(password []byte, p PasswordParams) (string, error) {
	if len(password) == 0 {
		return "", ErrEmptyPassword
	}
	p = p.orDefault()
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	key := argon2.IDKey(password, salt, p.Time, p.Memory, p.Threads, hashLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// checkPassword reports whether password matches the PHC hash, comparing in
// constant time. A malformed hash is an error, never a match.
func checkPassword(hash string, password []byte) (bool, error) {
	p, salt, want, err := parseHash(hash)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey(password, salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

func parseHash(hash string) (p PasswordParams, salt, key []byte, err error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, errBadHash
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return p, nil, nil, errBadHash
	}
	if n, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil || n != 3 {
		return p, nil, nil, errBadHash
	}
	if p.Time == 0 || p.Time > maxHashTime || p.Memory < 8*uint32(p.Threads) || p.Memory > maxHashMemory ||
		p.Threads == 0 || p.Threads > maxHashThreads {
		return p, nil, nil, fmt.Errorf("%w: cost out of range", errBadHash)
	}
	enc := base64.RawStdEncoding
	if salt, err = enc.DecodeString(parts[4]); err != nil || len(salt) < 8 {
		return p, nil, nil, errBadHash
	}
	if key, err = enc.DecodeString(parts[5]); err != nil || len(key) < 16 || len(key) > 64 {
		return p, nil, nil, errBadHash
	}
	return p, salt, key, nil
}

package accounts

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
)

// Code is what a row of the authenticator shows for one account at one moment.
type Code struct {
	Current   string        // the code to type now
	Next      string        // the code after it (TOTP/Steam: next period; HOTP: next counter)
	Remaining time.Duration // until Current expires; zero for HOTP
	Period    time.Duration // zero for HOTP
}

// SecondsLeft is Remaining rounded up to whole seconds, as a countdown shows it.
func (c Code) SecondsLeft() int { return int((c.Remaining + time.Second - 1) / time.Second) }

// CodeAt returns the current and next code at time t. Time is always passed
// in, so that tests and the GUI's ticker agree on one instant.
func (a *Account) CodeAt(t time.Time) (Code, error) {
	if err := a.Validate(); err != nil {
		return Code{}, err
	}
	if a.Type == HOTP {
		cur, err := a.Generate(a.Counter)
		if err != nil {
			return Code{}, err
		}
		next, err := a.Generate(a.Counter + 1)
		return Code{Current: cur, Next: next}, err
	}
	counter, remaining := a.step(t)
	cur, err := a.Generate(counter)
	if err != nil {
		return Code{}, err
	}
	next, err := a.Generate(counter + 1)
	return Code{Current: cur, Next: next, Remaining: remaining, Period: time.Duration(a.Period) * time.Second}, err
}

// Step returns the time step (RFC 6238's T) of a time-based account at t.
func (a *Account) Step(t time.Time) uint64 {
	c, _ := a.step(t)
	return c
}

func (a *Account) step(t time.Time) (uint64, time.Duration) {
	period := int64(a.Period)
	if period <= 0 {
		period = DefaultPeriod
	}
	ns := t.UnixNano()
	if ns < 0 || t.Unix() < 0 {
		return 0, time.Duration(period) * time.Second
	}
	sec := t.Unix()
	counter := uint64(sec / period)
	end := time.Unix(int64(counter+1)*period, 0)
	return counter, end.Sub(t)
}

// Generate returns the code for one counter value (HOTP counter or TOTP time
// step). TOTP and HOTP go through pquerna/otp; Steam Guard is an HOTP value
// spelled in Steam's alphabet, which pquerna/otp does not know.
func (a *Account) Generate(counter uint64) (string, error) {
	if a.Type == Steam {
		return steamCode(a.Secret, counter), nil
	}
	alg := otp.AlgorithmSHA1
	switch a.Algorithm {
	case SHA256:
		alg = otp.AlgorithmSHA256
	case SHA512:
		alg = otp.AlgorithmSHA512
	}
	code, err := hotp.GenerateCodeCustom(EncodeSecret(a.Secret), counter, hotp.ValidateOpts{
		Digits:    otp.Digits(a.Digits),
		Algorithm: alg,
	})
	if err != nil {
		return "", fmt.Errorf("generate code: %w", err)
	}
	return code, nil
}

const steamAlphabet = "23456789BCDFGHJKMNPQRTVWXY"

// steamCode is RFC 4226 dynamic truncation with SHA-1, then five symbols of
// Steam's 26-character alphabet taken from the low end of the 31-bit value.
func steamCode(secret []byte, counter uint64) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	mac := hmac.New(sha1.New, secret)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	v := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	out := make([]byte, SteamDigits)
	for i := range out {
		out[i] = steamAlphabet[v%uint32(len(steamAlphabet))]
		v /= uint32(len(steamAlphabet))
	}
	return string(out)
}

// GroupCode spaces a code for reading: "123 456", "123 4567", "1234 5678".
// Steam codes stay as they are.
func GroupCode(code string) string {
	switch len(code) {
	case 6:
		return code[:3] + " " + code[3:]
	case 7:
		return code[:3] + " " + code[3:]
	case 8:
		return code[:4] + " " + code[4:]
	}
	return code
}

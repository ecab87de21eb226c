package enroll

import (
	"testing"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
)

// TestHOTPCodeAgrees holds hotpCode to pquerna/otp, which made every code
// check's codes before it, for each algorithm and digit count a factor may
// have, over secrets of several lengths and counters far apart.
func TestHOTPCodeAgrees(t *testing.T) {
	algs := map[accounts.Algorithm]otp.Algorithm{
		accounts.SHA1: otp.AlgorithmSHA1, accounts.SHA256: otp.AlgorithmSHA256, accounts.SHA512: otp.AlgorithmSHA512,
		"": otp.AlgorithmSHA1,
	}
	counters := []uint64{0, 1, 59, 1 << 31, 1<<32 + 7, 59_000_000, 1<<63 + 12345}
	for alg, palg := range algs {
		for _, n := range []int{10, 20, 32, 64} {
			secret := make([]byte, n)
			for i := range secret {
				secret[i] = byte(i*37 + n)
			}
			for digits := 6; digits <= 8; digits++ {
				for _, c := range counters {
					want, err := hotp.GenerateCodeCustom(accounts.EncodeSecret(secret), c,
						hotp.ValidateOpts{Digits: otp.Digits(digits), Algorithm: palg})
					if err != nil {
						t.Fatal(err)
					}
					got := make([]byte, digits)
					hotpCode(got, secret, alg, c)
					if string(got) != want {
						t.Errorf("%q, %d-byte secret, %d digits, counter %d: %s, pquerna/otp %s", alg, n, digits, c, got, want)
					}
				}
			}
		}
	}
}

// TestHOTPCodeRFC4226 checks hotpCode against RFC 4226's appendix D.
func TestHOTPCodeRFC4226(t *testing.T) {
	want := []string{"755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"}
	for c, w := range want {
		got := make([]byte, 6)
		hotpCode(got, []byte("12345678901234567890"), accounts.SHA1, uint64(c))
		if string(got) != w {
			t.Errorf("counter %d: %s, want %s", c, got, w)
		}
	}
}

package accounts

import (
	"strings"
	"testing"
	"time"
)

// RFC 4226 Appendix D: HOTP, SHA-1, 6 digits, secret "12345678901234567890".
func TestHOTPRFC4226(t *testing.T) {
	want := []string{"755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"}
	a := New(HOTP, "RFC", "4226", []byte("12345678901234567890"))
	for counter, w := range want {
		got, err := a.Generate(uint64(counter))
		if err != nil {
			t.Fatal(err)
		}
		if got != w {
			t.Errorf("counter %d: got %s, want %s", counter, got, w)
		}
	}
}

// RFC 6238 Appendix B: TOTP, 8 digits, 30 s. Per the erratum each hash uses
// a seed of its own length.
func TestTOTPRFC6238(t *testing.T) {
	seeds := map[Algorithm]string{
		SHA1:   "12345678901234567890",
		SHA256: "12345678901234567890123456789012",
		SHA512: "1234567890123456789012345678901234567890123456789012345678901234",
	}
	tests := []struct {
		unix                 int64
		sha1, sha256, sha512 string
	}{
		{59, "94287082", "46119246", "90693936"},
		{1111111109, "07081804", "68084774", "25091201"},
		{1111111111, "14050471", "67062674", "99943326"},
		{1234567890, "89005924", "91819424", "93441116"},
		{2000000000, "69279037", "90698825", "38618901"},
		{20000000000, "65353130", "77737706", "47863826"},
	}
	for _, tt := range tests {
		for alg, want := range map[Algorithm]string{SHA1: tt.sha1, SHA256: tt.sha256, SHA512: tt.sha512} {
			a := New(TOTP, "RFC", "6238", []byte(seeds[alg]))
			a.Algorithm, a.Digits = alg, 8
			c, err := a.CodeAt(time.Unix(tt.unix, 0))
			if err != nil {
				t.Fatal(err)
			}
			if c.Current != want {
				t.Errorf("%s at %d: got %s, want %s", alg, tt.unix, c.Current, want)
			}
		}
	}
}

func TestCodeAtCountdownAndNext(t *testing.T) {
	a := New(TOTP, "X", "y", []byte("12345678901234567890"))
	a.Digits = 8
	c, err := a.CodeAt(time.Unix(59, 0))
	if err != nil {
		t.Fatal(err)
	}
	if c.SecondsLeft() != 1 || c.Remaining != time.Second {
		t.Errorf("at 59 s: %v left, want 1 s", c.Remaining)
	}
	next, _ := a.CodeAt(time.Unix(60, 0))
	if c.Next != next.Current {
		t.Errorf("Next at 59 = %s, Current at 60 = %s", c.Next, next.Current)
	}
	if next.SecondsLeft() != 30 {
		t.Errorf("at 60 s: %d s left, want 30", next.SecondsLeft())
	}
	half, _ := a.CodeAt(time.Unix(60, 500_000_000))
	if half.SecondsLeft() != 30 || half.Remaining != 29500*time.Millisecond {
		t.Errorf("at 60.5 s: %v left", half.Remaining)
	}

	h := New(HOTP, "X", "y", []byte("12345678901234567890"))
	h.Counter = 3
	hc, _ := h.CodeAt(time.Now())
	if hc.Current != "969429" || hc.Next != "338314" || hc.Remaining != 0 {
		t.Errorf("HOTP at counter 3: %+v", hc)
	}
}

func TestPeriodsAndDigits(t *testing.T) {
	a := New(TOTP, "X", "y", []byte("12345678901234567890"))
	a.Period, a.Digits = 60, 7
	c1, _ := a.CodeAt(time.Unix(60, 0))
	c2, _ := a.CodeAt(time.Unix(119, 0))
	c3, _ := a.CodeAt(time.Unix(120, 0))
	if c1.Current != c2.Current || c2.Current == c3.Current || len(c1.Current) != 7 {
		t.Errorf("60 s period: %s %s %s", c1.Current, c2.Current, c3.Current)
	}
	if c2.SecondsLeft() != 1 {
		t.Errorf("at 119 with 60 s period: %d left", c2.SecondsLeft())
	}
}

// The Steam vector below was computed with an independent implementation
// (Python's hmac module, run by TestSteamAgainstPython when python3 exists)
// and pinned here.
func TestSteamCode(t *testing.T) {
	a := New(Steam, "Steam", "gabe", []byte("12345678901234567890"))
	if a.Digits != 5 || a.Period != 30 {
		t.Fatalf("steam defaults: %d digits, %d s", a.Digits, a.Period)
	}
	for _, tt := range []struct {
		unix int64
		want string
	}{{59, steamVector59}, {1234567890, steamVector1234567890}} {
		c, err := a.CodeAt(time.Unix(tt.unix, 0))
		if err != nil {
			t.Fatal(err)
		}
		if c.Current != tt.want {
			t.Errorf("at %d: %s, want %s", tt.unix, c.Current, tt.want)
		}
		if len(c.Current) != 5 || strings.Trim(c.Current, steamAlphabet) != "" {
			t.Errorf("%q is not a Steam code", c.Current)
		}
	}
}

func TestGroupCode(t *testing.T) {
	for in, want := range map[string]string{"123456": "123 456", "1234567": "123 4567", "12345678": "1234 5678", "B2C4D": "B2C4D", "": ""} {
		if got := GroupCode(in); got != want {
			t.Errorf("GroupCode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCodeAtRejectsInvalidAccount(t *testing.T) {
	a := New(TOTP, "X", "y", nil)
	if _, err := a.CodeAt(time.Now()); err == nil {
		t.Error("empty secret produced a code")
	}
	a = New(TOTP, "X", "y", []byte("k"))
	a.Digits = 9
	if _, err := a.CodeAt(time.Now()); err == nil {
		t.Error("9 digits produced a code")
	}
}

package enroll

import (
	"errors"
	"strings"
	"testing"
)

func TestPasswordHash(t *testing.T) {
	h, err := hashPassword([]byte("hunter2"), testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("hash %q", h)
	}
	h2, _ := hashPassword([]byte("hunter2"), testPassword)
	if h == h2 {
		t.Error("two hashes of one password are equal: no salt?")
	}
	for _, tt := range []struct {
		pw   string
		want bool
	}{{"hunter2", true}, {"hunter3", false}, {"", false}, {"hunter2 ", false}} {
		if got, err := checkPassword(h, []byte(tt.pw)); got != tt.want || err != nil {
			t.Errorf("checkPassword(%q) = %v, %v; want %v", tt.pw, got, err, tt.want)
		}
	}
	if _, err := hashPassword(nil, testPassword); !errors.Is(err, ErrEmptyPassword) {
		t.Errorf("empty password: %v", err)
	}
}

func TestPasswordHashMalformed(t *testing.T) {
	for _, h := range []string{
		"",
		"$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=18$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=4194304,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", // 4 GiB: capped
		"$argon2id$v=19$m=64,t=1000,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=64,t=1,p=0$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=64,t=1,p=1$!!$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaA",
	} {
		if ok, err := checkPassword(h, []byte("x")); ok || err == nil {
			t.Errorf("checkPassword(%q) = %v, %v; want an error", h, ok, err)
		}
	}
}

func FuzzCheckPassword(f *testing.F) {
	h, _ := hashPassword([]byte("pw"), testPassword)
	f.Add(h, "pw")
	f.Add("$argon2id$v=19$m=64,t=1,p=1$$", "")
	f.Fuzz(func(t *testing.T, hash, pw string) {
		p, _, _, err := parseHash(hash)
		if err != nil || p.Memory > 1024 || p.Time > 2 {
			return // a parsed cost within the caps is fine, just too slow to fuzz
		}
		_, _ = checkPassword(hash, []byte(pw)) // must not panic or hang
	})
}

package enroll

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestRecoveryVector is docs/enroll-store.md's test vector.
func TestRecoveryVector(t *testing.T) {
	c, ok := normalizeRecovery(" ABCD-efgh ijkl-mnop ")
	if !ok || c != "abcdefghijklmnop" {
		t.Fatalf("normalizeRecovery = %q, %v", c, ok)
	}
	if got := recoveryHash("alice", c); got != "fd6af44c452602a2e7842c5ea9aeed4b0d1b2a9727d761719e832c23e241d0cd" {
		t.Errorf("recoveryHash = %s", got)
	}
	for _, notRecovery := range []string{"123456", "12345678", "abcdefghijklmno", "abcdefghijklmnop1", "abcdefghijklmn01"} {
		if _, ok := normalizeRecovery(notRecovery); ok {
			t.Errorf("%q read as a recovery code", notRecovery)
		}
	}
}

func TestRecoveryCodes(t *testing.T) {
	s, _, _ := enrolled(t, Options{MaxFailures: 50, HashWait: time.Minute})
	if _, err := s.RegenerateRecovery("nobody"); !errors.Is(err, ErrNoSuchUser) {
		t.Errorf("RegenerateRecovery(nobody): %v", err)
	}
	codes, err := s.RegenerateRecovery("alice")
	if err != nil || len(codes) != RecoveryCodes {
		t.Fatalf("RegenerateRecovery: %v, %v", codes, err)
	}
	seen := map[string]bool{}
	for _, code := range codes {
		if len(code) != 19 || strings.Count(code, "-") != 3 || seen[code] {
			t.Errorf("code %q", code)
		}
		seen[code] = true
	}
	u, _ := s.store.Get("alice")
	for _, h := range u.Recovery {
		for _, code := range codes {
			if strings.Contains(h, strings.ReplaceAll(code, "-", "")) {
				t.Error("a recovery code is stored in the clear")
			}
		}
	}
	// Concurrent sign-ins with one code: exactly one gets it.
	got := concurrently(t, 10, func() error {
		res, err := s.SignIn(t.Context(), SignIn{ID: "alice", Password: []byte("pw"), Code: codes[0]})
		if err == nil && (!res.Recovery || res.RecoveryLeft != RecoveryCodes-1) {
			return fmt.Errorf("accepted as %+v", res)
		}
		return err
	}, ErrBadRecoveryCode)
	if got[nil] != 1 {
		t.Errorf("%d sign-ins accepted one recovery code", got[nil])
	}
	// Regenerating voids the old codes; Reset removes them all.
	fresh, _ := s.RegenerateRecovery("alice")
	if err := s.Login("alice", []byte("pw"), codes[1]); !errors.Is(err, ErrBadRecoveryCode) {
		t.Errorf("old code after regeneration: %v", err)
	}
	if err := s.Login("alice", []byte("pw"), fresh[1]); err != nil {
		t.Errorf("new code: %v", err)
	}
	if err := s.Reset("alice"); err != nil {
		t.Fatal(err)
	}
	if u, _ := s.User("alice"); u.Recovery != 0 {
		t.Errorf("after reset: %d codes", u.Recovery)
	}
	if _, err := s.RegenerateRecovery("alice"); !errors.Is(err, ErrNotEnrolled) {
		t.Errorf("RegenerateRecovery without 2FA: %v", err)
	}
}

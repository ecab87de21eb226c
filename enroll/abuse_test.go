package enroll

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestUnknownLikeReal: an unknown ID and a real one with a wrong password
// get the same answers in the same order, lockout included.
func TestUnknownLikeReal(t *testing.T) {
	s, c, _ := enrolled(t, Options{MaxFailures: 3, Lockout: time.Minute})
	classes := func(id string) []string {
		var out []string
		for range 5 {
			err := s.Login(id, []byte("wrong"), "000000")
			switch {
			case errors.Is(err, ErrLockedOut):
				out = append(out, "locked")
			case errors.Is(err, ErrNoSuchUser), errors.Is(err, ErrBadPassword):
				out = append(out, "refused") // the panel shows one message for both
			default:
				out = append(out, err.Error())
			}
		}
		return out
	}
	real, unknown := classes("alice"), classes("mallory")
	if strings.Join(real, " ") != strings.Join(unknown, " ") || real[3] != "locked" {
		t.Errorf("real %v, unknown %v: want the same, locked after 3", real, unknown)
	}
	c.Add(time.Minute)
	if err := s.Login("mallory", []byte("wrong"), ""); !errors.Is(err, ErrNoSuchUser) {
		t.Errorf("after the cool-down: %v", err)
	}
}

// TestEscalatingLockout: each lockout doubles until MaxLockout; a success
// starts over.
func TestEscalatingLockout(t *testing.T) {
	s, c, f := enrolled(t, Options{MaxFailures: 2, Lockout: time.Minute, MaxLockout: 5 * time.Minute})
	for i, want := range []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 5 * time.Minute, 5 * time.Minute} {
		_ = s.Login("alice", []byte("pw"), "000000")
		_ = s.Login("alice", []byte("pw"), "000000")
		err := s.Login("alice", []byte("pw"), codeAt(t, f, c.Now()))
		var le *LockoutError
		if !errors.As(err, &le) || !le.Until.Equal(c.Now().Add(want)) {
			t.Fatalf("lockout %d: %v, want until +%s", i+1, err, want)
		}
		c.Add(want)
	}
	if err := s.Login("alice", []byte("pw"), codeAt(t, f, c.Now())); err != nil {
		t.Fatal(err)
	}
	_ = s.Login("alice", []byte("pw"), "000000")
	_ = s.Login("alice", []byte("pw"), "000000")
	var le *LockoutError
	if err := s.Login("alice", []byte("pw"), "000000"); !errors.As(err, &le) || !le.Until.Equal(c.Now().Add(time.Minute)) {
		t.Errorf("after a success: %v, want a 1m lockout again", err)
	}
}

// TestAddressLimit: failures from one address lock that address for
// every ID (IPv6 per /64), not other addresses.
func TestAddressLimit(t *testing.T) {
	s, c, f := enrolled(t, Options{AddrMaxFailures: 4, AddrLockout: time.Minute})
	try := func(id, addr, code string) error {
		_, err := s.SignIn(t.Context(), SignIn{ID: id, Password: []byte("pw"), Code: code, Addr: addr})
		return err
	}
	for i, id := range []string{"u1", "u2", "u3", "u4"} {
		if err := try(id, "2001:db8::1", ""); !errors.Is(err, ErrNoSuchUser) {
			t.Fatalf("spray %d: %v", i, err)
		}
	}
	if err := try("alice", "2001:db8::ffff", codeAt(t, f, c.Now())); !errors.Is(err, ErrLockedOut) {
		t.Errorf("same /64 after 4 failures: %v, want ErrLockedOut", err)
	}
	if err := try("alice", "192.0.2.1", codeAt(t, f, c.Now())); err != nil {
		t.Errorf("another address: %v", err)
	}
	c.Add(time.Minute)
	c.Add(30 * time.Second)
	if err := try("alice", "2001:db8::1", codeAt(t, f, c.Now())); err != nil {
		t.Errorf("after the address cool-down: %v", err)
	}
	if k := addrKey("::ffff:192.0.2.1"); k != "addr:192.0.2.1" {
		t.Errorf("addrKey(4in6) = %q", k)
	}
}

// TestConcurrentGuessesBounded: of 40 concurrent guesses only MaxFailures
// are checked; the rest are refused as locked out without a hash.
func TestConcurrentGuessesBounded(t *testing.T) {
	s, _, _ := enrolled(t, Options{MaxFailures: 5, HashConcurrency: 8, HashWait: time.Minute})
	got := concurrently(t, 40, func() error { return s.Login("alice", []byte("pw"), "000000") }, ErrBadCode, ErrLockedOut)
	if checked, locked := got[ErrBadCode], got[ErrLockedOut]; checked != 5 || locked != 35 {
		t.Errorf("%d checked, %d locked; want 5 and 35", checked, locked)
	}
}

// TestDisableAndVerify: VerifyCode checks the code alone and spends it;
// Disable needs a current code.
func TestDisableAndVerify(t *testing.T) {
	var audit bytes.Buffer
	s, c, f := enrolled(t, Options{Audit: &audit})
	if err := s.VerifyCode("alice", "000000"); !errors.Is(err, ErrBadCode) {
		t.Errorf("VerifyCode wrong: %v", err)
	}
	code := codeAt(t, f, c.Now())
	if err := s.VerifyCode("alice", code); err != nil {
		t.Errorf("VerifyCode: %v", err)
	}
	if err := s.Disable("alice", code); !errors.Is(err, ErrReplay) {
		t.Errorf("Disable with a spent code: %v", err)
	}
	if u, _ := s.User("alice"); !u.Enabled {
		t.Fatal("a refused Disable turned 2FA off")
	}
	c.Add(30 * time.Second)
	if err := s.Disable("alice", codeAt(t, f, c.Now())); err != nil {
		t.Fatalf("Disable: %v", err)
	}
	if u, _ := s.User("alice"); u.Enabled {
		t.Error("still enabled")
	}
	if err := s.VerifyCode("alice", "123456"); !errors.Is(err, ErrNotEnrolled) {
		t.Errorf("VerifyCode without 2FA: %v", err)
	}
	if err := s.Reset("alice"); err != nil {
		t.Fatal(err)
	}
	var events []string
	for _, line := range strings.Split(strings.TrimSpace(audit.String()), "\n") {
		var e AuditEvent
		if err := json.Unmarshal([]byte(line), &e); err != nil || e.Time.IsZero() {
			t.Fatalf("audit line %q: %v", line, err)
		}
		events = append(events, e.Event+":"+e.Reason)
	}
	if got := strings.Join(events, " "); got != "enable: signin_failure:bad_code signin_failure:replay disable: reset:" {
		t.Errorf("audit events %q", got)
	}
}

// TestRollbackRefused plays the attack: copy an older store file
// back (same key) to turn 2FA off, re-use a spent code and clear a lockout.
func TestRollbackRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "enroll.json")
	st, err := OpenFileStore(path)
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{t: start}
	s := NewService(st, Options{Password: testPassword, Now: c.Now})
	if err := s.AddUser("alice", []byte("pw")); err != nil {
		t.Fatal(err)
	}
	old, _ := os.ReadFile(path) // 2FA off
	e, _ := s.Begin("alice")
	if err := s.Confirm("alice", codeAt(t, e.Factor, c.Now())); err != nil {
		t.Fatal(err)
	}
	c.Add(30 * time.Second)
	code := codeAt(t, e.Factor, c.Now())
	if err := s.Login("alice", []byte("pw"), code); err != nil {
		t.Fatal(err)
	}
	spent, _ := os.ReadFile(path)
	if err := os.WriteFile(path, old, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := s.Login("alice", []byte("pw"), ""); !errors.Is(err, ErrRolledBack) {
		t.Errorf("login on a rolled-back store: %v, want ErrRolledBack", err)
	}
	if _, err := OpenFileStore(path); !errors.Is(err, ErrRolledBack) || !strings.Contains(err.Error(), "accept-store") {
		t.Errorf("open: %v", err)
	}
	// The file newer than PATH.gen (a crash between the two writes) opens.
	os.WriteFile(path, spent, 0o600)
	gen, _ := os.ReadFile(path + ".gen")
	if err := s.Login("alice", []byte("pw"), code); !errors.Is(err, ErrReplay) {
		t.Fatalf("restored: %v", err)
	}
	os.WriteFile(path+".gen", []byte(strings.Replace(string(gen), " ", " 0", 1)), 0o600) // same number
	c.Add(30 * time.Second)
	if err := s.Login("alice", []byte("pw"), codeAt(t, e.Factor, c.Now())); err != nil {
		t.Errorf("after a crash between the writes: %v", err)
	}
	// On purpose: accept-store takes the old file as it is.
	os.WriteFile(path, old, 0o600)
	if err := AcceptFileStore(path); err != nil {
		t.Fatal(err)
	}
	if err := s.Login("alice", []byte("pw"), ""); !errors.Is(err, ErrNotEnrolled) {
		t.Errorf("after AcceptFileStore: %v", err)
	}
}

// TestFormat1Upgrade: a format 1 file (no generation) opens, keeps its
// users and lockout, and is saved as format 2.
func TestFormat1Upgrade(t *testing.T) {
	path := filepath.Join(t.TempDir(), "enroll.json")
	st, err := OpenFileStore(path)
	if err != nil {
		t.Fatal(err)
	}
	locked := start.Add(time.Hour)
	u := sampleUser("alice")
	v1 := payloadV1(t, st, []fileUser{{User: u, Failures: 5, LockedUntil: locked}})
	if err := os.WriteFile(path, v1, 0o600); err != nil {
		t.Fatal(err)
	}
	s := NewService(st, Options{Password: testPassword, Now: func() time.Time { return start }})
	info, err := s.User("alice")
	if err != nil || !info.Enabled || !info.LockedUntil.Equal(locked.Truncate(time.Millisecond)) {
		t.Fatalf("format 1 user: %+v, %v", info, err)
	}
	if err := s.Abandon("alice"); err != nil { // any save
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if !strings.Contains(string(b), `"version": 2`) {
		t.Errorf("not saved as format 2:\n%s", b)
	}
	if err := os.WriteFile(path, v1, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.User("alice"); !errors.Is(err, ErrRolledBack) {
		t.Errorf("format 1 file after format 2: %v", err)
	}
}

// payloadV1 seals users the way format 1 did.
func payloadV1(t testing.TB, st *FileStore, users []fileUser) []byte {
	t.Helper()
	plain, _ := json.Marshal(payload{Users: users})
	aead, _ := st.aead()
	env := envelope{Format: storeFormat, Version: 1, Cipher: "AES-256-GCM", Nonce: make([]byte, aead.NonceSize())}
	env.Ciphertext = aead.Seal(nil, env.Nonce, plain, []byte(storeAAD1))
	b, _ := json.MarshalIndent(env, "", "  ")
	return b
}

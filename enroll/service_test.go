package enroll

import (
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nidan-auth/nidan/accounts"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// start is 10 s into a 30 s step, so ±1 step is unambiguous.
var start = time.Date(2026, 3, 1, 12, 0, 10, 0, time.UTC)

func newTestService(t *testing.T, opts Options) (*Service, *clock) {
	t.Helper()
	st, err := OpenFileStore(filepath.Join(t.TempDir(), "enroll.json"))
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{t: start}
	opts.Now = c.Now
	opts.Password = testPassword
	if opts.HashWait == 0 {
		// The tests check outcomes, not queueing: ten concurrent
		// password checks take longer than the default 2 s on a loaded
		// machine (under Wine, make test-windows, several times longer).
		opts.HashWait = time.Minute
	}
	return NewService(st, opts), c
}

func codeAt(t testing.TB, f Factor, at time.Time) string {
	t.Helper()
	a := f.OTPAccount()
	c, err := a.CodeAt(at)
	if err != nil {
		t.Fatal(err)
	}
	return c.Current
}

// enrolled returns a service with user alice (password "pw") enrolled,
// her factor, and the clock one step after the confirming code.
func enrolled(t *testing.T, opts Options) (*Service, *clock, Factor) {
	t.Helper()
	s, c := newTestService(t, opts)
	if err := s.AddUser("alice", []byte("pw")); err != nil {
		t.Fatal(err)
	}
	e, err := s.Begin("alice")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Confirm("alice", codeAt(t, e.Factor, c.Now())); err != nil {
		t.Fatal(err)
	}
	c.Add(30 * time.Second)
	return s, c, e.Factor
}

func TestBegin(t *testing.T) {
	s, _ := newTestService(t, Options{Issuer: "Example Co"})
	if err := s.AddUser("bob@example.com", []byte("pw")); err != nil {
		t.Fatal(err)
	}
	e, err := s.Begin("bob@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Factor.Secret)*8 < 160 {
		t.Errorf("secret is %d bits, want ≥ 160", len(e.Factor.Secret)*8)
	}
	a, err := accounts.ParseURI(e.URI)
	if err != nil {
		t.Fatalf("ParseURI(%q): %v", e.URI, err)
	}
	if a.Issuer != "Example Co" || a.Name != "bob@example.com" || a.Digits != 6 || a.Period != 30 || a.Algorithm != accounts.SHA1 {
		t.Errorf("URI account = %+v", a)
	}
	if string(a.Secret) != string(e.Factor.Secret) {
		t.Error("URI secret differs from the factor's")
	}
	if got := strings.ReplaceAll(e.SetupKey, " ", ""); got != accounts.EncodeSecret(e.Factor.Secret) {
		t.Errorf("setup key %q does not spell the secret", e.SetupKey)
	}
	for i, g := range strings.Split(e.SetupKey, " ") {
		if len(g) != 4 {
			t.Errorf("setup key group %d = %q, want 4 characters", i, g)
		}
	}
	if !strings.HasPrefix(string(e.QR), "\x89PNG") {
		t.Error("QR is not a PNG")
	}
	p, err := s.Pending("bob@example.com")
	if err != nil || p.URI != e.URI {
		t.Errorf("Pending = %v, %v; want the begun enrollment", p, err)
	}

	// Beginning again replaces the secret; abandoning drops it.
	e2, err := s.Begin("bob@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if string(e2.Factor.Secret) == string(e.Factor.Secret) {
		t.Error("Begin again kept the secret")
	}
	if err := s.Confirm("bob@example.com", codeAt(t, e.Factor, start)); !errors.Is(err, ErrBadCode) {
		t.Errorf("confirm with the replaced secret's code: %v, want ErrBadCode", err)
	}
	if err := s.Abandon("bob@example.com"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Pending("bob@example.com"); !errors.Is(err, ErrNoPending) {
		t.Errorf("Pending after Abandon: %v, want ErrNoPending", err)
	}
	if err := s.Confirm("bob@example.com", codeAt(t, e2.Factor, start)); !errors.Is(err, ErrNoPending) {
		t.Errorf("Confirm after Abandon: %v, want ErrNoPending", err)
	}
	if _, err := s.Begin("nobody"); !errors.Is(err, ErrNoSuchUser) {
		t.Errorf("Begin(nobody): %v, want ErrNoSuchUser", err)
	}
}

func TestConfirm(t *testing.T) {
	s, c := newTestService(t, Options{})
	if err := s.AddUser("alice", []byte("pw")); err != nil {
		t.Fatal(err)
	}
	e, err := s.Begin("alice")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Login("alice", []byte("pw"), "123456"); !errors.Is(err, ErrNotEnrolled) {
		t.Errorf("login before confirm: %v, want ErrNotEnrolled", err)
	}
	for _, bad := range []string{"", "12345", "abcdef", codeAt(t, e.Factor, start.Add(-2*time.Minute))} {
		if err := s.Confirm("alice", bad); !errors.Is(err, ErrBadCode) {
			t.Errorf("Confirm(%q): %v, want ErrBadCode", bad, err)
		}
	}
	if u, _ := s.User("alice"); u.Enabled || !u.Pending {
		t.Errorf("after bad confirms: %+v, want pending and not enabled", u)
	}
	// A code typed with a space, from the previous step (skew), confirms.
	code := accounts.GroupCode(codeAt(t, e.Factor, c.Now().Add(-30*time.Second)))
	if err := s.Confirm("alice", code); err != nil {
		t.Fatalf("Confirm(%q): %v", code, err)
	}
	if u, _ := s.User("alice"); !u.Enabled || u.Pending {
		t.Errorf("after confirm: %+v, want enabled", u)
	}
	// The confirming code is spent; the current one logs in.
	if err := s.Login("alice", []byte("pw"), code); !errors.Is(err, ErrReplay) {
		t.Errorf("login with the confirming code: %v, want ErrReplay", err)
	}
	if err := s.Login("alice", []byte("pw"), codeAt(t, e.Factor, c.Now())); err != nil {
		t.Errorf("login: %v", err)
	}
}

func TestLogin(t *testing.T) {
	s, c, f := enrolled(t, Options{})
	now := c.Now()
	if err := s.AddUser("carol", []byte("pw")); err != nil {
		t.Fatal(err)
	}
	e, err := s.Begin("carol")
	if err != nil {
		t.Fatal(err)
	}
	c.Add(-time.Minute) // carol confirmed two steps ago
	if err := s.Confirm("carol", codeAt(t, e.Factor, c.Now())); err != nil {
		t.Fatal(err)
	}
	c.Add(time.Minute)
	g := e.Factor
	tests := []struct {
		name     string
		user, pw string
		code     string
		want     error // nil = accepted
	}{
		{"previous step: the confirming code", "alice", "pw", codeAt(t, f, now.Add(-30*time.Second)), ErrReplay},
		{"current", "alice", "pw", codeAt(t, f, now), nil},
		{"same code again", "alice", "pw", codeAt(t, f, now), ErrReplay},
		{"older step after newer", "alice", "pw", codeAt(t, f, now.Add(-30*time.Second)), ErrReplay},
		{"next step (skew)", "alice", "pw", codeAt(t, f, now.Add(30*time.Second)), nil},
		{"previous step (skew)", "carol", "pw", codeAt(t, g, now.Add(-30*time.Second)), nil},
		{"two steps ahead", "alice", "pw", codeAt(t, f, now.Add(60*time.Second)), ErrBadCode},
		{"wrong password, right code", "alice", "nope", codeAt(t, f, now.Add(60*time.Second)), ErrBadPassword},
		{"malformed code", "alice", "pw", "12a456", ErrBadCode},
		{"unknown user", "mallory", "pw", "000000", ErrNoSuchUser},
	}
	for _, tt := range tests {
		err := s.Login(tt.user, []byte(tt.pw), tt.code)
		if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
			t.Errorf("%s: Login = %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestLockout(t *testing.T) {
	s, c, f := enrolled(t, Options{MaxFailures: 3, Lockout: time.Minute})
	for i := range 3 {
		if err := s.Login("alice", []byte("pw"), "000000"); !errors.Is(err, ErrBadCode) {
			t.Fatalf("failure %d: %v, want ErrBadCode", i+1, err)
		}
	}
	err := s.Login("alice", []byte("pw"), codeAt(t, f, c.Now()))
	var le *LockoutError
	if !errors.Is(err, ErrLockedOut) || !errors.As(err, &le) || !le.Until.Equal(c.Now().Add(time.Minute)) {
		t.Fatalf("right code while locked: %v, want ErrLockedOut until +1m", err)
	}
	if u, _ := s.User("alice"); u.LockedUntil.IsZero() {
		t.Error("User does not show the lockout")
	}
	c.Add(59 * time.Second)
	if err := s.Login("alice", []byte("pw"), codeAt(t, f, c.Now())); !errors.Is(err, ErrLockedOut) {
		t.Fatalf("before the cool-down ends: %v, want ErrLockedOut", err)
	}
	c.Add(time.Second)
	if err := s.Login("alice", []byte("pw"), codeAt(t, f, c.Now())); err != nil {
		t.Fatalf("after the cool-down: %v", err)
	}
	// A success clears the count: two failures, a success, two failures: no lockout.
	c.Add(30 * time.Second)
	for range 2 {
		_ = s.Login("alice", []byte("x"), "000000")
	}
	if err := s.Login("alice", []byte("pw"), codeAt(t, f, c.Now())); err != nil {
		t.Fatalf("success after two failures: %v", err)
	}
	for range 2 {
		_ = s.Login("alice", []byte("x"), "000000")
	}
	if u, _ := s.User("alice"); u.Failures != 2 || !u.LockedUntil.IsZero() {
		t.Errorf("after success and two failures: %+v", u)
	}
	// Replays count as failures too.
	c.Add(30 * time.Second)
	code := codeAt(t, f, c.Now())
	if err := s.Login("alice", []byte("pw"), code); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		_ = s.Login("alice", []byte("pw"), code)
	}
	if err := s.Login("alice", []byte("pw"), code); !errors.Is(err, ErrLockedOut) {
		t.Errorf("after replays: %v, want ErrLockedOut", err)
	}
}

func TestSkewOption(t *testing.T) {
	s, c, f := enrolled(t, Options{Skew: -1})
	if err := s.Login("alice", []byte("pw"), codeAt(t, f, c.Now().Add(-30*time.Second))); !errors.Is(err, ErrBadCode) {
		t.Errorf("no skew, previous step: %v, want ErrBadCode", err)
	}
	s, c, f = enrolled(t, Options{Skew: 2})
	if err := s.Login("alice", []byte("pw"), codeAt(t, f, c.Now().Add(60*time.Second))); err != nil {
		t.Errorf("skew 2, two steps ahead: %v", err)
	}
}

func TestReset(t *testing.T) {
	s, c, f := enrolled(t, Options{MaxFailures: 2})
	for range 2 {
		_ = s.Login("alice", []byte("pw"), "000000")
	}
	if err := s.Reset("alice"); err != nil {
		t.Fatal(err)
	}
	u, _ := s.User("alice")
	if u.Enabled || u.Pending || !u.LockedUntil.IsZero() || u.Failures != 0 {
		t.Errorf("after Reset: %+v", u)
	}
	if err := s.Login("alice", []byte("pw"), codeAt(t, f, c.Now())); !errors.Is(err, ErrNotEnrolled) {
		t.Errorf("old factor after Reset: %v, want ErrNotEnrolled", err)
	}
	if err := s.Login("alice", []byte("bad"), ""); !errors.Is(err, ErrBadPassword) {
		t.Errorf("wrong password after Reset: %v, want ErrBadPassword", err)
	}
	// Enrolling again works, and the new factor is needed.
	e, err := s.Begin("alice")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Confirm("alice", codeAt(t, e.Factor, c.Now())); err != nil {
		t.Fatal(err)
	}
	c.Add(30 * time.Second)
	if err := s.Login("alice", []byte("pw"), codeAt(t, e.Factor, c.Now())); err != nil {
		t.Errorf("login with new factor: %v", err)
	}
	if err := s.Reset("nobody"); !errors.Is(err, ErrNoSuchUser) {
		t.Errorf("Reset(nobody): %v", err)
	}
}

func TestUsers(t *testing.T) {
	s, _ := newTestService(t, Options{})
	for _, id := range []string{"carol", "alice", "bob"} {
		if err := s.AddUser(id, []byte("pw-"+id)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AddUser("alice", []byte("x")); !errors.Is(err, ErrUserExists) {
		t.Errorf("duplicate: %v", err)
	}
	for _, bad := range []string{"", " alice", "a\nb", strings.Repeat("x", MaxUserIDLen+1), "\xff"} {
		if err := s.AddUser(bad, []byte("x")); !errors.Is(err, ErrInvalidUserID) {
			t.Errorf("AddUser(%q): %v, want ErrInvalidUserID", bad, err)
		}
	}
	if err := s.AddUser("dave", nil); !errors.Is(err, ErrEmptyPassword) {
		t.Errorf("empty password: %v", err)
	}
	us, err := s.Users()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, u := range us {
		ids = append(ids, u.ID)
	}
	if strings.Join(ids, ",") != "alice,bob,carol" {
		t.Errorf("Users = %v", ids)
	}
	if err := s.SetPassword("bob", []byte("new")); err != nil {
		t.Fatal(err)
	}
	if err := s.Login("bob", []byte("new"), ""); !errors.Is(err, ErrNotEnrolled) {
		t.Errorf("login with new password: %v, want ErrNotEnrolled (password accepted)", err)
	}
	if err := s.DeleteUser("bob"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.User("bob"); !errors.Is(err, ErrNoSuchUser) {
		t.Errorf("deleted user: %v", err)
	}
}

// TestConcurrentLogins: of many simultaneous logins with one code, exactly
// one is accepted; the rest are replays.
func TestConcurrentLogins(t *testing.T) {
	s, c, f := enrolled(t, Options{MaxFailures: 100})
	code := codeAt(t, f, c.Now())
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, replays := 0, 0
	for range 8 {
		wg.Go(func() {
			err := s.Login("alice", []byte("pw"), code)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case errors.Is(err, ErrReplay):
				replays++
			default:
				t.Errorf("Login: %v", err)
			}
		})
	}
	wg.Wait()
	if ok != 1 || replays != 7 {
		t.Errorf("accepted %d, replays %d; want 1 and 7", ok, replays)
	}
}

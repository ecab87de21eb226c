package enroll

import (
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/nidan-auth/nidan/accounts"
)

// Defaults for zero Options fields.
const (
	DefaultIssuer      = "Nidan"
	DefaultSkew        = 1               // steps accepted either side of now
	DefaultMaxFailures = 5               // consecutive failures before lockout
	DefaultLockout     = 5 * time.Minute // cool-down after MaxFailures
	MinSecretBytes     = 20              // 160 bits, RFC 4226's recommendation
	MaxUserIDLen       = 128
)

// Options is the policy of a Service. The zero value is a sensible policy.
type Options struct {
	Issuer    string             // shown in the authenticator; default DefaultIssuer
	Algorithm accounts.Algorithm // default SHA1, the only one every authenticator supports
	Digits    int                // default 6
	Period    int                // seconds; default 30
	// SecretBytes is the length of new secrets; default and minimum
	// MinSecretBytes.
	SecretBytes int
	// Skew is how many time steps before and after the current one Login
	// and Confirm accept, for clocks that disagree a little. 0 means
	// DefaultSkew; a negative value accepts the current step only.
	Skew int
	// MaxFailures failed logins in a row lock the user out for Lockout.
	// 0 means DefaultMaxFailures and DefaultLockout.
	MaxFailures int
	Lockout     time.Duration
	// Password is the argon2id cost of new password hashes; zero means
	// DefaultPasswordParams. Tests lower it; production should not.
	Password PasswordParams
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

func (o Options) withDefaults() Options {
	if o.Issuer == "" {
		o.Issuer = DefaultIssuer
	}
	if o.Algorithm == "" {
		o.Algorithm = accounts.SHA1
	}
	if o.Digits == 0 {
		o.Digits = accounts.DefaultDigits
	}
	if o.Period == 0 {
		o.Period = accounts.DefaultPeriod
	}
	if o.SecretBytes < MinSecretBytes {
		o.SecretBytes = MinSecretBytes
	}
	switch {
	case o.Skew == 0:
		o.Skew = DefaultSkew
	case o.Skew < 0:
		o.Skew = 0
	}
	if o.MaxFailures <= 0 {
		o.MaxFailures = DefaultMaxFailures
	}
	if o.Lockout <= 0 {
		o.Lockout = DefaultLockout
	}
	o.Password = o.Password.orDefault()
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Service enrolls users in two-step verification and checks their logins.
// It is safe for concurrent use as far as its Store is.
type Service struct {
	store Store
	opts  Options

	dummyOnce sync.Once
	dummyHash string
}

// NewService returns a service keeping its users in store.
func NewService(store Store, opts Options) *Service {
	return &Service{store: store, opts: opts.withDefaults()}
}

// Options returns the policy in force, defaults filled in.
func (s *Service) Options() Options { return s.opts }

// Enrollment is what a setup screen shows: the Key URI as a QR code and
// the same secret as a setup key to type by hand.
type Enrollment struct {
	User     string
	Factor   Factor
	URI      string // the otpauth:// Key URI; it contains the secret
	SetupKey string // base32 in groups of four: "JBSW Y3DP …"
	QR       []byte // PNG
}

func newEnrollment(id string, f *Factor) (*Enrollment, error) {
	a := f.OTPAccount()
	uri := a.URI()
	png, err := QRPNG(uri)
	if err != nil {
		return nil, err
	}
	return &Enrollment{User: id, Factor: *f.clone(), URI: uri, SetupKey: accounts.GroupSecret(f.Secret), QR: png}, nil
}

// UserInfo is a user as a list shows it, without secrets.
type UserInfo struct {
	ID          string
	Enabled     bool      // 2FA is on
	Pending     bool      // an enrollment was begun and not confirmed
	Failures    int       // consecutive failed logins
	LockedUntil time.Time // zero unless locked out now
	Created     time.Time
}

func (s *Service) info(u *User) UserInfo {
	i := UserInfo{ID: u.ID, Enabled: u.Active != nil, Pending: u.Pending != nil, Failures: u.Failures, Created: u.Created}
	if s.opts.Now().Before(u.LockedUntil) {
		i.LockedUntil = u.LockedUntil
	}
	return i
}

// Users lists every user, sorted by ID.
func (s *Service) Users() ([]UserInfo, error) {
	ids, err := s.store.IDs()
	if err != nil {
		return nil, err
	}
	out := make([]UserInfo, 0, len(ids))
	for _, id := range ids {
		u, err := s.store.Get(id)
		if errors.Is(err, ErrNoSuchUser) {
			continue // deleted meanwhile
		}
		if err != nil {
			return nil, err
		}
		out = append(out, s.info(&u))
	}
	return out, nil
}

// User returns one user's state.
func (s *Service) User(id string) (UserInfo, error) {
	u, err := s.store.Get(id)
	if err != nil {
		return UserInfo{}, fmt.Errorf("user %q: %w", id, err)
	}
	return s.info(&u), nil
}

// ValidUserID reports whether id can name a user: 1 to MaxUserIDLen bytes
// of UTF-8 without control characters or surrounding spaces.
func ValidUserID(id string) bool {
	if id == "" || len(id) > MaxUserIDLen || !utf8.ValidString(id) || strings.TrimSpace(id) != id {
		return false
	}
	return strings.IndexFunc(id, unicode.IsControl) < 0
}

// AddUser creates a user with a password and no second factor.
func (s *Service) AddUser(id string, password []byte) error {
	if !ValidUserID(id) {
		return fmt.Errorf("add user %q: %w", id, ErrInvalidUserID)
	}
	hash, err := hashPassword(password, s.opts.Password)
	if err != nil {
		return fmt.Errorf("add user %q: %w", id, err)
	}
	now := s.opts.Now().UTC()
	if err := s.store.Create(User{ID: id, PasswordHash: hash, Created: now, Modified: now}); err != nil {
		return fmt.Errorf("add user %q: %w", id, err)
	}
	return nil
}

// SetPassword replaces a user's password.
func (s *Service) SetPassword(id string, password []byte) error {
	hash, err := hashPassword(password, s.opts.Password)
	if err != nil {
		return fmt.Errorf("set password of %q: %w", id, err)
	}
	return s.update("set password of", id, func(u *User) error {
		u.PasswordHash = hash
		return nil
	})
}

// DeleteUser removes a user and their second factor.
func (s *Service) DeleteUser(id string) error {
	if err := s.store.Delete(id); err != nil {
		return fmt.Errorf("delete user %q: %w", id, err)
	}
	return nil
}

func (s *Service) update(what, id string, fn func(u *User) error) error {
	err := s.store.Update(id, func(u *User) error {
		if err := fn(u); err != nil {
			return err
		}
		u.Modified = s.opts.Now().UTC()
		return nil
	})
	if err != nil {
		return fmt.Errorf("%s %q: %w", what, id, err)
	}
	return nil
}

// Begin starts (or restarts) enrollment: a fresh random secret replaces
// any pending one and is returned with its Key URI, QR code and setup key.
// An enabled second factor stays in force until Confirm replaces it.
func (s *Service) Begin(id string) (*Enrollment, error) {
	secret := make([]byte, s.opts.SecretBytes)
	if _, err := rand.Read(secret); err != nil {
		return nil, fmt.Errorf("begin enrollment of %q: %w", id, err)
	}
	f := &Factor{Secret: secret, Issuer: s.opts.Issuer, Account: id, Algorithm: s.opts.Algorithm,
		Digits: s.opts.Digits, Period: s.opts.Period, Created: s.opts.Now().UTC()}
	a := f.OTPAccount()
	if err := a.Validate(); err != nil {
		return nil, fmt.Errorf("begin enrollment of %q: %w", id, err)
	}
	if err := s.update("begin enrollment of", id, func(u *User) error {
		u.Pending = f
		return nil
	}); err != nil {
		return nil, err
	}
	return newEnrollment(id, f)
}

// Pending returns the enrollment Begin started and nobody confirmed yet,
// to show it again; ErrNoPending if there is none.
func (s *Service) Pending(id string) (*Enrollment, error) {
	u, err := s.store.Get(id)
	if err != nil {
		return nil, fmt.Errorf("pending enrollment of %q: %w", id, err)
	}
	if u.Pending == nil {
		return nil, fmt.Errorf("pending enrollment of %q: %w", id, ErrNoPending)
	}
	return newEnrollment(id, u.Pending)
}

// Abandon discards the pending enrollment, so that its secret never
// becomes valid; the next Begin makes a new one.
func (s *Service) Abandon(id string) error {
	return s.update("abandon enrollment of", id, func(u *User) error {
		u.Pending = nil
		return nil
	})
}

// Confirm enables two-step verification with the pending secret if code is
// one of its valid codes now. The code's time step counts as used, so the
// same code cannot then log in.
func (s *Service) Confirm(id, code string) error {
	now := s.opts.Now()
	return s.update("confirm enrollment of", id, func(u *User) error {
		if u.Pending == nil {
			return ErrNoPending
		}
		step, ok := s.matchCode(u.Pending, code, now)
		if !ok {
			return ErrBadCode
		}
		u.Active, u.Pending = u.Pending, nil
		if !u.HasLastStep || step > u.LastStep {
			u.LastStep, u.HasLastStep = step, true
		}
		return nil
	})
}

// Reset removes the second factor (active and pending) and clears the
// replay guard and any lockout: the admin's answer to a lost phone. The
// user logs in with the password alone (ErrNotEnrolled) until enrolled again.
func (s *Service) Reset(id string) error {
	return s.update("reset second factor of", id, func(u *User) error {
		u.Active, u.Pending = nil, nil
		u.LastStep, u.HasLastStep = 0, false
		u.Failures, u.LockedUntil = 0, time.Time{}
		return nil
	})
}

// Login checks a user's password and current code. It returns nil when
// both are right, and otherwise the reason: ErrNoSuchUser, ErrLockedOut (a
// *LockoutError), ErrBadPassword, ErrBadCode, ErrReplay, or ErrNotEnrolled
// when the password is right but the user has no second factor.
//
// The password and the code are both checked on every attempt, and unknown
// users cost a password hash too, so that timing reveals neither which
// factor was wrong nor whether the user exists. Every failure counts
// towards the lockout; a success or the end of the cool-down clears it.
func (s *Service) Login(id string, password []byte, code string) error {
	now := s.opts.Now()
	var result error
	err := s.store.Update(id, func(u *User) error {
		if now.Before(u.LockedUntil) {
			return &LockoutError{Until: u.LockedUntil}
		}
		if !u.LockedUntil.IsZero() {
			u.Failures, u.LockedUntil = 0, time.Time{}
		}
		pwOK, err := checkPassword(u.PasswordHash, password)
		if err != nil {
			return err
		}
		var step uint64
		codeOK := false
		if u.Active != nil {
			step, codeOK = s.matchCode(u.Active, code, now)
		}
		switch {
		case !pwOK:
			result = ErrBadPassword
		case u.Active == nil:
			u.Failures = 0
			result = ErrNotEnrolled
			return nil
		case !codeOK:
			result = ErrBadCode
		case u.HasLastStep && step <= u.LastStep:
			result = ErrReplay
		default:
			u.Failures = 0
			u.LastStep, u.HasLastStep = step, true
			return nil
		}
		u.Failures++
		if u.Failures >= s.opts.MaxFailures {
			u.LockedUntil = now.Add(s.opts.Lockout).UTC()
		}
		return nil
	})
	if errors.Is(err, ErrNoSuchUser) {
		_, _ = checkPassword(s.dummy(), password)
	}
	if err == nil {
		err = result
	}
	if err != nil {
		return fmt.Errorf("login %q: %w", id, err)
	}
	return nil
}

// dummy is a hash no password matches, for equal timing on unknown users.
func (s *Service) dummy() string {
	s.dummyOnce.Do(func() {
		pw := make([]byte, 32)
		_, _ = rand.Read(pw)
		s.dummyHash, _ = hashPassword(pw, s.opts.Password)
	})
	return s.dummyHash
}

// NormalizeCode strips the spaces and dashes people type inside codes.
func NormalizeCode(code string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\t' {
			return -1
		}
		return r
	}, strings.TrimSpace(code))
}

// matchCode compares code with every code of f within the skew window in
// constant time and without stopping early; it returns the latest step
// that matched.
func (s *Service) matchCode(f *Factor, code string, now time.Time) (uint64, bool) {
	code = NormalizeCode(code)
	a := f.OTPAccount()
	cur := a.Step(now)
	skew := uint64(s.opts.Skew)
	first := uint64(0)
	if cur > skew {
		first = cur - skew
	}
	var best uint64
	ok := false
	for step := first; step <= cur+skew; step++ {
		want, err := a.Generate(step)
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			best, ok = step, true
		}
	}
	return best, ok
}

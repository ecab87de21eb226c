package enroll

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"runtime"
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
	DefaultLockout     = 5 * time.Minute // cool-down after MaxFailures, doubling with each lockout
	DefaultMaxLockout  = 24 * time.Hour  // the longest lockout
	DefaultForget      = 24 * time.Hour  // quiet time after which lockouts start short again
	// Per client address: more failures allowed (people share addresses
	// behind NAT), shorter lockouts.
	DefaultAddrMaxFailures = 20
	DefaultAddrLockout     = time.Minute
	DefaultAddrMaxLockout  = time.Hour
	DefaultHashWait        = 2 * time.Second // queueing for a password check before ErrBusy
	MaxPasswordLen         = 1024            // bytes; longer passwords are refused unhashed
	MaxCodeLen             = 64              // bytes of a typed code
	MinSecretBytes         = 20              // 160 bits, RFC 4226's recommendation
	MaxUserIDLen           = 128
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
	// MaxFailures failed logins in a row lock the user out for Lockout;
	// each further lockout doubles, up to MaxLockout; after Forget without
	// a failure they start at Lockout again. Zero values mean the Default…
	// constants. Unknown user IDs are counted and locked the same way, so
	// that the answers do not tell them from real ones.
	MaxFailures int
	Lockout     time.Duration
	MaxLockout  time.Duration
	Forget      time.Duration
	// AddrMaxFailures, AddrLockout and AddrMaxLockout are the same for
	// the client address of SignIn (SignIn.Addr).
	AddrMaxFailures int
	AddrLockout     time.Duration
	AddrMaxLockout  time.Duration
	// HashConcurrency bounds the password checks running at once (each
	// takes the argon2id memory, 64 MiB by default); default NumCPU/2, at
	// least 2. A sign-in waits up to HashWait for its turn, then fails with
	// ErrBusy without counting.
	HashConcurrency int
	HashWait        time.Duration
	// Audit, if set, receives one JSON line per security event (enable,
	// disable, reset, lockout, sign-in failure, recovery code use); see
	// AuditEvent.
	Audit io.Writer
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
	u := Throttle{o.MaxFailures, o.Lockout, o.MaxLockout, o.Forget}.orDefault(userThrottle)
	o.MaxFailures, o.Lockout, o.MaxLockout, o.Forget = u.MaxFailures, u.Lockout, u.MaxLockout, u.Forget
	a := Throttle{o.AddrMaxFailures, o.AddrLockout, o.AddrMaxLockout, o.Forget}.orDefault(addrThrottle)
	o.AddrMaxFailures, o.AddrLockout, o.AddrMaxLockout = a.MaxFailures, a.Lockout, a.MaxLockout
	if o.HashConcurrency <= 0 {
		o.HashConcurrency = max(2, runtime.NumCPU()/2)
	}
	if o.HashWait <= 0 {
		o.HashWait = DefaultHashWait
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
	store  Store
	opts   Options
	hashes chan struct{} // a slot per password check allowed at once

	dummyOnce sync.Once
	dummyHash string

	auditMu sync.Mutex
}

var (
	userThrottle = Throttle{DefaultMaxFailures, DefaultLockout, DefaultMaxLockout, DefaultForget}
	addrThrottle = Throttle{DefaultAddrMaxFailures, DefaultAddrLockout, DefaultAddrMaxLockout, DefaultForget}
)

// NewService returns a service keeping its users in store.
func NewService(store Store, opts Options) *Service {
	opts = opts.withDefaults()
	s := &Service{store: store, opts: opts, hashes: make(chan struct{}, opts.HashConcurrency)}
	// Make the dummy hash now, off the caller's path, so that the first
	// unknown-user sign-in does not pay two hashes (a timing tell, and on
	// a busy server a slow answer).
	go s.dummy()
	return s
}

// Store returns the service's store.
func (s *Service) Store() Store { return s.store }

func (s *Service) userPolicy() Throttle {
	return Throttle{s.opts.MaxFailures, s.opts.Lockout, s.opts.MaxLockout, s.opts.Forget}
}

func (s *Service) addrPolicy() Throttle {
	return Throttle{s.opts.AddrMaxFailures, s.opts.AddrLockout, s.opts.AddrMaxLockout, s.opts.Forget}
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
	Failures    int       // failed logins since the last success or lockout
	LockedUntil time.Time // zero unless locked out now
	Recovery    int       // unused recovery codes
	Created     time.Time
}

func (s *Service) info(u *User) (UserInfo, error) {
	i := UserInfo{ID: u.ID, Enabled: u.Active != nil, Pending: u.Pending != nil, Recovery: len(u.Recovery), Created: u.Created}
	t, err := s.store.Throttled(userKey(u.ID))
	if err != nil {
		return UserInfo{}, err
	}
	i.Failures = t.Failures
	if s.opts.Now().Before(t.LockedUntil) {
		i.LockedUntil = t.LockedUntil
	}
	return i, nil
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
		i, err := s.info(&u)
		if err != nil {
			return nil, err
		}
		out = append(out, i)
	}
	return out, nil
}

// User returns one user's state.
func (s *Service) User(id string) (UserInfo, error) {
	u, err := s.store.Get(id)
	if err != nil {
		return UserInfo{}, fmt.Errorf("user %q: %w", id, err)
	}
	return s.info(&u)
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

// SetPassword replaces a user's password and ends their sessions.
func (s *Service) SetPassword(id string, password []byte) error {
	hash, err := hashPassword(password, s.opts.Password)
	if err != nil {
		return fmt.Errorf("set password of %q: %w", id, err)
	}
	if err := s.update("set password of", id, func(u *User) error {
		u.PasswordHash = hash
		return nil
	}); err != nil {
		return err
	}
	return s.EndSessions(id)
}

// EndSessions signs the user out everywhere: every session of theirs in
// the store ends, on every instance. SetPassword, Reset and Disable call it.
func (s *Service) EndSessions(id string) error {
	if err := s.store.DeleteSessions(id); err != nil {
		return fmt.Errorf("end sessions of %q: %w", id, err)
	}
	return nil
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
	f := &Factor{ID: randomID(), Secret: secret, Issuer: s.opts.Issuer, Account: id, Algorithm: s.opts.Algorithm,
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
// same code cannot then log in. Enable does the same and also makes the
// recovery codes.
func (s *Service) Confirm(id, code string) error {
	_, err := s.confirm(id, code, false)
	return err
}

// Enable is Confirm that also replaces the user's recovery codes with
// RecoveryCodes fresh ones and returns them: show them once, they are
// kept only as hashes.
func (s *Service) Enable(id, code string) ([]string, error) {
	return s.confirm(id, code, true)
}

func (s *Service) confirm(id, code string, recovery bool) ([]string, error) {
	now := s.opts.Now()
	var codes []string
	err := s.update("confirm enrollment of", id, func(u *User) error {
		if u.Pending == nil {
			return ErrNoPending
		}
		step, ok := s.matchCode(u.Pending, code, now)
		if !ok {
			return ErrBadCode
		}
		if u.Pending.ID == "" {
			u.Pending.ID = randomID()
		}
		u.Active, u.Pending = u.Pending, nil
		if !u.HasLastStep || step > u.LastStep {
			u.LastStep, u.HasLastStep = step, true
		}
		if recovery {
			codes, u.Recovery = newRecoveryCodes(id)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.audit(AuditEvent{Event: "enable", User: id})
	return codes, nil
}

// Reset removes the second factor (active and pending), the recovery codes,
// the replay guard and any lockout: the admin's answer to a lost phone. The
// user logs in with the password alone (ErrNotEnrolled) until enrolled again.
// Every session of the user ends.
func (s *Service) Reset(id string) error {
	if err := s.update("reset second factor of", id, func(u *User) error {
		u.Active, u.Pending, u.Recovery = nil, nil, nil
		u.LastStep, u.HasLastStep = 0, false
		return nil
	}); err != nil {
		return err
	}
	if err := s.store.Clear(userKey(id)); err != nil {
		return fmt.Errorf("reset second factor of %q: %w", id, err)
	}
	if err := s.EndSessions(id); err != nil {
		return err
	}
	s.audit(AuditEvent{Event: "reset", User: id})
	return nil
}

// Disable turns two-step verification off at the user's own request,
// proven with a current code (or a recovery code), which counts like a
// login attempt. Every session of the user ends (the caller may start a
// new one for the browser that asked).
func (s *Service) Disable(id, code string) error {
	if err := s.VerifyCode(id, code); err != nil {
		return fmt.Errorf("disable two-step verification of %q: %w", id, err)
	}
	if err := s.update("disable two-step verification of", id, func(u *User) error {
		u.Active, u.Pending, u.Recovery = nil, nil, nil
		return nil
	}); err != nil {
		return err
	}
	if err := s.EndSessions(id); err != nil {
		return err
	}
	s.audit(AuditEvent{Event: "disable", User: id})
	return nil
}

// RegenerateRecovery replaces the user's recovery codes with fresh ones
// and returns them; the old ones stop working. The user must have two-step
// verification on.
func (s *Service) RegenerateRecovery(id string) ([]string, error) {
	var codes []string
	err := s.update("make recovery codes for", id, func(u *User) error {
		if u.Active == nil {
			return ErrNotEnrolled
		}
		codes, u.Recovery = newRecoveryCodes(id)
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.audit(AuditEvent{Event: "recovery_regenerated", User: id})
	return codes, nil
}

// SignIn is one sign-in attempt.
type SignIn struct {
	ID       string
	Password []byte
	Code     string // a code from the authenticator, or a recovery code
	Addr     string // the client's IP address, for the per-address limit; "" = none
}

// SignInResult tells how a successful sign-in went.
type SignInResult struct {
	Recovery     bool // a recovery code was used (it is now spent)
	RecoveryLeft int  // unused recovery codes after this sign-in
}

// Login checks a user's password and current code; it is SignIn without a
// client address or a context.
func (s *Service) Login(id string, password []byte, code string) error {
	_, err := s.SignIn(context.Background(), SignIn{ID: id, Password: password, Code: code})
	return err
}

// SignIn checks a user's password and code. It returns nil when both are
// right, and otherwise the reason: ErrNoSuchUser, ErrLockedOut (a
// *LockoutError), ErrBusy, ErrBadPassword, ErrBadCode, ErrReplay,
// ErrBadRecoveryCode, or ErrNotEnrolled when the password is right but the
// user has no second factor.
//
// The cost is bounded before anything expensive: a locked user ID or
// address is refused at once; the password check waits for one of
// HashConcurrency slots for up to HashWait (ErrBusy, not counted); then the
// attempt is counted in the store before the check, so that of any number
// of concurrent guesses only MaxFailures are ever checked. Unknown IDs are
// counted, locked and hashed like real ones. A success clears the user's
// count; a failure also counts against the address.
func (s *Service) SignIn(ctx context.Context, in SignIn) (SignInResult, error) {
	res, err := s.signIn(ctx, in)
	if err != nil {
		return res, fmt.Errorf("login %q: %w", in.ID, err)
	}
	return res, nil
}

func (s *Service) signIn(ctx context.Context, in SignIn) (SignInResult, error) {
	var res SignInResult
	now := s.opts.Now()
	switch {
	case !ValidUserID(in.ID):
		return res, ErrNoSuchUser // cannot exist: nothing to hide or to count
	case len(in.Password) > MaxPasswordLen:
		return res, ErrBadPassword
	case len(in.Code) > MaxCodeLen:
		return res, ErrBadCode
	}
	ukey, akey := userKey(in.ID), addrKey(in.Addr)
	for _, k := range []string{akey, ukey} {
		if k == "" {
			continue
		}
		t, err := s.store.Throttled(k)
		if err != nil {
			return res, err
		}
		if now.Before(t.LockedUntil) {
			return res, &LockoutError{Until: t.LockedUntil}
		}
	}
	release, err := s.hashSlot(ctx)
	if err != nil {
		return res, err
	}
	counted, err := s.store.Attempt(ukey, now, s.userPolicy())
	if err != nil {
		release()
		return res, err
	}
	u, err := s.store.Get(in.ID)
	var pwOK bool
	switch {
	case errors.Is(err, ErrNoSuchUser):
		_, _ = checkPassword(s.dummy(), in.Password)
		err = nil // u.ID == "" tells below
	case err != nil:
		release()
		return res, err
	default:
		pwOK, err = checkPassword(u.PasswordHash, in.Password)
	}
	release()
	var fail error
	switch {
	case err != nil:
		return res, err
	case u.ID == "":
		fail = ErrNoSuchUser
	case !pwOK:
		fail = ErrBadPassword
	case u.Active == nil:
		fail = ErrNotEnrolled
	default:
		res, fail = s.secondFactor(&u, in.Code, now)
	}
	if fail == nil || errors.Is(fail, ErrNotEnrolled) {
		// A good code cleared the count as it was spent; a right password
		// without a second factor clears it here.
		if fail != nil {
			if err := s.store.Clear(ukey); err != nil {
				return res, err
			}
		}
		if res.Recovery {
			s.audit(AuditEvent{Event: "recovery_used", User: in.ID, Addr: in.Addr})
		}
		return res, fail
	}
	if errors.Is(fail, ErrRolledBack) || errors.Is(fail, ErrCorrupt) || errors.Is(fail, ErrWrongKey) {
		return res, fail
	}
	s.failed(in.ID, in.Addr, fail, counted, now)
	return res, fail
}

// failed records a failed attempt: the address's count, and audit lines
// for the failure and for a lockout it started.
func (s *Service) failed(id, addr string, why error, counted ThrottleInfo, now time.Time) {
	s.audit(AuditEvent{Event: "signin_failure", User: id, Addr: addr, Reason: reason(why)})
	if now.Before(counted.LockedUntil) {
		s.audit(AuditEvent{Event: "lockout", User: id, Until: counted.LockedUntil})
	}
	if k := addrKey(addr); k != "" {
		t, err := s.store.Attempt(k, now, s.addrPolicy())
		if err == nil && now.Before(t.LockedUntil) {
			s.audit(AuditEvent{Event: "lockout", Addr: addr, Until: t.LockedUntil})
		}
	}
}

// secondFactor checks code (a TOTP code or a recovery code) and spends it.
func (s *Service) secondFactor(u *User, code string, now time.Time) (SignInResult, error) {
	var res SignInResult
	if rc, ok := normalizeRecovery(code); ok {
		left, err := s.useRecovery(u.ID, rc)
		if err != nil {
			return res, err
		}
		return SignInResult{Recovery: true, RecoveryLeft: left}, s.store.Clear(userKey(u.ID))
	}
	res.RecoveryLeft = len(u.Recovery)
	step, ok := s.matchCode(u.Active, code, now)
	if !ok {
		return res, ErrBadCode
	}
	return res, s.store.Spend(u.ID, u.Active.ID, step, userKey(u.ID))
}

// VerifyCode checks a user's second factor alone, for an application that
// checked the password itself (or asks for a code again before a risky
// action): the code (or a recovery code) must be right and unused, and the
// attempt counts towards the user's lockout like a login. No password is
// hashed, so it is cheap.
func (s *Service) VerifyCode(id, code string) error {
	now := s.opts.Now()
	if len(code) > MaxCodeLen {
		return fmt.Errorf("verify code of %q: %w", id, ErrBadCode)
	}
	counted, err := s.verifyCode(id, code, now)
	switch { // a lockout checked nothing and is no new failure
	case err == nil:
	case errors.Is(err, ErrBadCode), errors.Is(err, ErrReplay), errors.Is(err, ErrBadRecoveryCode), errors.Is(err, ErrNoSuchUser):
		s.failed(id, "", err, counted, now)
	}
	if err != nil {
		return fmt.Errorf("verify code of %q: %w", id, err)
	}
	return nil
}

// verifyCode counts the attempt and checks the code: a TOTP code with
// Store.Verify (count, read, check, spend: two round trips or one
// transaction; on PostgreSQL, once the store has read the user's factor,
// one round trip: verifyByFactor), a recovery code with Attempt, Get and
// Update.
func (s *Service) verifyCode(id, code string, now time.Time) (ThrottleInfo, error) {
	if _, ok := normalizeRecovery(code); ok {
		counted, err := s.store.Attempt(userKey(id), now, s.userPolicy())
		if err != nil {
			return counted, err
		}
		u, err := s.store.Get(id)
		if err == nil && u.Active == nil {
			err = ErrNotEnrolled
		}
		if err == nil {
			_, err = s.secondFactor(&u, code, now)
		}
		return counted, err
	}
	return verifyByFactor(s.store, id, userKey(id), now, s.userPolicy(), func(f *Factor) (uint64, error) {
		step, ok := s.matchCode(f, code, now)
		if !ok {
			return 0, ErrBadCode
		}
		return step, nil
	})
}

// hashSlot waits for a password-check slot.
func (s *Service) hashSlot(ctx context.Context) (func(), error) {
	select {
	case s.hashes <- struct{}{}:
		return func() { <-s.hashes }, nil
	default:
	}
	t := time.NewTimer(s.opts.HashWait)
	defer t.Stop()
	select {
	case s.hashes <- struct{}{}:
		return func() { <-s.hashes }, nil
	case <-t.C:
		return nil, ErrBusy
	case <-ctx.Done():
		return nil, fmt.Errorf("%w: %w", ErrBusy, ctx.Err())
	}
}

// dummy is a hash no password matches, with the cost of real ones, for
// equal timing on unknown users.
func (s *Service) dummy() string {
	s.dummyOnce.Do(func() {
		pw := make([]byte, 32)
		_, _ = rand.Read(pw)
		s.dummyHash, _ = hashPassword(pw, s.opts.Password)
	})
	return s.dummyHash
}

// userKey and addrKey name the attempt counters of a user ID and of a
// client address. IPv6 addresses count per /64, what one client usually
// holds.
func userKey(id string) string { return "user:" + id }

func addrKey(addr string) string {
	if addr == "" {
		return ""
	}
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return "addr:" + addr
	}
	ip = ip.Unmap()
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return "addr:" + p.String()
	}
	return "addr:" + ip.String()
}

func randomID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
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
	raw := rawHOTP(f)
	var buf [8]byte
	for step := first; step <= cur+skew; step++ {
		var want []byte
		if raw {
			want = buf[:f.Digits]
			hotpCode(want, f.Secret, f.Algorithm, step)
		} else {
			c, err := a.Generate(step)
			if err != nil {
				return 0, false
			}
			want = []byte(c)
		}
		if subtle.ConstantTimeCompare(want, []byte(code)) == 1 {
			best, ok = step, true
		}
	}
	return best, ok
}

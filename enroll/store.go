package enroll

import (
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/nidan-auth/nidan/accounts"
)

// Factor is one TOTP second factor: the shared secret and how codes are
// made from it, as the Key URI tells the authenticator.
type Factor struct {
	// ID names this factor (random, made by Begin), so that a code checked
	// against one factor is never spent on a factor that replaced it
	// meanwhile (Store.Spend compares it).
	ID        string             `json:"id,omitempty"`
	Secret    []byte             `json:"secret"`
	Issuer    string             `json:"issuer,omitempty"`
	Account   string             `json:"account"` // the name in the authenticator: the user ID
	Algorithm accounts.Algorithm `json:"algorithm"`
	Digits    int                `json:"digits"`
	Period    int                `json:"period"`
	Created   time.Time          `json:"created"`
}

// OTPAccount returns the factor as an authenticator account, which is what
// turns it into codes and into a Key URI.
func (f *Factor) OTPAccount() accounts.Account {
	return accounts.Account{
		Type:      accounts.TOTP,
		Issuer:    f.Issuer,
		Name:      f.Account,
		Secret:    append([]byte(nil), f.Secret...),
		Algorithm: f.Algorithm,
		Digits:    f.Digits,
		Period:    f.Period,
	}
}

func (f *Factor) clone() *Factor {
	if f == nil {
		return nil
	}
	c := *f
	c.Secret = append([]byte(nil), f.Secret...)
	return &c
}

// User is everything the service keeps about one person. Stores persist it
// whole; secrets and the password hash must be protected at rest.
type User struct {
	ID           string  `json:"id"`
	PasswordHash string  `json:"password_hash"`     // PHC argon2id string
	Active       *Factor `json:"active,omitempty"`  // the enabled second factor; nil = 2FA off
	Pending      *Factor `json:"pending,omitempty"` // shown by Begin, not yet confirmed
	// LastStep is the highest TOTP time step accepted so far (by Confirm or
	// Login). Codes of that step or earlier are replays. HasLastStep tells
	// step 0 from "none yet".
	LastStep    uint64 `json:"last_step,omitempty"`
	HasLastStep bool   `json:"has_last_step,omitempty"`
	// Recovery holds the hashes (recoveryHash) of the one-time recovery
	// codes not used yet.
	Recovery []string  `json:"recovery,omitempty"`
	Created  time.Time `json:"created"`
	Modified time.Time `json:"modified"`
}

// Clone returns a deep copy, secrets included.
func (u *User) Clone() User {
	c := *u
	c.Active = u.Active.clone()
	c.Pending = u.Pending.clone()
	c.Recovery = append([]string(nil), u.Recovery...)
	return c
}

// Throttle is the policy of one attempt counter (Store.Attempt): after
// MaxFailures attempts without a success the key is locked for Lockout,
// each further lockout doubling it up to MaxLockout; after Forget without
// an attempt or a lock the escalation starts over.
type Throttle struct {
	MaxFailures int
	Lockout     time.Duration
	MaxLockout  time.Duration
	Forget      time.Duration
}

// ThrottleInfo is the state of one attempt counter.
type ThrottleInfo struct {
	Failures    int       // attempts counted since the last lock or success
	Lockouts    int       // lockouts since the last success (within Forget)
	LockedUntil time.Time // zero, or the end of the current or last lock
}

// Store keeps users and attempt counters durably. Implementations must be
// safe for concurrent use, by several processes where they say so, and
// decide the replay guard (Spend) and the counters (Attempt) atomically in
// the store itself, never from a copy in one process's memory. The
// conformance suite (storeConformance in conformance_test.go) runs against
// every implementation.
type Store interface {
	// IDs returns every user ID, sorted.
	IDs() ([]string, error)
	// Get returns a copy of the user, or ErrNoSuchUser.
	Get(id string) (User, error)
	// Create adds a new user, or fails with ErrUserExists.
	Create(u User) error
	// Update calls fn with a copy of the user and saves what fn leaves in
	// it, with no other change to that user in between. If fn returns an
	// error nothing is saved and Update returns it. ErrNoSuchUser if there
	// is no such user (fn is not called).
	Update(id string, fn func(u *User) error) error
	// Delete removes the user, or fails with ErrNoSuchUser.
	Delete(id string) error

	// Spend records TOTP step as used by the user's active factor, if
	// that factor's ID is still factorID and step is later than every step
	// used so far. Otherwise it changes nothing and returns ErrReplay (an
	// older or equal step), ErrBadCode (the factor was replaced or
	// removed) or ErrNoSuchUser. Of many concurrent Spends of one step,
	// exactly one succeeds. A successful Spend also forgets the attempt
	// counter clearKey (if not empty) in the same write, since a good code
	// is what clears a user's lockout count.
	Spend(id, factorID string, step uint64, clearKey string) error

	// Verify is Attempt, Get and Spend as one operation, the path of every
	// code check: it counts an attempt on key under p at now as Attempt
	// does (a locked key: a *LockoutError, nothing read, match not
	// called), then reads the user and calls match with it. match returns
	// the TOTP step the code is, or why it is not one (ErrNotEnrolled,
	// ErrBadCode…); a step is spent as Spend(id, u.Active.ID, step, key)
	// spends it, clearing key. The user match sees is Get's without
	// PasswordHash and Pending (a code check needs neither). The attempt
	// counts whatever the outcome: a failed check leaves it counted, and
	// of many concurrent Verifys of one key at most p.MaxFailures reach
	// match before the lock. match may run on another goroutine (a store
	// deciding concurrent checks together), at the same time as other
	// checks' match functions. Returns the counter's state after the attempt
	// and nil (accepted), the *LockoutError, ErrNoSuchUser (counted too),
	// match's error, or Spend's.
	Verify(id, key string, now time.Time, p Throttle, match func(u *User) (uint64, error)) (ThrottleInfo, error)

	// Attempt counts one attempt on key (any string: a user ID, an
	// address) under policy p at now. If key is locked at now it counts
	// nothing and returns a *LockoutError. Otherwise the attempt counts
	// and may go on; if it reaches p.MaxFailures it also locks the key, so
	// that of many concurrent attempts at most p.MaxFailures pass. The
	// returned info is the state after the attempt.
	Attempt(key string, now time.Time, p Throttle) (ThrottleInfo, error)
	// Throttled returns key's state (the zero value for an unknown key).
	Throttled(key string) (ThrottleInfo, error)
	// Clear forgets key's counter: the attempts succeeded.
	Clear(key string) error

	// CreateSession stores a new signed-in session for s.User (ErrNoSuchUser
	// if there is none). In the same write it forgets every session expired
	// at s.Created and, so that one user never holds more than maxPerUser,
	// that user's sessions closest to expiry. Only a successful sign-in
	// should call it: nothing else can then add or push out sessions.
	CreateSession(s Session, maxPerUser int) error
	// Session returns the session key names if it has not expired at now,
	// or ErrNoSession.
	Session(key string, now time.Time) (Session, error)
	// SaveSession stores s.Expires and s.Data for the session s.Key if it
	// is still live at now; ErrNoSession if it ended or was revoked
	// meanwhile (a revoked session never comes back).
	SaveSession(s Session, now time.Time) error
	// DeleteSession ends one session (no error if there is none).
	DeleteSession(key string) error
	// DeleteSessions ends every session of the user: the answer to a
	// password change, a reset or a disabled second factor. Delete does it
	// too.
	DeleteSessions(user string) error
	// UserSessions returns the user's sessions live at now, oldest first.
	UserSessions(user string, now time.Time) ([]Session, error)

	// Close releases the store's files or connections.
	Close() error
}

// Session is one signed-in browser as a store keeps it, shared by every
// panel instance on the store. The browser holds a random token; the store
// holds only SessionKey(token), so that reading the store does not let
// anyone sign in.
type Session struct {
	Key      string // SessionKey of the token
	User     string
	WithCode bool // signed in with a second factor
	// Data is the application's (the panel keeps a one-time message and
	// recovery codes waiting to be shown in it); stores seal it at rest.
	Data    []byte
	Created time.Time
	Expires time.Time
}

// SessionKey is what a store keeps of a session token: hex SHA-256 of
// "nidan-session/v1" NUL token.
func SessionKey(token string) string {
	h := sha256.Sum256([]byte("nidan-session/v1\x00" + token))
	return hex.EncodeToString(h[:])
}

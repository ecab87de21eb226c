package enroll

import (
	"time"

	"github.com/nidan-auth/nidan/accounts"
)

// Factor is one TOTP second factor: the shared secret and how codes are
// made from it, as the Key URI tells the authenticator.
type Factor struct {
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
	LastStep    uint64    `json:"last_step,omitempty"`
	HasLastStep bool      `json:"has_last_step,omitempty"`
	Failures    int       `json:"failures,omitempty"` // consecutive failed logins
	LockedUntil time.Time `json:"locked_until,omitzero"`
	Created     time.Time `json:"created"`
	Modified    time.Time `json:"modified"`
}

// Clone returns a deep copy, secrets included.
func (u *User) Clone() User {
	c := *u
	c.Active = u.Active.clone()
	c.Pending = u.Pending.clone()
	return c
}

// Store keeps users durably. Implementations must be safe for concurrent
// use, and Update must be atomic: the replay guard and the failure counter
// depend on no two logins reading the same state.
type Store interface {
	// IDs returns every user ID, sorted.
	IDs() ([]string, error)
	// Get returns a copy of the user, or ErrNoSuchUser.
	Get(id string) (User, error)
	// Create adds a new user, or fails with ErrUserExists.
	Create(u User) error
	// Update calls fn with a copy of the user and saves what fn leaves in
	// it. If fn returns an error nothing is saved and Update returns it.
	// ErrNoSuchUser if there is no such user (fn is not called).
	Update(id string, fn func(u *User) error) error
	// Delete removes the user, or fails with ErrNoSuchUser.
	Delete(id string) error
}

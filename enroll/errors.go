package enroll

import (
	"errors"
	"fmt"
	"time"
)

// Sentinel errors callers can test with errors.Is.
var (
	// ErrNoSuchUser: no user has this ID.
	ErrNoSuchUser = errors.New("no such user")
	// ErrUserExists: AddUser with an ID already taken.
	ErrUserExists = errors.New("user already exists")
	// ErrInvalidUserID: an empty ID, or one with control characters or
	// surrounding spaces, or longer than MaxUserIDLen bytes.
	ErrInvalidUserID = errors.New("invalid user ID")
	// ErrEmptyPassword: a password must not be empty.
	ErrEmptyPassword = errors.New("password is empty")
	// ErrBadPassword: the password is wrong.
	ErrBadPassword = errors.New("wrong password")
	// ErrBadCode: the one-time code is wrong, malformed or outside the
	// accepted time window.
	ErrBadCode = errors.New("wrong code")
	// ErrReplay: the code is right but its time step was already used
	// (or a later one was): a code works once.
	ErrReplay = errors.New("code already used")
	// ErrLockedOut: too many failures in a row; the account refuses every
	// attempt until the cool-down ends. The error is a *LockoutError.
	ErrLockedOut = errors.New("locked out after too many failures")
	// ErrNotEnrolled: the user has no second factor. Login returns it only
	// after the password matched, so a caller that admits password-only
	// users may let them in (to set up 2FA, say).
	ErrNotEnrolled = errors.New("two-step verification is not enabled")
	// ErrNoPending: Confirm without a pending enrollment (call Begin).
	ErrNoPending = errors.New("no pending enrollment")
	// ErrStoreInUse: another process (a server, a nidan enroll command)
	// has held the file store's lock for longer than a save takes;
	// nothing changed.
	ErrStoreInUse = errors.New("the enroll store is in use by another process")
	// ErrNoSession: the session does not exist, expired or was revoked.
	ErrNoSession = errors.New("no such session")
	// ErrWrongKey: the store file does not open with this key (AEAD
	// failure): another store's key file, or a tampered file.
	ErrWrongKey = errors.New("store key does not match the store file")
	// ErrCorrupt: the store file or its key file is damaged or not a store.
	ErrCorrupt = errors.New("store file is damaged")
	// ErrUnsupportedVersion: the store was written by a newer Nidan.
	ErrUnsupportedVersion = errors.New("unsupported store version")
	// ErrRolledBack: the store file is older than the last save
	// (an earlier copy was put back), which would bring back used codes,
	// cleared lockouts and removed factors; AcceptFileStore overrides it.
	ErrRolledBack = errors.New("store file was rolled back to an earlier copy")
	// ErrBusy: too many password checks are already running; the attempt
	// was not made and did not count. Try again in a moment.
	ErrBusy = errors.New("server busy")
	// ErrBadRecoveryCode: not one of the user's unused recovery codes.
	ErrBadRecoveryCode = errors.New("wrong recovery code")
	// ErrNoKey: a SQL store needs the secrets key (a key file or
	// NIDAN_ENROLL_KEY) and none was given.
	ErrNoKey = errors.New("no secrets key")
)

// LockoutError is returned while a user is locked out; it matches
// ErrLockedOut with errors.Is.
type LockoutError struct {
	Until time.Time // when attempts are accepted again
}

func (e *LockoutError) Error() string {
	return fmt.Sprintf("%v until %s", ErrLockedOut, e.Until.UTC().Format(time.RFC3339))
}

func (e *LockoutError) Is(target error) bool { return target == ErrLockedOut }

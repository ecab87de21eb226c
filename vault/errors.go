package vault

import (
	"errors"

	"github.com/nidan-auth/nidan/accounts"
)

// Sentinel errors of the vault. The GUI and the CLI branch on them.
var (
	// ErrWrongPassword is accounts.ErrWrongPassword: the one sentinel for
	// "this password does not open it", shared with the import formats.
	ErrWrongPassword      = accounts.ErrWrongPassword
	ErrCorrupt            = errors.New("vault file is damaged")
	ErrUnsupportedVersion = errors.New("unsupported vault format")
	ErrNoVault            = errors.New("no vault")
	ErrVaultExists        = errors.New("a vault already exists")
	ErrKeyringUnavailable = errors.New("OS keyring unavailable")
	ErrNoKeyringEntry     = errors.New("no saved keyring unlock")
	ErrKeyringOff         = errors.New("keyring unlock is off for this vault") // comes wrapped with ErrNoKeyringEntry
	ErrLocked             = errors.New("vault is locked")
	ErrNoAccount          = errors.New("no such account")
	ErrEmptyPassword      = errors.New("password is empty")
	// ErrInUse: another process (the app, a command) has held the vault's
	// lock for Options.LockWait; nothing was saved.
	ErrInUse = errors.New("the vault is in use by another Nidan")
)

// ErrCorruptVault is the name docs/STYLE.md uses for ErrCorrupt.
var ErrCorruptVault = ErrCorrupt

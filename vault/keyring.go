package vault

import (
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/nidan-auth/nidan/accounts"
)

// KeyringService is the service name Nidan's keyring entries live under;
// the user is the vault id.
const KeyringService = "nidan"

// Keyring is where the key of a vault's keyring slot is kept. SystemKeyring
// is the OS keyring; its errors are mapped to ErrNoKeyringEntry and
// ErrKeyringUnavailable so callers can fall back to the password.
type Keyring interface {
	Get(service, user string) (string, error)
	Set(service, user, secret string) error
	Delete(service, user string) error
}

// mapKeyringErr converts go-keyring's errors at the boundary: a missing
// entry is ErrNoKeyringEntry, and anything else (no D-Bus session, no Secret
// Service, a locked collection, an unsupported platform) is
// ErrKeyringUnavailable wrapping the cause.
func mapKeyringErr(err error) error {
	switch {
	case err == nil:
		return nil
	case keyringNotFound(err):
		return ErrNoKeyringEntry
	case errors.Is(err, ErrNoKeyringEntry), errors.Is(err, ErrKeyringUnavailable):
		return err
	}
	return fmt.Errorf("%w: %v", ErrKeyringUnavailable, err)
}

func getKeyringKey(kr Keyring, vaultID string) ([]byte, error) {
	s, err := kr.Get(KeyringService, vaultID)
	if err != nil {
		return nil, mapKeyringErr(err)
	}
	k, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(k) != masterKeyLen {
		return nil, fmt.Errorf("%w: the keyring entry is not a Nidan key", accounts.ErrWrongPassword)
	}
	return k, nil
}

func setKeyringKey(kr Keyring, vaultID string, k []byte) error {
	return mapKeyringErr(kr.Set(KeyringService, vaultID, base64.StdEncoding.EncodeToString(k)))
}

func deleteKeyringKey(kr Keyring, vaultID string) error {
	return mapKeyringErr(kr.Delete(KeyringService, vaultID))
}

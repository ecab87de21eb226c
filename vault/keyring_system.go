//go:build !android && !ios

package vault

import (
	"errors"

	"github.com/zalando/go-keyring"
)

// SystemKeyring returns the OS keyring through zalando/go-keyring: the
// Secret Service over D-Bus on Linux and the BSDs, the Keychain on macOS,
// the Credential Manager on Windows.
func SystemKeyring() Keyring { return systemKeyring{} }

type systemKeyring struct{}

func (systemKeyring) Get(service, user string) (string, error) {
	s, err := keyring.Get(service, user)
	return s, mapKeyringErr(err)
}

func (systemKeyring) Set(service, user, secret string) error {
	return mapKeyringErr(keyring.Set(service, user, secret))
}

func (systemKeyring) Delete(service, user string) error {
	return mapKeyringErr(keyring.Delete(service, user))
}

// keyringNotFound reports go-keyring's "no such entry".
func keyringNotFound(err error) bool { return errors.Is(err, keyring.ErrNotFound) }

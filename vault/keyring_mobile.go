//go:build android || ios

package vault

import "fmt"

// SystemKeyring on Android and iOS is not available: go-keyring would reach
// for D-Bus or /usr/bin/security, neither of which exists there. Vaults on
// mobile unlock with the backup password; callers see ErrKeyringUnavailable
// and fall back, as they do on a desktop without a keyring.
func SystemKeyring() Keyring { return mobileKeyring{} }

type mobileKeyring struct{}

var errMobileKeyring = fmt.Errorf("%w: no OS keyring support on this platform; unlock with the backup password", ErrKeyringUnavailable)

func (mobileKeyring) Get(string, string) (string, error) { return "", errMobileKeyring }
func (mobileKeyring) Set(string, string, string) error   { return errMobileKeyring }
func (mobileKeyring) Delete(string, string) error        { return errMobileKeyring }

// keyringNotFound: there are no entries to miss without a keyring.
func keyringNotFound(error) bool { return false }

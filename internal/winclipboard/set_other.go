//go:build !windows

package winclipboard

import "errors"

// Set is only on Windows.
func Set(string, []byte) error {
	return errors.New("winclipboard sets the Windows clipboard: build for windows (GOOS=windows) and run it there or under Wine")
}

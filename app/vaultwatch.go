package app

import (
	"context"

	"fyne.io/fyne/v2"

	"github.com/nidan-auth/nidan/vault"
)

// The unlocked vault follows the file (vault.Watch): when the CLI beside the
// app saves, for example showing an HOTP code and so using it, the list
// shows what the file now says within a moment, so a row never offers a
// code that was already handed out, and an account added there appears.

// startVaultWatch runs when a vault is unlocked (not in tests with
// Options.Sync, which have no goroutines of their own).
func (u *ui) startVaultWatch() {
	u.stopVaultWatch()
	v := u.vault
	if v == nil || u.opts.Sync {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	u.watchStop = cancel
	go func() {
		err := v.Watch(ctx, vault.WatchOptions{}, func(err error) {
			fyne.Do(func() {
				if u.vault == v {
					u.onVaultChanged(err)
				}
			})
		})
		if err != nil {
			// Without events the vault is still read at each save; only
			// the live update is lost.
			fyne.LogError("watch the vault file", err)
		}
	}()
}

// stopVaultWatch ends the watch (on lock and on quit).
func (u *ui) stopVaultWatch() {
	if u.watchStop != nil {
		u.watchStop()
		u.watchStop = nil
	}
}

// onVaultChanged redraws what shows the accounts after another process
// saved. An error (the password changed by `nidan passwd`, the file
// replaced) is only logged here: the next save refuses with it and says
// what to do.
func (u *ui) onVaultChanged(err error) {
	if err != nil {
		fyne.LogError("take in the vault file another process saved", err)
		return
	}
	trace("vault reloaded")
	if u.list != nil {
		u.list.reload()
	}
	u.updateTray()
}

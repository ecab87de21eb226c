//go:build unix

package accounts

import (
	"fmt"
	"os"
	"syscall"
)

// lockFile takes an exclusive advisory lock on vaultPath+".lock", so that
// two processes (the GUI and the CLI) never save at the same moment. The
// kernel drops the lock if the process dies.
func lockFile(vaultPath string) (unlock func(), err error) {
	f, err := os.OpenFile(vaultPath+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock vault: %w", err)
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock vault: %w", err)
	}
	return func() { f.Close() }, nil
}

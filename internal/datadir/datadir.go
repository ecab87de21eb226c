// Package datadir is where Nidan keeps its files: os.UserConfigDir()/nidan,
// shared by the GUI, the CLI, the vault and the enroll store.
package datadir

import (
	"fmt"
	"os"
	"path/filepath"
)

// Dir returns Nidan's data folder, creating it 0700 if needed.
func Dir() (string, error) {
	base, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find data folder: %w", err)
	}
	dir := filepath.Join(base, "nidan")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create data folder: %w", err)
	}
	return dir, nil
}

package app

import (
	"time"

	"fyne.io/fyne/v2"
)

// Preference keys. Preferences are a plain JSON file: never put a secret
// here (STYLE §3.9).
const (
	prefClipboardSeconds = "clipboard.clear.seconds"
	prefAutoLockMinutes  = "lock.idle.minutes"
	prefKeyring          = "unlock.keyring"
	prefBackupDir        = "backup.dir"
	prefTheme            = "theme"    // "system", "light", "dark"
	prefLanguage         = "language" // "system", "en", "ja"
	prefSort             = "list.sort"
)

// Sort orders of the list.
const (
	sortManual = "manual"
	sortName   = "name"
	sortRecent = "recent"
)

// settings reads preferences with their defaults; handlers write them.
type settings struct{ p fyne.Preferences }

func (s settings) clipboardClear() time.Duration {
	return time.Duration(s.p.IntWithFallback(prefClipboardSeconds, 30)) * time.Second
}

func (s settings) autoLock() time.Duration {
	return time.Duration(s.p.IntWithFallback(prefAutoLockMinutes, 5)) * time.Minute
}

func (s settings) keyring() bool     { return s.p.BoolWithFallback(prefKeyring, false) }
func (s settings) backupDir() string { return s.p.String(prefBackupDir) }
func (s settings) theme() string     { return s.p.StringWithFallback(prefTheme, "system") }
func (s settings) language() string  { return s.p.StringWithFallback(prefLanguage, "system") }
func (s settings) sortOrder() string { return s.p.StringWithFallback(prefSort, sortManual) }

package vault

import (
	"cmp"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/internal/datadir"
)

// DefaultDataDir returns Nidan's data folder, os.UserConfigDir()/nidan,
// creating it 0700 if needed. The GUI and the CLI share it.
func DefaultDataDir() (string, error) { return datadir.Dir() }

// DefaultPath returns DefaultDataDir()/vault.nidan.
func DefaultPath() (string, error) {
	dir, err := DefaultDataDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "vault.nidan"), nil
}

// Options tune how a vault is created and opened. The zero value is
// what the app uses.
type Options struct {
	KDF       KDFParams // for new password slots; zero = DefaultKDF. Lower values are for tests only.
	BackupDir string    // for a new vault; "" = "backups" beside the vault file
	Keyring   Keyring   // nil = SystemKeyring()
	Now       func() time.Time
}

func (o *Options) keyring() Keyring {
	if o.Keyring == nil {
		return SystemKeyring()
	}
	return o.Keyring
}

func (o *Options) now() time.Time {
	if o.Now != nil {
		return o.Now().UTC()
	}
	return time.Now().UTC()
}

// Vault is an unlocked vault: the accounts in memory and the master key that
// seals them. Every change is saved at once (crash-safely, see
// docs/vault-format.md) and followed by an automatic backup. It is safe
// for concurrent use: the GUI's ticker reads while handlers write.
type Vault struct {
	mu       sync.Mutex
	path     string
	opts     Options
	hdr      header
	master   []byte
	accts    []accounts.Account
	locked   bool
	checksum [checksumLen]byte // of the file as we last read or wrote it
}

// Exists reports whether a file exists at path.
func Exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// Create creates a new, empty vault at path protected by password. The
// folder is created 0700 if needed; an existing file is ErrVaultExists.
func Create(path string, password []byte, opts Options) (*Vault, error) {
	if len(password) == 0 {
		return nil, fmt.Errorf("create vault: %w", ErrEmptyPassword)
	}
	if Exists(path) {
		return nil, fmt.Errorf("create vault %s: %w", path, ErrVaultExists)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create vault: %w", err)
	}
	v := &Vault{path: path, opts: opts, master: randomBytes(masterKeyLen)}
	v.hdr = header{Kind: kindVault, VaultID: hex.EncodeToString(randomBytes(16)), Cipher: cipherName, BackupDir: opts.BackupDir}
	v.hdr.setSlot(passwordSlot(v.hdr.VaultID, password, v.master, opts.KDF.orDefault()))
	if err := v.create(); err != nil {
		return nil, fmt.Errorf("create vault: %w", err)
	}
	return v, nil
}

// readVaultFile reads and parses a vault file without any key.
func readVaultFile(path string) (*container, error) {
	data, err := readLimited(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("open vault %s: %w", path, ErrNoVault)
	}
	if err != nil {
		return nil, fmt.Errorf("open vault: %w", err)
	}
	return parseVault(path, data)
}

// parseVault checks a vault file's bytes as far as that needs no key.
func parseVault(path string, data []byte) (*container, error) {
	c, err := parse(data)
	if err != nil {
		return nil, fmt.Errorf("open vault %s: %w", path, err)
	}
	if c.header.Kind != kindVault {
		return nil, fmt.Errorf("open vault %s: %w: this is a backup; restore it instead", path, ErrCorrupt)
	}
	return c, nil
}

// Open unlocks the vault at path with its password. A wrong password is
// ErrWrongPassword and a damaged file ErrCorrupt (saying what); neither
// changes anything on disk.
func Open(path string, password []byte, opts Options) (*Vault, error) {
	c, err := readVaultFile(path)
	if err != nil {
		return nil, err
	}
	master, err := c.header.unwrapPassword(password)
	if err != nil {
		return nil, fmt.Errorf("open vault: %w", err)
	}
	return openWith(path, c, master, opts)
}

// OpenWithKeyring unlocks the vault with the key saved in the OS
// keyring. ErrNoKeyringEntry (keyring unlock off, or no entry) and
// ErrKeyringUnavailable mean: ask for the password instead.
func OpenWithKeyring(path string, opts Options) (*Vault, error) {
	c, err := readVaultFile(path)
	if err != nil {
		return nil, err
	}
	s := c.header.slot(slotKeyring)
	if s == nil {
		return nil, fmt.Errorf("open vault: %w: %w", ErrNoKeyringEntry, ErrKeyringOff)
	}
	k, err := getKeyringKey(opts.keyring(), c.header.VaultID)
	if err != nil {
		return nil, fmt.Errorf("open vault: %w", err)
	}
	defer wipe(k)
	master, err := s.unwrap(c.header.VaultID, k)
	if err != nil {
		return nil, fmt.Errorf("open vault: %w: the keyring entry does not match this vault", accounts.ErrWrongPassword)
	}
	return openWith(path, c, master, opts)
}

func openWith(path string, c *container, master []byte, opts Options) (*Vault, error) {
	p, err := c.open(master)
	if err != nil {
		wipe(master)
		return nil, fmt.Errorf("open vault %s: %w", path, err)
	}
	v := &Vault{path: path, opts: opts, hdr: c.header, master: master, accts: p.Accounts, checksum: c.checksum}
	v.sortLocked()
	return v, nil
}

// Path returns the vault file's path.
func (v *Vault) Path() string { return v.path }

// ID returns the vault's random id (it names the keyring entry).
func (v *Vault) ID() string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.hdr.VaultID
}

// Accounts returns deep copies of the accounts, sorted by Order.
func (v *Vault) Accounts() []accounts.Account {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := make([]accounts.Account, len(v.accts))
	for i := range v.accts {
		out[i] = v.accts[i].Clone()
	}
	return out
}

// Account returns a copy of the account with the given ID.
func (v *Vault) Account(id string) (accounts.Account, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if i := v.indexLocked(id); i >= 0 {
		return v.accts[i].Clone(), true
	}
	return accounts.Account{}, false
}

func (v *Vault) indexLocked(id string) int {
	return slices.IndexFunc(v.accts, func(a accounts.Account) bool { return a.ID == id })
}

func (v *Vault) sortLocked() {
	slices.SortStableFunc(v.accts, func(a, b accounts.Account) int { return cmp.Compare(a.Order, b.Order) })
}

// BackupDir returns the folder automatic backups go to.
func (v *Vault) BackupDir() string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.backupDirLocked()
}

func (v *Vault) backupDirLocked() string {
	if v.hdr.BackupDir != "" {
		return v.hdr.BackupDir
	}
	return defaultBackupDir(v.path)
}

func defaultBackupDir(vaultPath string) string {
	return filepath.Join(filepath.Dir(vaultPath), "backups")
}

// SetBackupDir changes where automatic backups go ("" = the default) and
// writes a backup there at once. The setting is kept in the vault file, so
// the GUI and the CLI agree.
func (v *Vault) SetBackupDir(dir string) error {
	if dir != "" {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return fmt.Errorf("backup folder: %w", err)
		}
		dir = abs
	}
	err := v.mutate(true, func() error {
		v.hdr.BackupDir = dir
		return nil
	})
	if err != nil {
		return fmt.Errorf("backup folder: %w", err)
	}
	return nil
}

// Lock wipes the master key and the secrets from memory. Every later call
// that needs them returns ErrLocked.
func (v *Vault) Lock() {
	v.mu.Lock()
	defer v.mu.Unlock()
	wipe(v.master)
	for i := range v.accts {
		wipe(v.accts[i].Secret)
	}
	v.master, v.accts, v.locked = nil, nil, true
}

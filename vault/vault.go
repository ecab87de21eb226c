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
	"github.com/nidan-auth/nidan/replica"
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
	// DeviceName names this device in the sync folder's device list;
	// "" = the host name.
	DeviceName string
	// LockWait is how long a save waits for another process (the app, a
	// command) to let go of the vault's lock before it fails with ErrInUse;
	// 0 = filelock.DefaultWait (10 s).
	LockWait time.Duration
}

func (o *Options) deviceName() string {
	if o.DeviceName != "" {
		return o.DeviceName
	}
	if h, err := os.Hostname(); err == nil {
		return h
	}
	return "device"
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
	st       replica.State // accounts sorted by Order, then ID
	clock    *replica.Clock
	syncErr  error // from writing this device's sync file after the last save
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
	v := &Vault{path: path, opts: opts, master: randomBytes(masterKeyLen), st: replica.State{Accounts: []replica.Entry{}}}
	dev := newDeviceID()
	v.clock = replica.NewClock(dev, replica.Stamp{})
	v.hdr = header{Kind: kindVault, VaultID: hex.EncodeToString(randomBytes(16)), Cipher: cipherName, BackupDir: opts.BackupDir,
		Keyed: v.clock.Now(opts.now()), Device: dev}
	v.hdr.setSlot(v.hdr.passwordSlot(password, v.master, opts.KDF.orDefault()))
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
	master, k, err := c.header.openPassword(c.version, password)
	if err != nil {
		return nil, fmt.Errorf("open vault: %w", err)
	}
	defer wipe(k)
	return openWith(path, c, master, opts, slotPassword, k)
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
	master, err := c.header.unwrap(s, c.version, k)
	if err != nil {
		return nil, fmt.Errorf("open vault: %w: the keyring entry does not match this vault", accounts.ErrWrongPassword)
	}
	return openWith(path, c, master, opts, slotKeyring, k)
}

// openWith finishes an unlock with the slot of type typ, whose key is
// slotKey. A version 1 file is upgraded in memory (legacy stamps and key
// epoch, a new device id); slots still using version 1 associated data
// are re-wrapped if this unlock holds their key. The file is rewritten at
// the next save.
func openWith(path string, c *container, master []byte, opts Options, typ string, slotKey []byte) (*Vault, error) {
	st, err := c.open(master)
	if err != nil {
		wipe(master)
		return nil, fmt.Errorf("open vault %s: %w", path, err)
	}
	v := &Vault{path: path, opts: opts, hdr: c.header, master: master, st: *st, checksum: c.checksum}
	v.hdr.Slots = slices.Clone(c.header.Slots)
	if c.version == legacyVersion {
		v.hdr.Keyed, v.hdr.Device = legacyKeyed, newDeviceID()
		for i := range v.hdr.Slots {
			v.hdr.Slots[i].AD = legacyVersion
		}
	}
	if s := v.hdr.slot(typ); s.AD == legacyVersion {
		*s = v.hdr.wrap(typ, slotKey, master, s.params(), s.Salt)
	}
	v.clock = replica.NewClock(v.hdr.Device, st.Clock)
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
	out := make([]accounts.Account, len(v.st.Accounts))
	for i := range v.st.Accounts {
		out[i] = v.st.Accounts[i].Clone()
	}
	return out
}

// Account returns a copy of the account with the given ID.
func (v *Vault) Account(id string) (accounts.Account, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if i := v.indexLocked(id); i >= 0 {
		return v.st.Accounts[i].Clone(), true
	}
	return accounts.Account{}, false
}

func (v *Vault) indexLocked(id string) int { return v.st.Index(id) }

func (v *Vault) sortLocked() {
	slices.SortFunc(v.st.Accounts, func(a, b replica.Entry) int {
		return cmp.Or(cmp.Compare(a.Order, b.Order), cmp.Compare(a.ID, b.ID))
	})
}

// stamp returns the stamp of a change made now.
func (v *Vault) stamp() replica.Stamp { return v.clock.Now(v.opts.now()) }

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

// isLocked reports whether Lock has run.
func (v *Vault) isLocked() bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.locked
}

// Lock wipes the master key and the secrets from memory. Every later call
// that needs them returns ErrLocked.
func (v *Vault) Lock() {
	v.mu.Lock()
	defer v.mu.Unlock()
	wipe(v.master)
	for i := range v.st.Accounts {
		wipe(v.st.Accounts[i].Secret)
	}
	v.master, v.st, v.locked = nil, replica.State{}, true
}

package vault

import (
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/nidan-auth/nidan/internal/atomicfile"
	"github.com/nidan-auth/nidan/replica"
)

// This file is the vault's side of a sync folder (docs/vault-format.md,
// "The sync folder", "Re-keying"): sealing this device's sync file,
// opening the other devices' files with the vault's key, merging their
// states in, and making a new device's vault from a folder. The folder
// itself (names, conflict copies, watching) is package syncfolder.

// Errors of a sync file.
var (
	ErrOtherVault = errors.New("the file belongs to another vault")
	ErrRekeyed    = errors.New("the password was changed on another device; unlock with the new password")
	ErrOlderKey   = errors.New("the file is sealed under a key this vault has replaced")
)

// SyncFile is a device's file from the sync folder, opened.
type SyncFile struct {
	Device string        // the device that wrote it
	Keyed  replica.Stamp // when its master key was made
	State  replica.State
}

// Device returns this device's id (it names its file in the sync folder).
func (v *Vault) Device() string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.hdr.Device
}

// SyncDir returns the sync folder, or "" when the vault does not sync.
func (v *Vault) SyncDir() string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.hdr.SyncDir
}

// SetSyncDir makes dir (absolute) the sync folder; "" stops syncing. The
// folder's files stay where they are.
func (v *Vault) SetSyncDir(dir string) error {
	if dir != "" {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return fmt.Errorf("sync folder: %w", err)
		}
		dir = abs
	}
	err := v.mutate(false, func() error {
		if v.hdr.SyncDir == dir {
			return errNoChange
		}
		v.hdr.SyncDir = dir
		return nil
	})
	if err != nil {
		return fmt.Errorf("sync folder: %w", err)
	}
	return nil
}

// State returns a deep copy of the vault's mergeable state.
func (v *Vault) State() replica.State {
	v.mu.Lock()
	defer v.mu.Unlock()
	s := v.st.Clone()
	s.Clock = v.clock.Last()
	return s
}

// OpenSyncFile opens another device's file with this vault's key. A file
// of another vault is ErrOtherVault; one sealed under a newer key (the
// password was changed on its device) ErrRekeyed; under an older one
// ErrOlderKey; damage ErrCorrupt.
func (v *Vault) OpenSyncFile(data []byte) (*SyncFile, error) {
	c, err := parse(data)
	if err != nil {
		return nil, err
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.locked {
		return nil, ErrLocked
	}
	if c.header.VaultID != v.hdr.VaultID {
		return nil, ErrOtherVault
	}
	if c.header.Kind != kindSync {
		return nil, fmt.Errorf("%w: a %s file, not a sync file", ErrCorrupt, c.header.Kind)
	}
	st, err := c.open(v.master)
	if errors.Is(err, errPayloadAuth) {
		if c.header.Keyed.After(v.hdr.Keyed) {
			return nil, ErrRekeyed
		}
		return nil, ErrOlderKey
	}
	if err != nil {
		return nil, err
	}
	return &SyncFile{Device: c.header.Device, Keyed: c.header.Keyed, State: *st}, nil
}

// MergeStates merges other devices' states into the vault, adds this
// device to the registry if it is not there yet, and saves (with a
// backup) if the accounts, tombstones or devices changed. It returns what
// each state brought, in order, and whether anything changed.
func (v *Vault) MergeStates(in []replica.State) ([]replica.Delta, bool, error) {
	deltas := make([]replica.Delta, len(in))
	changed := false
	err := v.mutate(true, func() error {
		before := v.st.Clone()
		for i := range in {
			v.clock.Observe(in[i].Clock)
			prev := v.st
			v.st = replica.Merge(v.st, in[i])
			deltas[i] = replica.Diff(prev, v.st)
		}
		if _, ok := v.st.Device(v.hdr.Device); !ok {
			v.st.PutDevice(v.hdr.Device, v.opts.deviceName(), v.clock.Now(v.opts.now()))
		}
		v.sortLocked()
		if replica.SameContent(before, v.st) {
			return errNoChange
		}
		changed = true
		return nil
	})
	if err != nil {
		return nil, false, fmt.Errorf("merge: %w", err)
	}
	return deltas, changed, nil
}

// SyncFileName is the name of a device's own file in a sync folder.
func SyncFileName(device string) string { return "nidan-" + device + ".nidan" }

// SyncFileBytes seals the vault's state as this device's sync file: only
// the password slot, so that every device that knows the password can
// open it, and nothing else of this device's header.
func (v *Vault) SyncFileBytes() ([]byte, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.locked {
		return nil, ErrLocked
	}
	return v.syncFileLocked()
}

// WriteSyncFile writes this device's file into the sync folder now.
func (v *Vault) WriteSyncFile() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.locked {
		return ErrLocked
	}
	return v.writeSyncFileLocked()
}

// writeSyncFileLocked replaces this device's file in the sync folder, if
// the vault syncs. Every save calls it, so each change reaches the folder
// at once; it runs under the vault's lock, so a sync and a save never
// write the file out of order.
func (v *Vault) writeSyncFileLocked() error {
	if v.hdr.SyncDir == "" {
		return nil
	}
	data, err := v.syncFileLocked()
	if err != nil {
		return err
	}
	path := filepath.Join(v.hdr.SyncDir, SyncFileName(v.hdr.Device))
	// A write killed half-way leaves its temporary file; only this device
	// writes these names, and it holds the vault's lock.
	atomicfile.RemoveTemps(path)
	if err := atomicfile.Write(path, data, 0o600); err != nil {
		return fmt.Errorf("write to the sync folder: %w", err)
	}
	return nil
}

func (v *Vault) syncFileLocked() ([]byte, error) {
	h := header{Kind: kindSync, VaultID: v.hdr.VaultID, Cipher: cipherName, Keyed: v.hdr.Keyed, Device: v.hdr.Device,
		Slots: []slot{*v.hdr.slot(slotPassword)}}
	st := v.st
	st.Clock = v.clock.Last()
	return marshal(&h, v.master, &st)
}

// RemoveDevice marks a device removed: every device ignores and deletes
// its files from now on. This device cannot remove itself.
func (v *Vault) RemoveDevice(id string) error {
	err := v.mutate(false, func() error {
		if id == v.hdr.Device {
			return errors.New("this device cannot remove itself; remove it from another device, or stop syncing")
		}
		if !v.st.RemoveDevice(id, v.clock.Now(v.opts.now())) {
			return fmt.Errorf("no device %s", id)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("remove device: %w", err)
	}
	return nil
}

// AdoptKey takes the newer master key of a sync file whose device changed
// the password (ErrRekeyed), unlocking it with the new password: the
// vault then uses that key, epoch and password slot, re-wraps its keyring
// slot (or drops it if the keyring is unavailable), merges the file's
// state and saves.
func (v *Vault) AdoptKey(data, password []byte) error {
	c, err := parse(data)
	if err != nil {
		return fmt.Errorf("new key: %w", err)
	}
	if c.header.VaultID != v.ID() {
		return fmt.Errorf("new key: %w", ErrOtherVault)
	}
	master, err := c.header.unwrapPassword(c.version, password)
	if err != nil {
		return fmt.Errorf("new key: %w", err)
	}
	st, err := c.open(master)
	if err != nil {
		wipe(master)
		return fmt.Errorf("new key: %w", err)
	}
	var krKey []byte
	if v.KeyringEnabled() {
		if k, err := getKeyringKey(v.opts.keyring(), c.header.VaultID); err == nil {
			krKey = k
			defer wipe(k)
		}
	}
	err = v.mutate(true, func() error {
		if !c.header.Keyed.After(v.hdr.Keyed) {
			return errors.New("this vault's key is not older than the file's")
		}
		v.clock.Observe(st.Clock)
		v.master = master
		v.hdr.Keyed = c.header.Keyed
		v.hdr.setSlot(*c.header.slot(slotPassword))
		v.hdr.removeSlot(slotKeyring)
		if krKey != nil {
			v.hdr.setSlot(v.hdr.wrap(slotKeyring, krKey, v.master, KDFParams{}, nil))
		}
		v.st = replica.Merge(v.st, *st)
		v.sortLocked()
		return nil
	})
	if err != nil {
		wipe(master)
		return fmt.Errorf("new key: %w", err)
	}
	return nil
}

// Join makes a new device's vault at path from a file of a sync folder
// (data), opened with the vault's password: the same vault id, key and
// password slot, a new device id, dir as its sync folder. The accounts
// arrive with the first sync. An existing file at path is ErrVaultExists.
func Join(path, dir string, data, password []byte, opts Options) (*Vault, error) {
	c, err := parse(data)
	if err != nil {
		return nil, fmt.Errorf("join: %w", err)
	}
	if c.version < 2 {
		return nil, fmt.Errorf("join: %w: a version 1 file is not a sync file", ErrCorrupt)
	}
	master, err := c.header.unwrapPassword(c.version, password)
	if err != nil {
		return nil, fmt.Errorf("join: %w", err)
	}
	st, err := c.open(master)
	if err != nil {
		wipe(master)
		return nil, fmt.Errorf("join: %w", err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("join: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("join: %w", err)
	}
	v := &Vault{path: path, opts: opts, master: master}
	v.hdr = header{Kind: kindVault, VaultID: c.header.VaultID, Cipher: cipherName, Keyed: c.header.Keyed,
		Device: newDeviceID(), SyncDir: abs, BackupDir: opts.BackupDir, Slots: []slot{*c.header.slot(slotPassword)}}
	v.clock = replica.NewClock(v.hdr.Device, st.Clock)
	v.st = *st
	v.st.PutDevice(v.hdr.Device, opts.deviceName(), v.clock.Now(opts.now()))
	v.sortLocked()
	if err := v.create(); err != nil {
		return nil, fmt.Errorf("join: %w", err)
	}
	return v, nil
}

func newDeviceID() string { return hex.EncodeToString(randomBytes(8)) }

// FileInfo is what a vault, backup or sync file says about itself without
// a key.
type FileInfo struct {
	Version int
	Kind    string // "vault", "backup" or "sync"
	VaultID string
	Device  string        // version 2: the device that wrote it
	Keyed   replica.Stamp // version 2: when its master key was made
	SyncDir string        // a vault's sync folder, "" if it does not sync
	Keyring bool          // it has a keyring slot: it opens with the OS keyring
}

// PeekFile is Peek of the file at path, read so that a save by another
// process can replace it meanwhile.
func PeekFile(path string) (FileInfo, error) {
	data, err := readLimited(path)
	if err != nil {
		return FileInfo{}, err
	}
	return Peek(data)
}

// Peek checks a file as far as that needs no key and describes it.
func Peek(data []byte) (FileInfo, error) {
	c, err := parse(data)
	if err != nil {
		return FileInfo{}, err
	}
	return FileInfo{Version: int(c.version), Kind: c.header.Kind, VaultID: c.header.VaultID, Device: c.header.Device,
		Keyed: c.header.Keyed, SyncDir: c.header.SyncDir, Keyring: c.header.slot(slotKeyring) != nil}, nil
}

// Keyed returns when the vault's master key was made.
func (v *Vault) Keyed() replica.Stamp {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.hdr.Keyed
}

// SyncWriteError reports why this device's sync file could not be written
// after the last save, or nil.
func (v *Vault) SyncWriteError() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.syncErr
}

package vault

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/nidan-auth/nidan/internal/atomicfile"
	"github.com/nidan-auth/nidan/internal/filelock"
	"github.com/nidan-auth/nidan/replica"
)

// This file is how a vault reaches the disk: one process at a time (an
// advisory lock), the file re-read if another process (the CLI beside the
// GUI) changed it, and crash-safe replacement with the previous version
// kept. See "Saving" in docs/vault-format.md.

// errNoChange tells mutate that there is nothing to save.
var errNoChange = errors.New("no change")

// ErrVaultReplaced means the vault file was replaced by a different vault
// (for example restored by another program) while this one was open.
var ErrVaultReplaced = errors.New("the vault file was replaced by another vault; open it again")

// mutate runs f on the in-memory state under both locks, after taking in
// any change another process saved, and saves the result. If f or the save
// fails, the in-memory state is rolled back, so memory and disk agree.
// With backup set, an automatic backup follows the save.
func (v *Vault) mutate(backup bool, f func() error) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.locked {
		return ErrLocked
	}
	unlock, err := lockVault(v.path, v.opts.LockWait)
	if err != nil {
		return err
	}
	defer unlock()
	if err := v.syncLocked(); err != nil {
		return err
	}
	hdr := v.hdr
	hdr.Slots = slices.Clone(v.hdr.Slots)
	st := v.st.Clone()
	master := v.master
	rollback := func() { v.hdr, v.st, v.master = hdr, st, master }
	if err := f(); err != nil {
		rollback()
		if errors.Is(err, errNoChange) {
			return nil
		}
		return err
	}
	if err := v.writeLocked(); err != nil {
		rollback()
		return err
	}
	// The change is saved; the sync folder and the backup follow. If the
	// folder is unreachable (an unmounted drive), the next sync says so.
	v.syncErr = v.writeSyncFileLocked()
	if backup {
		if _, err := v.autoBackupLocked(); err != nil {
			return fmt.Errorf("saved, but the automatic backup failed: %w", err)
		}
	}
	return nil
}

// syncLocked takes in the file as another process left it, if it changed
// since this vault last read or wrote it. Every change is saved at once,
// so the file is the truth and memory has nothing unsaved to lose.
func (v *Vault) syncLocked() error {
	data, err := readLimited(v.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil // deleted behind our back: the save writes it again
	}
	if err != nil {
		return fmt.Errorf("read vault: %w", err)
	}
	if len(data) >= checksumLen && bytes.Equal(data[len(data)-checksumLen:], v.checksum[:]) {
		return nil
	}
	c, err := parse(data)
	if err != nil {
		return nil // damaged on disk: our copy in memory replaces it (the damaged one becomes .prev)
	}
	if c.header.VaultID != v.hdr.VaultID || c.header.Kind != kindVault {
		return ErrVaultReplaced
	}
	p, err := c.open(v.master)
	if err != nil {
		if errors.Is(err, errPayloadAuth) {
			if c.header.Keyed.After(v.hdr.Keyed) {
				return fmt.Errorf("%w (here, by another Nidan window or command)", ErrRekeyed)
			}
			return ErrVaultReplaced
		}
		return nil
	}
	if c.version == legacyVersion {
		return nil // our upgraded copy in memory is the same vault, newer
	}
	v.hdr, v.st, v.checksum = c.header, *p, c.checksum
	last := v.clock.Last()
	v.clock = replica.NewClock(v.hdr.Device, p.Clock)
	v.clock.Observe(last)
	v.sortLocked()
	return nil
}

// Refresh takes in changes another process saved to the vault file (the CLI
// while the GUI is open). It reports whether anything was read.
func (v *Vault) Refresh() (bool, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.locked {
		return false, ErrLocked
	}
	before := v.checksum
	if err := v.syncLocked(); err != nil {
		return false, err
	}
	return before != v.checksum, nil
}

// writeLocked seals the state and replaces the vault file with it.
func (v *Vault) writeLocked() error {
	v.st.Prune(v.opts.now())
	v.st.Clock = v.clock.Last()
	data, err := marshal(&v.hdr, v.master, &v.st)
	if err != nil {
		return err
	}
	if err := writeAtomic(v.path, data, true); err != nil {
		return fmt.Errorf("save vault: %w", err)
	}
	copy(v.checksum[:], data[len(data)-checksumLen:])
	return nil
}

// createLocked writes a new vault file, refusing to replace one.
func (v *Vault) create() error {
	unlock, err := lockVault(v.path, v.opts.LockWait)
	if err != nil {
		return err
	}
	defer unlock()
	if Exists(v.path) {
		return ErrVaultExists
	}
	return v.writeLocked()
}

// writeAtomic replaces path with data so that after a crash at any moment
// path holds either the old or the new bytes (internal/atomicfile), first
// keeping the current version as path.prev if asked. Callers hold the
// vault's file lock, so the temp files a crashed save left are no one's.
func writeAtomic(path string, data []byte, keepPrev bool) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	atomicfile.RemoveTemps(path)
	if keepPrev {
		if err := keepPrevious(path); err != nil {
			return fmt.Errorf("keep previous version: %w", err)
		}
	}
	return atomicfile.Write(path, data, 0o600)
}

// keepPrevious makes path.prev a copy of path, atomically: a hard link
// (or a copy where links are not supported) renamed into place.
func keepPrevious(path string) error {
	prev, ptmp := path+".prev", path+".prev.tmp"
	os.Remove(ptmp)
	if err := os.Link(path, ptmp); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		data, rerr := os.ReadFile(path)
		if rerr != nil {
			if errors.Is(rerr, os.ErrNotExist) {
				return nil
			}
			return rerr
		}
		if err := atomicfile.Write(ptmp, data, 0o600); err != nil {
			return err
		}
	}
	return os.Rename(ptmp, prev)
}

// lockVault takes the vault's inter-process lock, path+".lock", so that two
// processes (the GUI and the CLI) never save at the same moment. A process
// that keeps it longer than wait is stuck, or is not a save at all: the
// caller gets ErrInUse, saying what to do, instead of a hang.
func lockVault(path string, wait time.Duration) (unlock func(), err error) {
	l, err := filelock.LockWait(path+".lock", wait)
	if errors.Is(err, filelock.ErrLocked) {
		return nil, fmt.Errorf("%w: %w; close the other Nidan window or command, or try again later", ErrInUse, err)
	}
	if err != nil {
		return nil, fmt.Errorf("lock vault: %w", err)
	}
	return func() { l.Unlock() }, nil
}

// ReadFile reads a Nidan file (vault, backup or sync file) of at most
// 64 MiB, larger being ErrCorrupt, so that another process's save can
// replace it meanwhile (atomicfile.ReadFile).
func ReadFile(path string) ([]byte, error) { return readLimited(path) }

func readLimited(path string) ([]byte, error) {
	data, err := atomicfile.ReadFile(path, maxFileLen)
	if errors.Is(err, atomicfile.ErrTooLarge) {
		return nil, fmt.Errorf("%w: file larger than %d MiB", ErrCorrupt, maxFileLen>>20)
	}
	return data, err
}

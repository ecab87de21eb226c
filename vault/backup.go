package vault

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/nidan-auth/nidan/accounts"
)

// Backups are the vault container with kind "backup" and only the password
// slot (docs/vault-format.md, "Backups"): they open anywhere with the
// password alone.

const (
	// KeepBackups is how many automatic backups are kept.
	KeepBackups = 20

	backupPrefix     = "nidan-backup-"
	backupSuffix     = ".nidan"
	backupTimeLayout = "20060102-150405.000Z"
)

// BackupInfo describes one backup file.
type BackupInfo struct {
	Path string
	Time time.Time // when it was written (from the name, else the file's mtime)
	Size int64
}

// Backup writes an encrypted backup of the vault to w: the accounts under
// the vault's current password. It runs no KDF.
func (v *Vault) Backup(w io.Writer) error {
	v.mu.Lock()
	data, err := v.backupBytesLocked()
	v.mu.Unlock()
	if err != nil {
		return err
	}
	if _, err := w.Write(data); err != nil {
		return fmt.Errorf("write backup: %w", err)
	}
	return nil
}

func (v *Vault) backupBytesLocked() ([]byte, error) {
	if v.locked {
		return nil, ErrLocked
	}
	h := header{Kind: kindBackup, VaultID: v.hdr.VaultID, Cipher: cipherName, Keyed: v.hdr.Keyed, Device: v.hdr.Device,
		Slots: []slot{*v.hdr.slot(slotPassword)}}
	st := v.st
	st.Clock = v.clock.Last()
	data, err := marshal(&h, v.master, &st)
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	return data, nil
}

// BackupNow writes a timestamped backup into the backup folder, as after
// every change, and returns it.
func (v *Vault) BackupNow() (BackupInfo, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	p, err := v.autoBackupLocked()
	if err != nil {
		return BackupInfo{}, err
	}
	fi, err := os.Stat(p)
	if err != nil {
		return BackupInfo{}, err
	}
	return BackupInfo{Path: p, Time: fi.ModTime().UTC(), Size: fi.Size()}, nil
}

// autoBackupLocked writes a timestamped backup into the backup folder and
// keeps the newest KeepBackups of them.
func (v *Vault) autoBackupLocked() (string, error) {
	data, err := v.backupBytesLocked()
	if err != nil {
		return "", err
	}
	dir := v.backupDirLocked()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	t := v.opts.now()
	name := filepath.Join(dir, backupPrefix+t.Format(backupTimeLayout)+backupSuffix)
	for i := 1; Exists(name); i++ { // two changes in the same millisecond
		name = filepath.Join(dir, backupPrefix+t.Format(backupTimeLayout)+fmt.Sprintf("-%d", i)+backupSuffix)
	}
	if err := writeAtomic(name, data, false); err != nil {
		return "", err
	}
	list, err := listBackups(dir)
	if err != nil {
		return "", err
	}
	for _, b := range list[min(len(list), KeepBackups):] {
		os.Remove(b.Path)
	}
	return name, nil
}

// Backups lists the automatic backups, newest first.
func (v *Vault) Backups() ([]BackupInfo, error) {
	return listBackups(v.BackupDir())
}

// listBackups lists nidan-backup-*.nidan files in dir, newest first.
func listBackups(dir string) ([]BackupInfo, error) {
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list backups: %w", err)
	}
	var out []BackupInfo
	for _, e := range entries {
		n := e.Name()
		if !e.Type().IsRegular() || !strings.HasPrefix(n, backupPrefix) || !strings.HasSuffix(n, backupSuffix) {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue
		}
		b := BackupInfo{Path: filepath.Join(dir, n), Time: fi.ModTime().UTC(), Size: fi.Size()}
		stamp := strings.TrimSuffix(strings.TrimPrefix(n, backupPrefix), backupSuffix)
		if t, err := time.Parse(backupTimeLayout, stamp[:min(len(stamp), len(backupTimeLayout))]); err == nil {
			b.Time = t
		}
		out = append(out, b)
	}
	slices.SortStableFunc(out, func(a, b BackupInfo) int {
		if c := b.Time.Compare(a.Time); c != 0 {
			return c
		}
		return strings.Compare(b.Path, a.Path)
	})
	return out, nil
}

// ReadableBackups lists, newest first, the files that can restore the vault
// at vaultPath when it does not open: the previous version (vaultPath.prev)
// and the backups in the vault's backup folder (read from its header if that
// still parses), in opts.BackupDir and in the default folder. A file is
// listed only if it passes every check that needs no password (format,
// version, checksum), so it will open with the right password.
func ReadableBackups(vaultPath string, opts Options) ([]BackupInfo, error) {
	dirs := []string{opts.BackupDir, defaultBackupDir(vaultPath)}
	if data, err := readLimited(vaultPath); err == nil {
		if c, err := parse(data); err == nil && c.header.BackupDir != "" {
			dirs = append([]string{c.header.BackupDir}, dirs...)
		}
	}
	var cands []BackupInfo
	if fi, err := os.Stat(vaultPath + ".prev"); err == nil {
		cands = append(cands, BackupInfo{Path: vaultPath + ".prev", Time: fi.ModTime().UTC(), Size: fi.Size()})
	}
	seen := map[string]bool{}
	for _, d := range dirs {
		if d == "" || seen[filepath.Clean(d)] {
			continue
		}
		seen[filepath.Clean(d)] = true
		l, err := listBackups(d)
		if err != nil {
			return nil, err
		}
		cands = append(cands, l...)
	}
	var out []BackupInfo
	for _, b := range cands {
		data, err := readLimited(b.Path)
		if err != nil {
			continue
		}
		if _, err := parse(data); err == nil {
			out = append(out, b)
		}
	}
	slices.SortStableFunc(out, func(a, b BackupInfo) int { return b.Time.Compare(a.Time) })
	return out, nil
}

// ReadBackup decrypts a Nidan backup (or a vault file) with its password
// and returns its accounts. It needs nothing but the file and the password.
func ReadBackup(r io.Reader, password []byte) ([]accounts.Account, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxFileLen+1))
	if err != nil {
		return nil, fmt.Errorf("read backup: %w", err)
	}
	c, err := parse(data)
	if err != nil {
		return nil, fmt.Errorf("read backup: %w", err)
	}
	master, err := c.header.unwrapPassword(c.version, password)
	if err != nil {
		return nil, fmt.Errorf("read backup: %w", err)
	}
	defer wipe(master)
	p, err := c.open(master)
	if err != nil {
		return nil, fmt.Errorf("read backup: %w", err)
	}
	out := make([]accounts.Account, len(p.Accounts))
	for i := range p.Accounts {
		out[i] = p.Accounts[i].Account
	}
	return out, nil
}

// IsNidanBackup reports whether data looks like a Nidan backup or vault
// (the magic bytes), for format detection.
func IsNidanBackup(data []byte) bool {
	return bytes.HasPrefix(data, []byte(vaultMagic))
}

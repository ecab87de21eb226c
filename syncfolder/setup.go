package syncfolder

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/nidan-auth/nidan/vault"
)

// ErrNoSyncFiles means a folder holds no Nidan sync file to join.
var ErrNoSyncFiles = errors.New("the folder holds no Nidan sync file")

// folderFile is a device file or conflict copy with its key-free header.
type folderFile struct {
	name string
	path string
	info vault.FileInfo
	data []byte
}

// scan reads every device file and conflict copy in dir that parses,
// newest key first, then own files before conflict copies.
func scan(dir string) ([]folderFile, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read sync folder: %w", err)
	}
	var out []folderFile
	for _, e := range entries {
		if _, ok := ParseName(e.Name()); !ok || !e.Type().IsRegular() {
			continue
		}
		p := filepath.Join(dir, e.Name())
		data, err := vault.ReadFile(p)
		if err != nil {
			continue
		}
		info, err := vault.Peek(data)
		if err != nil || info.Kind != "sync" {
			continue
		}
		out = append(out, folderFile{name: e.Name(), path: p, info: info, data: data})
	}
	slices.SortStableFunc(out, func(a, b folderFile) int {
		if c := b.info.Keyed.Compare(a.info.Keyed); c != 0 {
			return c
		}
		na, _ := ParseName(a.name)
		nb, _ := ParseName(b.name)
		if na.Conflict != nb.Conflict {
			if na.Conflict {
				return 1
			}
			return -1
		}
		return cmp.Compare(a.name, b.name)
	})
	return out, nil
}

// Set makes dir (created 0700 if missing) the vault's sync folder and
// syncs once. A folder that already holds another vault's files is
// refused: join that vault instead, or pick another folder.
func Set(v *vault.Vault, dir string, now time.Time) (Report, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Report{}, fmt.Errorf("sync folder: %w", err)
	}
	files, err := scan(dir)
	if err != nil {
		return Report{}, err
	}
	for _, f := range files {
		if f.info.VaultID != v.ID() {
			return Report{}, fmt.Errorf("sync folder: %s: %w; use `nidan sync join %s` to take that vault to this device", f.name, vault.ErrOtherVault, dir)
		}
	}
	if err := v.SetSyncDir(dir); err != nil {
		return Report{}, err
	}
	return Sync(v, now)
}

// Join makes this device's vault at path from the sync folder dir, opened
// with the vault's password (from the file with the newest key), then
// syncs once, which brings in every device's accounts.
func Join(path, dir string, password []byte, opts vault.Options, now time.Time) (*vault.Vault, Report, error) {
	files, err := scan(dir)
	if err != nil {
		return nil, Report{}, err
	}
	if len(files) == 0 {
		return nil, Report{}, fmt.Errorf("join %s: %w", dir, ErrNoSyncFiles)
	}
	ids := map[string]bool{}
	for _, f := range files {
		ids[f.info.VaultID] = true
	}
	if len(ids) > 1 {
		return nil, Report{}, fmt.Errorf("join %s: the folder holds files of %d vaults; keep one vault per folder", dir, len(ids))
	}
	v, err := vault.Join(path, dir, files[0].data, password, opts)
	if err != nil {
		return nil, Report{}, err
	}
	rep, err := Sync(v, now)
	return v, rep, err
}

// AdoptNewPassword handles vault.ErrRekeyed: it opens the newest-key file
// in the sync folder with the new password and makes the vault use that
// key, then syncs.
func AdoptNewPassword(v *vault.Vault, password []byte, now time.Time) (Report, error) {
	dir := v.SyncDir()
	if dir == "" {
		return Report{}, ErrNotSyncing
	}
	files, err := scan(dir)
	if err != nil {
		return Report{}, err
	}
	for _, f := range files {
		if f.info.VaultID == v.ID() && f.info.Keyed.After(v.Keyed()) {
			if err := v.AdoptKey(f.data, password); err != nil {
				return Report{}, err
			}
			return Sync(v, now)
		}
	}
	return Report{}, errors.New("no file in the sync folder has a newer key")
}

// DeviceStatus is one device of the sync, for `nidan sync status` and the
// GUI.
type DeviceStatus struct {
	ID        string
	Name      string
	Self      bool
	Removed   bool
	LastWrote time.Time // when its file was last written (its clock), zero if no file
	File      string    // its file's name, "" if none
}

// Status lists the devices in the vault's registry and the files in its
// sync folder (without merging anything), this device first.
func Status(v *vault.Vault) ([]DeviceStatus, error) {
	dir := v.SyncDir()
	if dir == "" {
		return nil, ErrNotSyncing
	}
	st := v.State()
	self := v.Device()
	byID := map[string]*DeviceStatus{}
	var out []*DeviceStatus
	get := func(id string) *DeviceStatus {
		if d, ok := byID[id]; ok {
			return d
		}
		d := &DeviceStatus{ID: id, Self: id == self}
		byID[id] = d
		out = append(out, d)
		return d
	}
	for _, d := range st.Devices {
		s := get(d.ID)
		s.Name, s.Removed = d.Name, !d.Removed.IsZero()
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read sync folder: %w", err)
	}
	for _, e := range entries {
		n, ok := ParseName(e.Name())
		if !ok || n.Conflict {
			continue
		}
		s := get(n.Device)
		s.File = e.Name()
		if f, err := readFile(filepath.Join(dir, e.Name()), v); err == nil {
			s.LastWrote = f.State.Clock.Time()
		} else if fi, err := e.Info(); err == nil {
			s.LastWrote = fi.ModTime()
		}
	}
	slices.SortStableFunc(out, func(a, b *DeviceStatus) int {
		if a.Self != b.Self {
			if a.Self {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.Name+a.ID, b.Name+b.ID)
	})
	res := make([]DeviceStatus, len(out))
	for i, d := range out {
		res[i] = *d
	}
	return res, nil
}

// RekeyedElsewhere reports whether the sync folder of the vault file at
// path holds a file of the same vault under a newer key: the password was
// changed on another device, and this device's vault still opens with the
// previous one until it adopts the new key.
func RekeyedElsewhere(path string) bool {
	data, err := vault.ReadFile(path)
	if err != nil {
		return false
	}
	info, err := vault.Peek(data)
	if err != nil || info.SyncDir == "" {
		return false
	}
	files, err := scan(info.SyncDir)
	if err != nil {
		return false
	}
	for _, f := range files {
		if f.info.VaultID == info.VaultID && f.info.Keyed.After(info.Keyed) {
			return true
		}
	}
	return false
}

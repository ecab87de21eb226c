package syncfolder

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/nidan-auth/nidan/internal/atomicfile"
	"github.com/nidan-auth/nidan/internal/filelock"
	"github.com/nidan-auth/nidan/replica"
	"github.com/nidan-auth/nidan/vault"
)

// Errors a sync can stop with; the CLI and the GUI branch on them.
var (
	ErrNotSyncing    = errors.New("this vault does not sync (nidan sync set DIR)")
	ErrDeviceRemoved = errors.New("this device was removed from the sync folder; join it again")
)

// Outcome says what a sync did with one file of the folder.
type Outcome string

// The outcomes of a file.
const (
	Merged    Outcome = "merged"    // read and merged into the vault
	Own       Outcome = "own"       // this device's file
	Refused   Outcome = "refused"   // another vault's, or damaged: left alone
	OlderKey  Outcome = "older key" // sealed under a key this vault replaced; its device catches up by itself
	Stale     Outcome = "stale"     // its device has not written for longer than tombstones live
	Removed   Outcome = "removed"   // a removed device's file: ignored and deleted
	NeedsPass Outcome = "needs password"
)

// FileResult is one file of the folder after a sync.
type FileResult struct {
	Name     string
	Device   string
	Conflict bool   // a conflict copy (merged, then deleted)
	Client   string // whose conflict-copy pattern its name follows
	Outcome  Outcome
	Err      error         // why it was refused
	Delta    replica.Delta // what merging it changed in the vault
	Clock    replica.Stamp // the clock its device wrote it with
	ModTime  time.Time
}

// Report is what one sync did.
type Report struct {
	Files   []FileResult
	Changed bool     // the vault took in changes from other devices
	Wrote   bool     // this device's file was written
	Deleted []string // conflict copies and removed devices' files deleted
}

// Sync merges every device file and conflict copy in the vault's sync
// folder into the vault, saves it, rewrites this device's file if the vault
// now holds anything it lacks, and deletes the conflict copies it merged.
// It runs under a lock beside the vault, so the GUI and the CLI of one
// device never sync at once. A file from another vault or a damaged one is
// reported and left alone; if the password was changed on another device,
// the merge of the other files still happens and the error is
// vault.ErrRekeyed (unlock with the new password to carry on).
func Sync(v *vault.Vault, now time.Time) (Report, error) {
	dir := v.SyncDir()
	if dir == "" {
		return Report{}, ErrNotSyncing
	}
	lock, err := filelock.Lock(v.Path() + ".sync.lock")
	if err != nil {
		return Report{}, fmt.Errorf("sync: %w", err)
	}
	defer lock.Unlock()
	return syncLocked(v, dir, now)
}

func syncLocked(v *vault.Vault, dir string, now time.Time) (Report, error) {
	var rep Report
	entries, err := os.ReadDir(dir)
	if err != nil {
		return rep, fmt.Errorf("sync: read folder: %w", err)
	}
	self := v.Device()
	st := v.State()
	var rekeyed error
	var inputs []replica.State
	var merged []int // indexes into rep.Files of the files merged
	ownFound := false
	for _, e := range entries {
		n, ok := ParseName(e.Name())
		if !ok || !e.Type().IsRegular() {
			continue
		}
		fr := FileResult{Name: e.Name(), Device: n.Device, Conflict: n.Conflict, Client: n.Client}
		if fi, err := e.Info(); err == nil {
			fr.ModTime = fi.ModTime()
		}
		if d, ok := st.Device(n.Device); ok && !d.Removed.IsZero() && n.Device != self {
			fr.Outcome = Removed
			rep.Files = append(rep.Files, fr)
			continue
		}
		f, err := readFile(filepath.Join(dir, e.Name()), v)
		switch {
		case errors.Is(err, vault.ErrRekeyed):
			fr.Outcome, fr.Err = NeedsPass, err
			rekeyed = fmt.Errorf("sync: %s: %w", e.Name(), err)
		case errors.Is(err, vault.ErrOlderKey):
			fr.Outcome, fr.Err = OlderKey, err
		case err != nil:
			fr.Outcome, fr.Err = Refused, err
		case replica.Stale(f.State.Clock, now):
			fr.Outcome, fr.Clock = Stale, f.State.Clock
		default:
			fr.Outcome, fr.Clock = Merged, f.State.Clock
			if n.Device == self && !n.Conflict {
				fr.Outcome = Own
				ownFound = true
			}
			inputs = append(inputs, f.State)
			merged = append(merged, len(rep.Files))
		}
		rep.Files = append(rep.Files, fr)
	}
	deltas, changed, err := v.MergeStates(inputs)
	if err != nil {
		return rep, fmt.Errorf("sync: %w", err)
	}
	rep.Changed = changed
	for i, fi := range merged {
		rep.Files[fi].Delta = deltas[i]
	}
	// Write this device's file unless the copy in the folder already holds
	// everything (the clock alone does not count, see replica.SameContent).
	cur := v.State()
	if d, ok := cur.Device(self); ok && !d.Removed.IsZero() {
		return rep, ErrDeviceRemoved
	}
	ownHas := false
	for i, fi := range merged {
		if rep.Files[fi].Outcome == Own && replica.SameContent(inputs[i], cur) {
			ownHas = true
		}
	}
	if !ownFound || !ownHas {
		if err := v.WriteSyncFile(); err != nil {
			return rep, fmt.Errorf("sync: %w", err)
		}
		rep.Wrote = true
	}
	// Only now, with this device's file durable and holding their contents,
	// may the conflict copies go; removed devices' files go too.
	for _, fr := range rep.Files {
		if (fr.Conflict && fr.Outcome == Merged) || fr.Outcome == Removed {
			if err := os.Remove(filepath.Join(dir, fr.Name)); err == nil || errors.Is(err, os.ErrNotExist) {
				rep.Deleted = append(rep.Deleted, fr.Name)
			}
		}
	}
	if len(rep.Deleted) > 0 {
		if err := atomicfile.SyncDir(dir); err != nil {
			return rep, fmt.Errorf("sync: %w", err)
		}
	}
	slices.SortFunc(rep.Files, func(a, b FileResult) int { return strings.Compare(a.Name, b.Name) })
	return rep, rekeyed
}

// readFile reads one file of the folder and opens it with the vault's key.
func readFile(path string, v *vault.Vault) (*vault.SyncFile, error) {
	data, err := vault.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return v.OpenSyncFile(data)
}

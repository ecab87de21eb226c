package replica

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/nidan-auth/nidan/accounts"
)

// ErrInvalid is a state that breaks the payload rules: an account without
// id or stamp, two accounts of one id, an account that is also tombstoned.
var ErrInvalid = errors.New("invalid vault state")

// TombstoneLifetime is how long a deletion is remembered: long enough for
// every device, and every conflict copy, to have taken it in before it is
// dropped (docs/vault-format.md, "Tombstone lifetime").
const TombstoneLifetime = 730 * 24 * time.Hour

// Entry is an account with the stamp of its latest change.
type Entry struct {
	accounts.Account
	Stamp Stamp `json:"stamp"`
}

// Tombstone records that an account was deleted, and when.
type Tombstone struct {
	ID    string `json:"id"`
	Stamp Stamp  `json:"stamp"`
}

// Device is one entry of the device registry.
type Device struct {
	ID      string `json:"id"`
	Name    string `json:"name,omitempty"`
	Stamp   Stamp  `json:"stamp"`            // of this entry (first sync, or a rename)
	Removed Stamp  `json:"removed,omitzero"` // set once the device was removed; never cleared
}

// State is the mergeable part of a vault payload.
type State struct {
	Accounts   []Entry     `json:"accounts"`
	Tombstones []Tombstone `json:"tombstones,omitempty"`
	Devices    []Device    `json:"devices,omitempty"`
	Clock      Stamp       `json:"clock,omitzero"`
}

// Check reports the first rule the state breaks, as ErrInvalid.
func (s *State) Check() error {
	ids := make(map[string]bool, len(s.Accounts))
	for i := range s.Accounts {
		e := &s.Accounts[i]
		switch {
		case e.ID == "":
			return fmt.Errorf("%w: account %d has no id", ErrInvalid, i+1)
		case e.Stamp.IsZero():
			return fmt.Errorf("%w: account %d has no stamp", ErrInvalid, i+1)
		case ids[e.ID]:
			return fmt.Errorf("%w: two accounts with id %s", ErrInvalid, e.ID)
		}
		ids[e.ID] = true
	}
	dead := make(map[string]bool, len(s.Tombstones))
	for _, t := range s.Tombstones {
		switch {
		case t.ID == "" || t.Stamp.IsZero():
			return fmt.Errorf("%w: tombstone without id or stamp", ErrInvalid)
		case ids[t.ID]:
			return fmt.Errorf("%w: account %s is both present and deleted", ErrInvalid, t.ID)
		case dead[t.ID]:
			return fmt.Errorf("%w: two tombstones for %s", ErrInvalid, t.ID)
		}
		dead[t.ID] = true
	}
	devs := map[string]bool{}
	for _, d := range s.Devices {
		if !ValidDevice(d.ID) || d.Stamp.IsZero() || devs[d.ID] {
			return fmt.Errorf("%w: bad or repeated device %q", ErrInvalid, d.ID)
		}
		devs[d.ID] = true
	}
	return nil
}

// Clone returns a deep copy (secrets included), so one can be wiped
// without touching the other.
func (s *State) Clone() State {
	c := State{Clock: s.Clock, Tombstones: slices.Clone(s.Tombstones), Devices: slices.Clone(s.Devices)}
	c.Accounts = make([]Entry, len(s.Accounts))
	for i := range s.Accounts {
		c.Accounts[i] = Entry{Account: s.Accounts[i].Clone(), Stamp: s.Accounts[i].Stamp}
	}
	return c
}

// Index returns the position of the account with the given id, or -1.
func (s *State) Index(id string) int {
	return slices.IndexFunc(s.Accounts, func(e Entry) bool { return e.ID == id })
}

// Deleted reports whether id has a tombstone.
func (s *State) Deleted(id string) bool {
	return slices.ContainsFunc(s.Tombstones, func(t Tombstone) bool { return t.ID == id })
}

// Put adds the account or replaces the one with its id, stamped st. A
// tombstoned id is refused (delete wins): the caller gives a restored
// account a new id instead.
func (s *State) Put(a accounts.Account, st Stamp) error {
	if s.Deleted(a.ID) {
		return fmt.Errorf("%w: account %s was deleted", ErrInvalid, a.ID)
	}
	e := Entry{Account: a, Stamp: st}
	if i := s.Index(a.ID); i >= 0 {
		s.Accounts[i] = e
	} else {
		s.Accounts = append(s.Accounts, e)
	}
	s.Clock = maxStamp(s.Clock, st)
	return nil
}

// Delete removes the account and leaves a tombstone stamped st. It reports
// whether the account was there.
func (s *State) Delete(id string, st Stamp) bool {
	i := s.Index(id)
	if i < 0 {
		return false
	}
	s.Accounts = slices.Delete(s.Accounts, i, i+1)
	s.Tombstones = append(s.Tombstones, Tombstone{ID: id, Stamp: st})
	s.Clock = maxStamp(s.Clock, st)
	return true
}

// Prune drops tombstones older than TombstoneLifetime at time now.
func (s *State) Prune(now time.Time) {
	horizon := now.Add(-TombstoneLifetime).UnixMilli()
	s.Tombstones = slices.DeleteFunc(s.Tombstones, func(t Tombstone) bool { return t.Stamp.Wall < horizon })
}

// Stale reports whether a state last written at clock c is too old to merge:
// tombstones it never saw may already be pruned, so its accounts could come
// back from the dead.
func Stale(c Stamp, now time.Time) bool {
	return !c.IsZero() && c.Wall < now.Add(-TombstoneLifetime).UnixMilli()
}

// Device returns the registry entry of id.
func (s *State) Device(id string) (Device, bool) {
	i := slices.IndexFunc(s.Devices, func(d Device) bool { return d.ID == id })
	if i < 0 {
		return Device{}, false
	}
	return s.Devices[i], true
}

// PutDevice adds or renames a device in the registry (a removed device
// stays removed).
func (s *State) PutDevice(id, name string, st Stamp) {
	d := Device{ID: id, Name: name, Stamp: st}
	if i := slices.IndexFunc(s.Devices, func(d Device) bool { return d.ID == id }); i >= 0 {
		d.Removed = s.Devices[i].Removed
		s.Devices[i] = d
	} else {
		s.Devices = append(s.Devices, d)
	}
	s.Clock = maxStamp(s.Clock, st)
}

// RemoveDevice marks a device removed: its files are ignored from now on.
func (s *State) RemoveDevice(id string, st Stamp) bool {
	i := slices.IndexFunc(s.Devices, func(d Device) bool { return d.ID == id })
	if i < 0 {
		return false
	}
	s.Devices[i].Removed = maxStamp(s.Devices[i].Removed, st)
	s.Clock = maxStamp(s.Clock, st)
	return true
}

// sortCanonical puts every list in id order, so equal states encode to
// equal bytes.
func (s *State) sortCanonical() {
	slices.SortFunc(s.Accounts, func(a, b Entry) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortFunc(s.Tombstones, func(a, b Tombstone) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortFunc(s.Devices, func(a, b Device) int { return cmp.Compare(a.ID, b.ID) })
}

package vault

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/replica"
)

// This file holds the vault's changes. Each runs through mutate
// (vault_save.go): re-read if another process saved, change, save, back up.

// MergeReport counts what Add did (or, from Preview, would do) with the
// accounts it was given; Outcomes has one entry per given account, in order.
type MergeReport struct {
	Added      int // new accounts
	Updated    int // same ID, and the given copy was newer (or had a higher HOTP counter)
	Duplicates int // already present (same ID and not newer, or same key under another ID); kept once
	Outcomes   []Outcome
}

// Outcome is what a merge does with one given account.
type Outcome int

const (
	Added     Outcome = iota // a new account
	Updated                  // replaces the vault's copy with the same ID
	Duplicate                // already in the vault (or earlier in the same batch): skipped
)

// Add merges accounts into the vault: an account whose ID is already there
// replaces it if it is newer (by Modified; an HOTP counter never goes back);
// one with the same secret, issuer and name as an existing account
// (Account.SameKey) is a duplicate; any other is added at the end. Nothing
// is ever dropped. Every account is validated first; then the vault is saved
// and backed up if anything changed. The merge is linear in the number of
// accounts (BenchmarkMerge40000).
func (v *Vault) Add(accts ...accounts.Account) (MergeReport, error) {
	for i := range accts {
		if err := accts[i].Validate(); err != nil {
			return MergeReport{}, fmt.Errorf("add %q: %w", accts[i].Label(), err)
		}
	}
	var r MergeReport
	err := v.mutate(true, func() error {
		r = merge(&v.st, accts, v.opts.now().Truncate(time.Second), v.stamp)
		if r.Added+r.Updated == 0 {
			return errNoChange
		}
		return nil
	})
	return r, err
}

// Preview reports what Add would do with accts, changing nothing. Accounts
// that Add would refuse as invalid are an error here too.
func (v *Vault) Preview(accts ...accounts.Account) (MergeReport, error) {
	for i := range accts {
		if err := accts[i].Validate(); err != nil {
			return MergeReport{}, fmt.Errorf("add %q: %w", accts[i].Label(), err)
		}
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.locked {
		return MergeReport{}, ErrLocked
	}
	scratch := v.st.Clone()
	clock := replica.NewClock(v.hdr.Device, v.clock.Last()) // a copy: a preview stamps nothing for real
	return merge(&scratch, accts, v.opts.now().Truncate(time.Second), func() replica.Stamp { return clock.Now(v.opts.now()) }), nil
}

// merge folds accts into st as Add describes, in time linear in both:
// accounts are found by ID and by (secret, name) through maps, and
// Account.SameKey settles the rare same-secret-and-name candidates. Each
// account added or updated gets a stamp from stamp. An account whose id
// has a tombstone comes back under a new id: delete wins over any copy a
// sync brings, but re-adding from a backup or an export is the person's
// explicit wish.
func merge(st *replica.State, accts []accounts.Account, now time.Time, stamp func() replica.Stamp) MergeReport {
	have := &st.Accounts
	dead := make(map[string]bool, len(st.Tombstones))
	for _, t := range st.Tombstones {
		dead[t.ID] = true
	}
	r := MergeReport{Outcomes: make([]Outcome, len(accts))}
	byID := make(map[string]int, len(*have)+len(accts))
	byKey := make(map[string][]int, len(*have)+len(accts))
	keyOf := func(a *accounts.Account) string { return string(a.Secret) + "\x00" + a.Name }
	next := 0
	for i := range *have {
		a := &(*have)[i]
		byID[a.ID] = i
		byKey[keyOf(&a.Account)] = append(byKey[keyOf(&a.Account)], i)
		next = max(next, a.Order+1)
	}
	for i := range accts {
		a := accts[i].Clone()
		if j, ok := byID[a.ID]; a.ID != "" && ok {
			if mergeSameID(&(*have)[j].Account, a) {
				(*have)[j].Stamp = stamp()
				r.Updated++
				r.Outcomes[i] = Updated
			} else {
				r.Duplicates++
				r.Outcomes[i] = Duplicate
			}
			continue
		}
		k := keyOf(&a)
		if slices.ContainsFunc(byKey[k], func(j int) bool { return (*have)[j].SameKey(&a) }) {
			r.Duplicates++
			r.Outcomes[i] = Duplicate
			continue
		}
		if a.ID == "" || dead[a.ID] {
			a.ID = accounts.NewID()
		}
		if a.Created.IsZero() {
			a.Created = now
		}
		if a.Modified.IsZero() {
			a.Modified = a.Created
		}
		a.Order = next
		next++
		e := replica.Entry{Account: a, Stamp: stamp()}
		*have = append(*have, e)
		st.Clock = e.Stamp
		byID[a.ID] = len(*have) - 1
		byKey[k] = append(byKey[k], len(*have)-1)
		r.Added++
		r.Outcomes[i] = Added
	}
	return r
}

// mergeSameID folds a into old (same ID): the newer copy by Modified wins,
// and an HOTP counter never goes back. It reports whether old changed.
func mergeSameID(old *accounts.Account, a accounts.Account) bool {
	if a.Modified.After(old.Modified) {
		a.Order = old.Order
		a.Counter = max(a.Counter, old.Counter)
		*old = a
		return true
	}
	if old.Type == accounts.HOTP && a.Counter > old.Counter {
		old.Counter = a.Counter
		return true
	}
	return false
}

// Update replaces the account with the same ID and sets its Modified time.
// Its place in the list (Reorder changes that) is kept, and its HOTP
// counter never goes back (docs/vault-format.md, "Merging").
func (v *Vault) Update(a accounts.Account) error {
	if err := a.Validate(); err != nil {
		return fmt.Errorf("update %q: %w", a.Label(), err)
	}
	return v.mutate(true, func() error {
		i := v.indexLocked(a.ID)
		if i < 0 {
			return fmt.Errorf("update: %w", ErrNoAccount)
		}
		c := a.Clone()
		c.Modified = v.opts.now()
		c.Counter = max(c.Counter, v.st.Accounts[i].Counter)
		c.Order = v.st.Accounts[i].Order
		v.st.Accounts[i] = replica.Entry{Account: c, Stamp: v.stamp()}
		return nil
	})
}

// Delete removes the account with the given ID and leaves a tombstone, so
// that it stays deleted on every device it syncs with.
func (v *Vault) Delete(id string) error {
	return v.mutate(true, func() error {
		if !v.st.Delete(id, v.stamp()) {
			return fmt.Errorf("delete: %w", ErrNoAccount)
		}
		return nil
	})
}

// Reorder puts the listed accounts first, in that order; the others follow
// in their current order. Accounts whose place changed are stamped.
func (v *Vault) Reorder(ids []string) error {
	return v.mutate(true, func() error {
		rank := map[string]int{}
		for i, id := range ids {
			if v.indexLocked(id) < 0 {
				return fmt.Errorf("reorder: %w", ErrNoAccount)
			}
			if _, dup := rank[id]; !dup {
				rank[id] = i
			}
		}
		slices.SortStableFunc(v.st.Accounts, func(a, b replica.Entry) int {
			ra, oka := rank[a.ID]
			rb, okb := rank[b.ID]
			switch {
			case oka && okb:
				return cmp.Compare(ra, rb)
			case oka:
				return -1
			case okb:
				return 1
			}
			return 0
		})
		for i := range v.st.Accounts {
			if e := &v.st.Accounts[i]; e.Order != i {
				e.Order, e.Stamp = i, v.stamp()
			}
		}
		return nil
	})
}

// NextHOTP increments the counter of an HOTP account and saves the vault
// before returning the account as it was, holding the counter of the code
// to show: a crash can never make the same code be shown twice. The
// counter merges as a maximum, so the use needs no stamp.
func (v *Vault) NextHOTP(id string) (accounts.Account, error) {
	var shown accounts.Account
	err := v.mutate(false, func() error {
		i := v.indexLocked(id)
		if i < 0 {
			return fmt.Errorf("next code: %w", ErrNoAccount)
		}
		a := &v.st.Accounts[i]
		if a.Type != accounts.HOTP {
			return fmt.Errorf("next code: %q is not a counter-based account", a.Label())
		}
		shown = a.Clone()
		a.Counter++
		a.LastUsed = v.opts.now()
		return nil
	})
	return shown, err
}

// MarkUsed records when an account's code was last copied, for the
// "recently used" sort. It saves but does not write a backup.
func (v *Vault) MarkUsed(id string, t time.Time) error {
	return v.mutate(false, func() error {
		i := v.indexLocked(id)
		if i < 0 {
			return fmt.Errorf("mark used: %w", ErrNoAccount)
		}
		v.st.Accounts[i].LastUsed = t.UTC()
		return nil
	})
}

// ChangePassword re-keys the vault: a fresh master key and key epoch, a
// new password slot and, if keyring unlock is on, a new keyring key and
// slot; everything is re-encrypted. Afterwards old opens neither the vault
// nor any later backup, and no earlier backup gives the new key. A backup
// under the new password is written at once. The keyring entry is replaced
// only once the vault file holding its slot is durable.
func (v *Vault) ChangePassword(old, new []byte) error {
	if len(new) == 0 {
		return fmt.Errorf("change password: %w", ErrEmptyPassword)
	}
	var krKey []byte
	defer func() { wipe(krKey) }()
	err := v.mutate(true, func() error {
		m, err := v.hdr.unwrapPassword(vaultVersion, old)
		if err != nil {
			return err
		}
		wipe(m)
		keyringOn := v.hdr.slot(slotKeyring) != nil
		v.master = randomBytes(masterKeyLen)
		v.hdr.Keyed = v.stamp()
		v.hdr.Slots = nil
		v.hdr.setSlot(v.hdr.passwordSlot(new, v.master, v.opts.KDF.orDefault()))
		if keyringOn {
			krKey = randomBytes(masterKeyLen)
			v.hdr.setSlot(v.hdr.wrap(slotKeyring, krKey, v.master, KDFParams{}, nil))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	if krKey != nil {
		if err := setKeyringKey(v.opts.keyring(), v.ID(), krKey); err != nil {
			return fmt.Errorf("password changed, but keyring unlock needs turning on again: %w", err)
		}
	}
	return nil
}

// KeyringEnabled reports whether the vault has a keyring slot.
func (v *Vault) KeyringEnabled() bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.hdr.slot(slotKeyring) != nil
}

// SetKeyring turns keyring unlock on (a new random key in the OS keyring
// and a slot for it) or off (slot and keyring entry removed).
func (v *Vault) SetKeyring(on bool) error {
	kr := v.opts.keyring()
	if !on {
		err := v.mutate(false, func() error {
			if v.hdr.slot(slotKeyring) == nil {
				return errNoChange
			}
			v.hdr.removeSlot(slotKeyring)
			return nil
		})
		if err != nil {
			return fmt.Errorf("keyring off: %w", err)
		}
		if err := deleteKeyringKey(kr, v.ID()); err != nil && !errors.Is(err, ErrNoKeyringEntry) {
			return fmt.Errorf("keyring off: the vault no longer uses it, but the entry stays: %w", err)
		}
		return nil
	}
	k := randomBytes(masterKeyLen)
	defer wipe(k)
	err := v.mutate(false, func() error {
		if err := setKeyringKey(kr, v.hdr.VaultID, k); err != nil {
			return err
		}
		v.hdr.setSlot(v.hdr.wrap(slotKeyring, k, v.master, KDFParams{}, nil))
		return nil
	})
	if err != nil {
		return fmt.Errorf("keyring on: %w", err)
	}
	return nil
}

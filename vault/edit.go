package vault

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/nidan-auth/nidan/accounts"
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
		r = merge(&v.accts, accts, v.opts.now().Truncate(time.Second))
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
	scratch := make([]accounts.Account, len(v.accts))
	for i := range v.accts {
		scratch[i] = v.accts[i].Clone()
	}
	return merge(&scratch, accts, v.opts.now().Truncate(time.Second)), nil
}

// merge folds accts into *have as Add describes, in time linear in both:
// accounts are found by ID and by (secret, name) through maps, and
// Account.SameKey settles the rare same-secret-and-name candidates.
func merge(have *[]accounts.Account, accts []accounts.Account, now time.Time) MergeReport {
	r := MergeReport{Outcomes: make([]Outcome, len(accts))}
	byID := make(map[string]int, len(*have)+len(accts))
	byKey := make(map[string][]int, len(*have)+len(accts))
	keyOf := func(a *accounts.Account) string { return string(a.Secret) + "\x00" + a.Name }
	next := 0
	for i := range *have {
		a := &(*have)[i]
		byID[a.ID] = i
		byKey[keyOf(a)] = append(byKey[keyOf(a)], i)
		next = max(next, a.Order+1)
	}
	for i := range accts {
		a := accts[i].Clone()
		if j, ok := byID[a.ID]; a.ID != "" && ok {
			if mergeSameID(&(*have)[j], a) {
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
		if a.ID == "" {
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
		*have = append(*have, a)
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
		v.accts[i] = c
		return nil
	})
}

// Delete removes the account with the given ID.
func (v *Vault) Delete(id string) error {
	return v.mutate(true, func() error {
		i := v.indexLocked(id)
		if i < 0 {
			return fmt.Errorf("delete: %w", ErrNoAccount)
		}
		v.accts = slices.Delete(v.accts, i, i+1)
		return nil
	})
}

// Reorder puts the listed accounts first, in that order; the others follow
// in their current order.
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
		slices.SortStableFunc(v.accts, func(a, b accounts.Account) int {
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
		for i := range v.accts {
			v.accts[i].Order = i
		}
		return nil
	})
}

// NextHOTP increments the counter of an HOTP account and saves the vault
// before returning the account as it was, holding the counter of the code
// to show: a crash can never make the same code be shown twice.
func (v *Vault) NextHOTP(id string) (accounts.Account, error) {
	var shown accounts.Account
	err := v.mutate(false, func() error {
		i := v.indexLocked(id)
		if i < 0 {
			return fmt.Errorf("next code: %w", ErrNoAccount)
		}
		a := &v.accts[i]
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
		v.accts[i].LastUsed = t.UTC()
		return nil
	})
}

// ChangePassword replaces the password slot: afterwards old no longer
// opens the vault, new does, and the keyring slot keeps working. A backup
// under the new password is written at once.
func (v *Vault) ChangePassword(old, new []byte) error {
	if len(new) == 0 {
		return fmt.Errorf("change password: %w", ErrEmptyPassword)
	}
	err := v.mutate(true, func() error {
		m, err := v.hdr.unwrapPassword(old)
		if err != nil {
			return err
		}
		wipe(m)
		v.hdr.setSlot(passwordSlot(v.hdr.VaultID, new, v.master, v.opts.KDF.orDefault()))
		return nil
	})
	if err != nil {
		return fmt.Errorf("change password: %w", err)
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
		v.hdr.setSlot(wrap(slotKeyring, v.hdr.VaultID, k, v.master))
		return nil
	})
	if err != nil {
		return fmt.Errorf("keyring on: %w", err)
	}
	return nil
}

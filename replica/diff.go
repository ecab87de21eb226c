package replica

// Delta is what merging in another state did to the accounts, for the
// sync history ("2 added from laptop").
type Delta struct {
	Added   []string // labels of accounts that were not there before
	Changed []string // labels of accounts whose fields (not just counter or last use) changed
	Deleted []string // labels of accounts that a tombstone removed
}

// Empty reports whether nothing changed.
func (d Delta) Empty() bool { return len(d.Added)+len(d.Changed)+len(d.Deleted) == 0 }

// Diff compares the accounts of two states by id.
func Diff(before, after State) Delta {
	var d Delta
	old := make(map[string]*Entry, len(before.Accounts))
	for i := range before.Accounts {
		old[before.Accounts[i].ID] = &before.Accounts[i]
	}
	seen := make(map[string]bool, len(after.Accounts))
	for i := range after.Accounts {
		e := &after.Accounts[i]
		seen[e.ID] = true
		switch o, ok := old[e.ID]; {
		case !ok:
			d.Added = append(d.Added, e.Label())
		case o.Stamp != e.Stamp:
			d.Changed = append(d.Changed, e.Label())
		}
	}
	for i := range before.Accounts {
		if e := &before.Accounts[i]; !seen[e.ID] {
			d.Deleted = append(d.Deleted, e.Label())
		}
	}
	return d
}

// SameContent reports whether two states hold the same accounts,
// tombstones and devices. Clocks are left out: observing another device
// raises the clock, and rewriting a file for that alone would make two
// devices answer each other forever.
func SameContent(a, b State) bool {
	a.Clock, b.Clock = Stamp{}, Stamp{}
	return equalJSON(a, b)
}

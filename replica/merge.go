package replica

import (
	"bytes"
	"encoding/json"
	"time"
)

// Merge joins two states of one vault. It is commutative, associative and
// idempotent (a join-semilattice), which is what lets devices exchange
// copies in any order, duplicated or late, and still converge:
//
//   - the account ids are the union of both, minus every tombstoned id
//     (delete wins over any edit);
//   - for an id on both sides the copy with the greater stamp wins, except
//     that the HOTP counter and last-used time are each the maximum of both;
//   - tombstones, devices and the clock are unions and maxima.
//
// Neither input is changed; the result shares no memory with them and its
// lists are in id order.
func Merge(a, b State) State {
	out := State{Clock: maxStamp(a.Clock, b.Clock), Accounts: make([]Entry, 0, max(len(a.Accounts), len(b.Accounts)))}

	dead := make(map[string]Stamp, len(a.Tombstones)+len(b.Tombstones))
	for _, ts := range [2][]Tombstone{a.Tombstones, b.Tombstones} {
		for _, t := range ts {
			dead[t.ID] = maxStamp(dead[t.ID], t.Stamp)
		}
	}
	for id, st := range dead {
		out.Tombstones = append(out.Tombstones, Tombstone{ID: id, Stamp: st})
	}

	live := make(map[string]int, len(a.Accounts)+len(b.Accounts))
	for _, es := range [2][]Entry{a.Accounts, b.Accounts} {
		for i := range es {
			e := &es[i]
			if _, gone := dead[e.ID]; gone {
				continue
			}
			j, seen := live[e.ID]
			if !seen {
				live[e.ID] = len(out.Accounts)
				out.Accounts = append(out.Accounts, Entry{Account: e.Clone(), Stamp: e.Stamp})
				continue
			}
			out.Accounts[j] = join(&out.Accounts[j], e)
		}
	}

	devs := make(map[string]int, len(a.Devices)+len(b.Devices))
	for _, ds := range [2][]Device{a.Devices, b.Devices} {
		for _, d := range ds {
			j, seen := devs[d.ID]
			if !seen {
				devs[d.ID] = len(out.Devices)
				out.Devices = append(out.Devices, d)
				continue
			}
			cur := &out.Devices[j]
			removed := maxStamp(cur.Removed, d.Removed)
			if d.Stamp.After(cur.Stamp) || (d.Stamp == cur.Stamp && d.Name > cur.Name) {
				*cur = d
			}
			cur.Removed = removed
		}
	}
	out.sortCanonical()
	return out
}

// join merges two copies of one account: last writer wins for the fields,
// the maximum for the counter and the last-used time.
func join(x, y *Entry) Entry {
	win, lose := x, y
	if c := y.Stamp.Compare(x.Stamp); c > 0 || (c == 0 && canonicalGreater(y, x)) {
		win, lose = y, x
	}
	e := Entry{Account: win.Clone(), Stamp: win.Stamp}
	e.Counter = max(win.Counter, lose.Counter)
	if lose.LastUsed.After(e.LastUsed) {
		e.LastUsed = lose.LastUsed
	}
	return e
}

// canonicalGreater breaks a tie between two different copies with one
// stamp (only a bug or a hand-edited file makes them): compare their JSON
// without the max-merged fields, so every device picks the same one.
func canonicalGreater(y, x *Entry) bool {
	return bytes.Compare(canonical(y), canonical(x)) > 0
}

func canonical(e *Entry) []byte {
	c := e.Clone()
	c.Counter, c.LastUsed = 0, time.Time{}
	b, err := json.Marshal(&c)
	if err != nil {
		panic(err) // an Account always encodes
	}
	return b
}

func equalJSON(a, b State) bool {
	a, b = Merge(a, State{}), Merge(b, State{}) // canonical order
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(ja, jb)
}

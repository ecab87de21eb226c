package replica

import (
	"testing"

	"github.com/nidan-auth/nidan/accounts"
)

func TestDiff(t *testing.T) {
	dev := "aaaaaaaaaaaaaaaa"
	mk := func(id, issuer string, wall int64, counter uint64) Entry {
		return Entry{Account: accounts.Account{ID: id, Issuer: issuer, Counter: counter}, Stamp: Stamp{wall, 0, dev}}
	}
	before := State{Accounts: []Entry{mk("1", "Kept", 1, 0), mk("2", "Edited", 1, 0), mk("3", "Gone", 1, 0), mk("4", "Used", 1, 3)}}
	after := State{Accounts: []Entry{mk("1", "Kept", 1, 0), mk("2", "Edited!", 2, 0), mk("4", "Used", 1, 4), mk("5", "New", 3, 0)},
		Clock: Stamp{9, 0, dev}}
	d := Diff(before, after)
	if len(d.Added) != 1 || d.Added[0] != "New" || len(d.Changed) != 1 || d.Changed[0] != "Edited!" ||
		len(d.Deleted) != 1 || d.Deleted[0] != "Gone" {
		t.Fatalf("Diff = %+v", d)
	}
	if !Diff(after, after).Empty() {
		t.Fatal("a state differs from itself")
	}
	if SameContent(before, after) {
		t.Fatal("different states have the same content")
	}
	moved := after
	moved.Clock = Stamp{99, 0, dev}
	moved.Accounts = []Entry{after.Accounts[3], after.Accounts[0], after.Accounts[2], after.Accounts[1]}
	if !SameContent(after, moved) {
		t.Fatal("the clock or the order made two states differ")
	}
}

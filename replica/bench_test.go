package replica

import (
	"fmt"
	"testing"
	"time"

	"github.com/nidan-auth/nidan/accounts"
)

// vaultOf returns a state of n accounts as device dev left it: the first
// n*9/10 shared with the other device, the rest its own.
func vaultOf(n int, dev string, wall int64) State {
	var s State
	for i := range n {
		id := fmt.Sprintf("shared-%05d", i)
		if i >= n*9/10 {
			id = dev + fmt.Sprintf("-%05d", i)
		}
		a := accounts.Account{ID: id, Type: accounts.TOTP, Issuer: fmt.Sprintf("Issuer %d", i), Name: "user@example.com",
			Secret: make([]byte, 20), Algorithm: accounts.SHA1, Digits: 6, Period: 30, Order: i,
			Created: time.Unix(1_767_000_000, 0).UTC(), Modified: time.Unix(1_767_000_000, 0).UTC()}
		s.Accounts = append(s.Accounts, Entry{Account: a, Stamp: Stamp{Wall: wall + int64(i%7), Device: dev}})
	}
	for i := range 50 {
		s.Tombstones = append(s.Tombstones, Tombstone{ID: fmt.Sprintf("gone-%s-%d", dev, i), Stamp: Stamp{Wall: wall, Device: dev}})
	}
	return s
}

// BenchmarkMerge1000 is the figure: merging two 1 000-account
// vaults must take under 50 ms.
func BenchmarkMerge1000(b *testing.B) {
	x := vaultOf(1000, "aaaaaaaaaaaaaaaa", 1_767_000_000_000)
	y := vaultOf(1000, "bbbbbbbbbbbbbbbb", 1_767_000_000_003)
	b.ReportAllocs()
	for b.Loop() {
		Merge(x, y)
	}
}

package vault

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/accounts/accountstest"
	"github.com/nidan-auth/nidan/replica"
)

// Vault benchmarks with 1 000 accounts. The KDF is excluded from open and
// save (open uses the keyring slot; saving never runs it); BenchmarkKDF
// is the KDF's own cost, the price of one password unlock. Target for open
// and save: < 50 ms.

func benchVault(b *testing.B) (*Vault, memKeyring) {
	b.Helper()
	kr := memKeyring{}
	path := filepath.Join(b.TempDir(), "vault.nidan")
	v, err := Create(path, []byte("bench"), Options{KDF: testKDF, Keyring: kr})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := v.Add(accountstest.Many(1000)...); err != nil {
		b.Fatal(err)
	}
	if err := v.SetKeyring(true); err != nil {
		b.Fatal(err)
	}
	return v, kr
}

func BenchmarkVaultOpen1000(b *testing.B) {
	v, kr := benchVault(b)
	b.ResetTimer()
	for b.Loop() {
		w, err := OpenWithKeyring(v.Path(), Options{Keyring: kr})
		if err != nil || len(w.st.Accounts) != 1000 {
			b.Fatal(err)
		}
	}
}

// BenchmarkVaultSave1000 is one change saved crash-safely (with fsyncs),
// without the automatic backup.
func BenchmarkVaultSave1000(b *testing.B) {
	v, _ := benchVault(b)
	id := v.Accounts()[500].ID
	b.ResetTimer()
	for b.Loop() {
		if err := v.MarkUsed(id, time.Now()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVaultUpdate1000 is one edit: save plus the automatic backup.
func BenchmarkVaultUpdate1000(b *testing.B) {
	v, _ := benchVault(b)
	a := v.Accounts()[500]
	b.ResetTimer()
	for b.Loop() {
		a.Nickname = time.Now().String()
		if err := v.Update(a); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkKDF is one Argon2id derivation with DefaultKDF: the cost of a
// password unlock or a password change.
func BenchmarkKDF(b *testing.B) {
	salt := make([]byte, saltLen)
	for b.Loop() {
		DefaultKDF.derive([]byte("correct horse battery staple"), salt)
	}
}

// BenchmarkMerge40000 imports 40 000 accounts into a vault already holding
// 40 000 others, half of them duplicates of the vault's: the merge itself
// (Preview runs the same code as Add, minus the save and its KDF-free
// encryption). Target: < 1 s.
func BenchmarkMerge40000(b *testing.B) {
	have := accountstest.Many(60000)
	for b.Loop() {
		b.StopTimer()
		st := replica.State{Accounts: make([]replica.Entry, 40000)}
		for i := range st.Accounts {
			st.Accounts[i] = replica.Entry{Account: have[i], Stamp: replica.Stamp{Wall: 1, Device: replica.LegacyDevice}}
		}
		clock := replica.NewClock("aaaaaaaaaaaaaaaa", replica.Stamp{})
		in := make([]accounts.Account, 40000)
		for i := range in {
			in[i] = have[20000+i].Clone()
			in[i].ID = accounts.NewID() // duplicates by key, not by ID
		}
		b.StartTimer()
		now := time.Now()
		r := merge(&st, in, now, func() replica.Stamp { return clock.Now(now) })
		if r.Added != 20000 || r.Duplicates != 20000 {
			b.Fatalf("merge report %d added, %d duplicates", r.Added, r.Duplicates)
		}
	}
}

package accounts_test

import (
	"testing"
	"time"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/accounts/accountstest"
)

// BenchmarkTick1000 is one GUI tick over 1 000 accounts through the
// Codebook, averaged over whole periods (so boundaries are included).
// Target: < 1 ms.
func BenchmarkTick1000(b *testing.B) {
	accts := accountstest.Many(1000)
	book := accounts.NewCodebook()
	start := time.Unix(1_700_000_000, 0)
	for i := range accts { // the first frame after unlock, not a tick
		_, _ = book.Code(&accts[i], start)
	}
	b.ReportAllocs()
	sec := 0
	for b.Loop() {
		sec++
		now := start.Add(time.Duration(sec) * time.Second)
		for i := range accts {
			if _, err := book.Code(&accts[i], now); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkCodeAt1000 computes current and next codes for 1 000 accounts
// from scratch (no Codebook): the cost of the first frame.
func BenchmarkCodeAt1000(b *testing.B) {
	accts := accountstest.Many(1000)
	now := time.Unix(1_700_000_000, 0)
	b.ReportAllocs()
	for b.Loop() {
		for i := range accts {
			if _, err := accts[i].CodeAt(now); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkParseURI1000 parses 1 000 otpauth URIs.
func BenchmarkParseURI1000(b *testing.B) {
	accts := accountstest.Many(1000)
	uris := make([]string, len(accts))
	for i := range accts {
		uris[i] = accts[i].URI()
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, u := range uris {
			if _, err := accounts.ParseURI(u); err != nil {
				b.Fatal(err)
			}
		}
	}
}

package accounts

import (
	"fmt"
	"testing"
	"time"
)

func thousandAccounts() []Account {
	out := make([]Account, 1000)
	for i := range out {
		secret := make([]byte, 20)
		for j := range secret {
			secret[j] = byte(i*31 + j)
		}
		a := New(TOTP, fmt.Sprintf("Issuer %d", i), fmt.Sprintf("user%d@example.com", i), secret)
		a.Algorithm = []Algorithm{SHA1, SHA256, SHA512}[i%3]
		a.Digits = 6 + i%3
		out[i] = a
	}
	return out
}

// BenchmarkTick1000 is one GUI tick over 1 000 accounts through the
// Codebook, averaged over whole periods (so boundaries are included).
// Target: < 1 ms.
func BenchmarkTick1000(b *testing.B) {
	accts := thousandAccounts()
	book := NewCodebook()
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
	accts := thousandAccounts()
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
	accts := thousandAccounts()
	uris := make([]string, len(accts))
	for i := range accts {
		uris[i] = accts[i].URI()
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, u := range uris {
			if _, err := ParseURI(u); err != nil {
				b.Fatal(err)
			}
		}
	}
}

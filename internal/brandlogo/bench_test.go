package brandlogo

import "testing"

// BenchmarkLookup: the target is under 1 ms per look-up; the asset
// is decoded before the timer starts (the app does that off the UI
// goroutine at start).
func BenchmarkLookup(b *testing.B) {
	c := New()
	if err := c.Load(); err != nil {
		b.Fatal(err)
	}
	issuers := []string{"Google", "Proton Mail", "https://accounts.google.com/", "Amazon Web Services", "Discord (work)", "Microsoft"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		c.Lookup(issuers[i%len(issuers)])
	}
}

// BenchmarkLoad is the one-off cost of decoding the asset.
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if err := New().Load(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSearch(b *testing.B) {
	c := New()
	if err := c.Load(); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		c.Search("mail", 50)
	}
}

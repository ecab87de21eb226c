package brandlogo

import (
	"runtime"
	"runtime/debug"
	"testing"
)

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

// BenchmarkLoadHeap reports what a loaded catalogue keeps on the heap
// (live-B, after a collection) and what loading asked of the heap at its
// peak (peak-B, the heap the runtime grew to, which stays resident until
// it is scavenged): the app's idle RSS target counts both.
func BenchmarkLoadHeap(b *testing.B) {
	var live, peak float64
	for b.Loop() {
		runtime.GC()
		debug.FreeOSMemory()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		c := New()
		if err := c.Load(); err != nil {
			b.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		peak = float64(after.HeapSys - after.HeapReleased - (before.HeapSys - before.HeapReleased))
		runtime.GC()
		runtime.ReadMemStats(&after)
		live = float64(after.HeapAlloc) - float64(before.HeapAlloc)
		runtime.KeepAlive(c)
	}
	b.ReportMetric(live, "live-B")
	b.ReportMetric(peak, "peak-B")
}

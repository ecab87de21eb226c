package enroll

import (
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"
)

// TestBatcher checks the batcher's rules on many concurrent requests over
// few keys: every request decided exactly once, no two requests sharing a
// key in one batch or in two batches at once, no more than flushes batches
// at once, and batches that do hold several requests.
func TestBatcher(t *testing.T) {
	type req struct {
		key     string
		decided int
	}
	const flushes, max = 2, 8
	var (
		mu      sync.Mutex
		inUse   = map[string]bool{}
		running int
	)
	run := func(rs []*req) {
		mu.Lock()
		running++
		if running > flushes {
			t.Errorf("%d batches at once, want at most %d", running, flushes)
		}
		if len(rs) > max {
			t.Errorf("a batch of %d, want at most %d", len(rs), max)
		}
		for _, r := range rs {
			if inUse[r.key] {
				t.Errorf("key %s in two requests at once", r.key)
			}
			inUse[r.key] = true
		}
		mu.Unlock()
		// Let others arrive meanwhile, as they do while a statement runs.
		for range 50 {
			runtime.Gosched()
		}
		mu.Lock()
		for _, r := range rs {
			delete(inUse, r.key)
			r.decided++
		}
		running--
		mu.Unlock()
	}
	b := newBatcher(max, flushes, func(r *req) []string { return []string{r.key} }, run)
	holdFirst(t, b)
	var reqs []*req
	for i := range 2000 {
		reqs = append(reqs, &req{key: fmt.Sprintf("k%d", i%13)})
	}
	var wg sync.WaitGroup
	for _, r := range reqs {
		wg.Go(func() { b.do(r) })
	}
	wg.Wait()
	for i, r := range reqs {
		if r.decided != 1 {
			t.Fatalf("request %d decided %d times", i, r.decided)
		}
	}
	// The last flusher may still be on its way out after the last
	// request it decided.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		b.mu.Lock()
		flushers, queued, busy := b.running, len(b.queue), len(b.busy)
		b.mu.Unlock()
		if flushers == 0 && queued == 0 && busy == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("left behind: %d flushers, %d queued, %d keys busy", flushers, queued, busy)
		}
	}
	if b.largest.Load() < 2 {
		t.Errorf("largest batch %d: 2000 concurrent requests never shared one", b.largest.Load())
	}
}

// TestBatcherAlone checks that a request arriving alone is decided at
// once, by the caller's goroutine, in a batch of its own.
func TestBatcherAlone(t *testing.T) {
	var sizes []int
	b := newBatcher(8, 2, func(k string) []string { return []string{k} }, func(ks []string) { sizes = append(sizes, len(ks)) })
	for i := range 5 {
		b.do(fmt.Sprint(i))
	}
	if fmt.Sprint(sizes) != "[1 1 1 1 1]" {
		t.Errorf("one at a time: batches %v, want five of one", sizes)
	}
}

// holdFirst makes b's first batch wait, before it is sent, until requests
// that the next batch can take together (two with free, distinct keys) are
// queued, so that a test's "a batch held several" does not depend on how
// goroutines happen to be scheduled. It gives up after 30 s with an error.
func holdFirst[T any](t *testing.T, b *batcher[T]) {
	var once sync.Once
	b.hold = func() {
		once.Do(func() {
			for deadline := time.Now().Add(30 * time.Second); !b.twoTakeable(); time.Sleep(time.Millisecond) {
				if time.Now().After(deadline) {
					t.Errorf("no two requests a batch could share queued after 30 s")
					return
				}
			}
		})
	}
}

// twoTakeable tells whether take would now find at least two requests.
func (b *batcher[T]) twoTakeable() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	seen := map[string]bool{}
	n := 0
	for _, it := range b.queue {
		ks := b.keys(it.v)
		ok := true
		for _, k := range ks {
			if b.busy[k] || seen[k] {
				ok = false
			}
		}
		if ok {
			for _, k := range ks {
				seen[k] = true
			}
			if n++; n >= 2 {
				return true
			}
		}
	}
	return false
}

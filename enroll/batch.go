package enroll

import (
	"sync"
	"sync/atomic"
	"time"
)

// batcher gathers requests that arrive while earlier ones are being
// decided into one batch, so that many concurrent code checks cost the
// database one statement and one commit instead of one each. It never
// waits for company: a request that finds a free flusher is sent at once,
// alone if need be, so one check at a time is as fast as without it; a
// batch only grows from requests that arrive while up to flushes batches
// are already in the database.
//
// Requests that share a key (keys: a user ID, a counter key) are never in
// the same batch nor in two batches at once: a batch's statement must
// change each row once, and two batches locking the same rows in two
// orders could deadlock each other.
type batcher[T any] struct {
	run     func([]T) // decides every request of a batch (results go into T)
	keys    func(T) []string
	max     int // requests per batch
	flushes int // batches in the database at once

	mu      sync.Mutex
	queue   []*batchItem[T]
	busy    map[string]bool // keys of the requests in running batches
	running int             // flushers
	largest atomic.Int64    // the most requests a batch has held (tests)
	// batches, items and inRun count the batches sent, the requests in
	// them and the time spent in run, for the benchmark's checks per
	// batch and how much of the time a batch was in the database.
	batches, items, inRun atomic.Int64
	// hold, if set (tests only, before the first request), runs before
	// each batch is sent: a test holds a batch there so that others
	// queue behind it, which makes the next batch hold several for
	// certain instead of by the timing of goroutines.
	hold func()
}

type batchItem[T any] struct {
	v       T
	decided bool // under batcher.mu
	done    chan struct{}
}

func newBatcher[T any](max, flushes int, keys func(T) []string, run func([]T)) *batcher[T] {
	return &batcher[T]{run: run, keys: keys, max: max, flushes: flushes, busy: map[string]bool{}}
}

// do decides v, in a batch with whatever else is waiting, and returns when
// it is decided. The caller's goroutine does the flushing itself when a
// flusher is free, which spares a hand-over when checks come one by one.
func (b *batcher[T]) do(v T) {
	it := &batchItem[T]{v: v, done: make(chan struct{})}
	b.mu.Lock()
	b.queue = append(b.queue, it)
	if b.running >= b.flushes {
		b.mu.Unlock()
		<-it.done
		return
	}
	b.running++
	b.mu.Unlock()
	b.flush(it)
	<-it.done
}

// flush sends batches until mine is decided (mine nil: until the queue is
// empty). A caller whose request is decided hands what is still queued to
// a new goroutine rather than keep its own caller waiting for others.
func (b *batcher[T]) flush(mine *batchItem[T]) {
	for {
		b.mu.Lock()
		if mine != nil && mine.decided {
			if len(b.queue) > 0 {
				b.mu.Unlock()
				go b.flush(nil) // keeps this flusher's place in running
				return
			}
			b.running--
			b.mu.Unlock()
			return
		}
		batch := b.take()
		if len(batch) == 0 {
			// Empty, or everything waiting shares a key with a running
			// batch, whose flusher takes it when that batch is done.
			b.running--
			b.mu.Unlock()
			return
		}
		b.mu.Unlock()
		if n := int64(len(batch)); n > b.largest.Load() {
			b.largest.Store(n) // only a statistic: a lost race loses little
		}
		vs := make([]T, len(batch))
		for i, it := range batch {
			vs[i] = it.v
		}
		if b.hold != nil {
			b.hold()
		}
		start := time.Now()
		b.run(vs)
		b.inRun.Add(int64(time.Since(start)))
		b.batches.Add(1)
		b.items.Add(int64(len(vs)))
		b.mu.Lock()
		for _, it := range batch {
			for _, k := range b.keys(it.v) {
				delete(b.busy, k)
			}
			it.decided = true
		}
		b.mu.Unlock()
		for _, it := range batch {
			close(it.done)
		}
	}
}

// take removes from the queue, in arrival order, up to max requests whose
// keys are free, and marks their keys busy. Called under b.mu.
func (b *batcher[T]) take() []*batchItem[T] {
	var batch []*batchItem[T]
	rest := b.queue[:0]
	for _, it := range b.queue {
		if len(batch) < b.max && b.free(it.v) {
			for _, k := range b.keys(it.v) {
				b.busy[k] = true
			}
			batch = append(batch, it)
			continue
		}
		rest = append(rest, it)
	}
	clear(b.queue[len(rest):])
	b.queue = rest
	return batch
}

func (b *batcher[T]) free(v T) bool {
	for _, k := range b.keys(v) {
		if b.busy[k] {
			return false
		}
	}
	return true
}

package accounts

import (
	"bytes"
	"hash/fnv"
	"sync"
	"time"
)

// Codebook remembers each account's codes for its current time step, so a
// once-a-second ticker computes a code only when its step changes instead of
// running two HMACs per account per second. The next code is computed ahead,
// at a moment staggered per account within the period, so that a thousand
// accounts sharing a 30 s boundary do not all pay for it in the same tick.
// A Codebook is safe for concurrent use.
type Codebook struct {
	mu      sync.Mutex
	entries map[string]*bookEntry
}

type bookEntry struct {
	// what the codes were made from, so an edited account is recomputed
	secret    []byte
	typ       Type
	alg       Algorithm
	digits    int
	period    int
	step      uint64 // time step, or HOTP counter
	cur, next string
	prefetch  time.Duration // compute next once Remaining drops to this
}

// NewCodebook returns an empty Codebook.
func NewCodebook() *Codebook { return &Codebook{entries: map[string]*bookEntry{}} }

// nextShownBefore is how long before expiry a screen shows the next code;
// Code always fills Next by then.
const nextShownBefore = 5 * time.Second

// Code returns a's code at t like a.CodeAt, from the book where it can. Next
// may be empty early in a period; it is always set within the last 5 s.
func (b *Codebook) Code(a *Account, t time.Time) (Code, error) {
	if err := a.Validate(); err != nil {
		return Code{}, err
	}
	var step uint64
	var c Code
	if a.Type == HOTP {
		step = a.Counter
	} else {
		step, c.Remaining = a.step(t)
		c.Period = time.Duration(a.Period) * time.Second
	}

	b.mu.Lock()
	defer b.mu.Unlock()
	e := b.entries[a.ID]
	if e == nil || !e.sameKey(a) {
		e = &bookEntry{secret: append([]byte(nil), a.Secret...), typ: a.Type, alg: a.Algorithm,
			digits: a.Digits, period: a.Period, prefetch: prefetchPoint(a)}
		cur, err := a.Generate(step)
		if err != nil {
			return Code{}, err
		}
		e.step, e.cur = step, cur
		b.entries[a.ID] = e
	} else if step != e.step {
		if step == e.step+1 && e.next != "" {
			e.cur = e.next
		} else {
			cur, err := a.Generate(step)
			if err != nil {
				return Code{}, err
			}
			e.cur = cur
		}
		e.step, e.next = step, ""
	}
	if e.next == "" && (a.Type == HOTP || c.Remaining <= e.prefetch) {
		next, err := a.Generate(step + 1)
		if err != nil {
			return Code{}, err
		}
		e.next = next
	}
	c.Current, c.Next = e.cur, e.next
	return c, nil
}

// Forget drops an account's codes (after it is deleted or the vault locks).
func (b *Codebook) Forget(id string) {
	b.mu.Lock()
	delete(b.entries, id)
	b.mu.Unlock()
}

// Reset drops every remembered code.
func (b *Codebook) Reset() {
	b.mu.Lock()
	clear(b.entries)
	b.mu.Unlock()
}

func (e *bookEntry) sameKey(a *Account) bool {
	return e.typ == a.Type && e.alg == a.Algorithm && e.digits == a.Digits && e.period == a.Period &&
		bytes.Equal(e.secret, a.Secret)
}

// prefetchPoint spreads the next-code computation of accounts over the
// period: somewhere between 5 s and period−5 s before expiry.
func prefetchPoint(a *Account) time.Duration {
	spread := a.Period - 10
	if a.Type == HOTP || spread <= 0 {
		return nextShownBefore
	}
	h := fnv.New32a()
	h.Write([]byte(a.ID))
	return nextShownBefore + time.Duration(h.Sum32()%uint32(spread+1))*time.Second
}

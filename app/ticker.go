package app

import (
	"os"
	"sync"
	"time"

	"fyne.io/fyne/v2"
)

// ticker calls the list once a second, just after each second boundary, with
// a single fyne.Do per tick (STYLE §3.4). It never refreshes the list: each
// row sets its own text only when it changed.
type ticker struct {
	stopOnce sync.Once
	done     chan struct{}
}

func newTicker(fn func(time.Time)) *ticker {
	t := &ticker{done: make(chan struct{})}
	go t.run(fn)
	return t
}

func (t *ticker) run(fn func(time.Time)) {
	timer := time.NewTimer(untilNextSecond(time.Now()))
	defer timer.Stop()
	for {
		select {
		case <-t.done:
			return
		case <-timer.C:
		}
		now := time.Now()
		fyne.Do(func() { fn(now) })
		timer.Reset(untilNextSecond(time.Now()))
	}
}

// untilNextSecond waits a little past the boundary, so that the tick lands
// in the new second even with timer slack.
func untilNextSecond(now time.Time) time.Duration {
	return now.Truncate(time.Second).Add(time.Second + 15*time.Millisecond).Sub(now)
}

func (t *ticker) stop() { t.stopOnce.Do(func() { close(t.done) }) }

func (u *ui) startTicker() {
	u.tick(u.now())
	if u.opts.Sync || u.ticker != nil || os.Getenv(benchEnv+"_NOTICK") != "" {
		return
	}
	u.ticker = newTicker(u.tick)
}

func (u *ui) stopTicker() {
	if u.ticker != nil {
		u.ticker.stop()
		u.ticker = nil
	}
}

// tick updates the visible rows. It runs on the UI goroutine.
func (u *ui) tick(now time.Time) {
	if u.list != nil && u.vault != nil {
		u.list.tick(now)
	}
}

// timers runs delayed UI work (clear the clipboard, hide a notice, lock when
// idle). In the real app each is a time.AfterFunc that hops to the UI
// goroutine; under Options.Sync they wait until a test calls fire.
type timers struct {
	sync    bool
	mu      sync.Mutex
	pending map[int]pendingTimer
	next    int
}

type pendingTimer struct {
	kind string
	f    func()
}

// Kinds of timers, so a test can let one kind of delay pass.
const (
	timerClipboard = "clipboard"
	timerNotice    = "notice"
	timerIdle      = "idle"
	timerFocus     = "focus"
)

func newTimers(sync bool) *timers { return &timers{sync: sync, pending: map[int]pendingTimer{}} }

// after schedules f on the UI goroutine after d and returns a cancel func.
func (t *timers) after(kind string, d time.Duration, f func()) (cancel func()) {
	if !t.sync {
		tm := time.AfterFunc(d, func() { fyne.Do(f) })
		return func() { tm.Stop() }
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	id := t.next
	t.next++
	t.pending[id] = pendingTimer{kind, f}
	return func() {
		t.mu.Lock()
		defer t.mu.Unlock()
		delete(t.pending, id)
	}
}

// fire runs the pending timers of one kind, as if their delays had passed
// (tests).
func (t *timers) fire(kind string) {
	t.mu.Lock()
	var fs []func()
	for i := 0; i < t.next; i++ {
		if p, ok := t.pending[i]; ok && p.kind == kind {
			fs = append(fs, p.f)
			delete(t.pending, i)
		}
	}
	t.mu.Unlock()
	for _, f := range fs {
		f()
	}
}

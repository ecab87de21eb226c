package app

import "time"

// idleLock locks the vault after the auto-lock minutes without use. Every
// key, tap, copy and mouse move over the window calls touch, which only
// re-arms a timer, so it is cheap enough to call on each event.
type idleLock struct {
	u      *ui
	cancel func()
	last   time.Time
}

func (l *idleLock) touch() {
	if l.u.vault == nil {
		return
	}
	now := time.Now()
	if l.cancel != nil && now.Sub(l.last) < time.Second {
		return // re-arming at most once a second is plenty
	}
	l.last = now
	l.stop()
	d := l.u.prefs.autoLock()
	if d <= 0 {
		return
	}
	l.cancel = l.u.timers.after(timerIdle, d, func() {
		l.cancel = nil
		if l.u.vault != nil {
			l.u.lock()
		}
	})
}

func (l *idleLock) stop() {
	if l.cancel != nil {
		l.cancel()
		l.cancel = nil
	}
}

// setupLifecycle locks a phone app that goes to the background and
// restarts the ticker when it comes back (mobile.go).
func (u *ui) setupLifecycle() {
	lc := u.app.Lifecycle()
	lc.SetOnExitedForeground(u.onExitedForeground)
	lc.SetOnEnteredForeground(u.onEnteredForeground)
}

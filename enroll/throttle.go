package enroll

import "time"

// maxLockoutShift caps the doubling of lockouts so that Lockout<<n cannot
// overflow; MaxLockout caps the duration long before.
const maxLockoutShift = 30

// throttleState is one attempt counter as the stores keep it: times in
// Unix milliseconds, 0 = none. updated is the later of the last attempt
// and the end of the last lock: Forget runs from there.
type throttleState struct {
	Key         string `json:"key"`
	Failures    int    `json:"failures"`
	Lockouts    int    `json:"lockouts"`
	LockedUntil int64  `json:"locked_until"`
	Updated     int64  `json:"updated"`
}

func (st throttleState) info() ThrottleInfo {
	i := ThrottleInfo{Failures: st.Failures, Lockouts: st.Lockouts}
	if st.LockedUntil > 0 {
		i.LockedUntil = time.UnixMilli(st.LockedUntil).UTC()
	}
	return i
}

func (p Throttle) orDefault(def Throttle) Throttle {
	if p.MaxFailures <= 0 {
		p.MaxFailures = def.MaxFailures
	}
	if p.Lockout <= 0 {
		p.Lockout = def.Lockout
	}
	if p.MaxLockout < p.Lockout {
		p.MaxLockout = max(def.MaxLockout, p.Lockout)
	}
	if p.Forget <= 0 {
		p.Forget = def.Forget
	}
	return p
}

// lockFor is how long the lockout after n earlier ones lasts, in ms.
func (p Throttle) lockFor(n int) int64 {
	base, limit := p.Lockout.Milliseconds(), p.MaxLockout.Milliseconds()
	if n >= maxLockoutShift || base<<n > limit {
		return limit
	}
	return base << n
}

// attempt is Store.Attempt on one counter; the file store runs it under its
// lock and the SQL stores run attemptSQL, which computes the same in one
// statement (the conformance suite checks that they agree).
func (p Throttle) attempt(st throttleState, now int64) (throttleState, error) {
	if st.LockedUntil > now {
		return st, &LockoutError{Until: time.UnixMilli(st.LockedUntil).UTC()}
	}
	if st.Updated > 0 && now > st.Updated+p.Forget.Milliseconds() {
		st.Failures, st.Lockouts = 0, 0
	}
	st.Failures++
	st.Updated = now
	if st.Failures >= p.MaxFailures {
		st.LockedUntil = now + p.lockFor(st.Lockouts)
		st.Updated = st.LockedUntil
		st.Failures = 0
		st.Lockouts = min(st.Lockouts+1, maxLockoutShift)
	}
	return st, nil
}

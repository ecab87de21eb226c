package enroll

import (
	"cmp"
	"slices"
	"sync"
	"time"
)

// A code check on PostgreSQL in one round trip and one commit (schema
// version 4). The client can compare the code before touching the
// database whenever it holds the user's factor as last read (the sealed
// bytes and what they open to): it sends the step the code is (or none),
// and nidan_enroll_check_batch decides, per check, under the rows' locks,
// whether those sealed bytes are still the user's active factor, whether
// the counter lets the attempt through, and then counts it and spends the
// step (or counts a failure) in the same transaction. What it cannot
// decide exactly as the two-step path would (a factor changed since, a
// counter missing, stale or about to lock, a failed batch) it leaves
// untouched, and that check goes the two-step way (Verify). The
// comparison's result reaches the caller only for an attempt the database
// counted, so at most MaxFailures guesses are ever answered.

// checkBatchSQL is the one-step check for many users: $1 user IDs
// (distinct, in byte order; their keys in byte order too), $2 the sealed
// active factors the codes were compared with, $3 their factor IDs, $4
// the steps (-1: the code matched none), $5 counter keys, $6 now (ms), $7
// max failures, $8 forget (ms). One row per decided check: the user, the
// outcome (spent, replay, refused, locked) and the counter after the
// attempt.
const checkBatchSQL = `SELECT * FROM nidan_enroll_check_batch($1, $2, $3, $4, $5, $6, $7, $8)`

// checkBatchFunc locks, per row in the arrays' order, the user (FOR NO
// KEY UPDATE, as the spend's UPDATE would) and then its counter: the order
// every other path takes them in (spendAndClear, spendBatchFunc: users
// before counters; countBatchFunc: counters in key order), so that no two
// wait for each other in a circle. The counter conditions are
// quickAttemptAndGetSQL's; a check they refuse is not decided here. A
// batch that spent nothing commits without waiting for the disk, as the
// counters' pool does; one that spent a step commits durably.
const checkBatchFunc = `CREATE FUNCTION nidan_enroll_check_batch(p_users TEXT[], p_sealed BYTEA[], p_factors TEXT[],
	p_steps BIGINT[], p_keys TEXT[], p_nows BIGINT[], p_max INTEGER[], p_forget BIGINT[])
RETURNS TABLE (o_id TEXT, o_outcome TEXT, o_failures INTEGER, o_lockouts INTEGER, o_locked_until BIGINT)
LANGUAGE plpgsql AS $f$
DECLARE
	v_same BOOLEAN;
	v_last BIGINT;
	v_updated BIGINT;
	v_spent BOOLEAN := false;
BEGIN
	FOR i IN 1 .. coalesce(array_length(p_users, 1), 0) LOOP
		v_same := NULL;
		SELECT u.active = p_sealed[i] AND u.active_id = p_factors[i], u.last_step INTO v_same, v_last
			FROM nidan_enroll_users AS u WHERE u.id = p_users[i] FOR NO KEY UPDATE;
		CONTINUE WHEN v_same IS NOT TRUE;
		SELECT t.failures, t.lockouts, t.locked_until, t.updated INTO o_failures, o_lockouts, o_locked_until, v_updated
			FROM nidan_enroll_throttle AS t WHERE t.key = p_keys[i] FOR NO KEY UPDATE;
		CONTINUE WHEN NOT FOUND;
		o_id := p_users[i];
		IF o_locked_until > p_nows[i] THEN
			o_outcome := 'locked';
			RETURN NEXT;
			CONTINUE;
		END IF;
		CONTINUE WHEN o_failures + 1 >= p_max[i] OR (v_updated > 0 AND p_nows[i] > v_updated + p_forget[i]);
		o_failures := o_failures + 1;
		IF p_steps[i] >= 0 AND (v_last IS NULL OR v_last < p_steps[i]) THEN
			UPDATE nidan_enroll_users AS u SET last_step = p_steps[i] WHERE u.id = p_users[i];
			UPDATE nidan_enroll_throttle AS t SET failures = 0, lockouts = 0, locked_until = 0, updated = p_nows[i]
				WHERE t.key = p_keys[i];
			v_spent := true;
			o_outcome := 'spent';
		ELSE
			UPDATE nidan_enroll_throttle AS t SET failures = o_failures, updated = p_nows[i] WHERE t.key = p_keys[i];
			o_outcome := CASE WHEN p_steps[i] >= 0 THEN 'replay' ELSE 'refused' END;
		END IF;
		RETURN NEXT;
	END LOOP;
	IF NOT v_spent THEN
		PERFORM set_config('synchronous_commit', 'off', true);
	END IF;
END
$f$`

// checkReq is one check in a checkBatchSQL batch.
type checkReq struct {
	id, key, factorID string
	sealed            []byte
	step              int64 // -1: the code is no step of the factor
	now, forget       int64
	maxF              int
	outcome           string // "": not decided, go the two-step way
	info              throttleState
	err               error // the batch failed: nothing was changed
}

// lastActive remembers, per user, the sealed active factor a code check
// last read, so that the next check can compare its code first
// (opened holds what the bytes open to). Bounded as factorCache is.
type lastActive struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (l *lastActive) get(id string) []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.m[id]
}

func (l *lastActive) forget() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.m = nil
}

func (l *lastActive) put(id string, sealed []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if sealed == nil {
		delete(l.m, id)
		return
	}
	if l.m == nil || len(l.m) >= factorCacheMax {
		l.m = make(map[string][]byte)
	}
	l.m[id] = sealed
}

// factorVerifier is a Store that can check a code in one step when the
// comparison needs only the factor (verifyFactor).
type factorVerifier interface {
	verifyFactor(id, key string, now time.Time, p Throttle, match func(f *Factor) (uint64, error)) (ThrottleInfo, error)
}

// verifyByFactor is Store.Verify for a match that depends on the active
// factor alone (a TOTP comparison): ErrNotEnrolled without one. A store
// that can (PostgreSQL) may call match before the attempt is counted, on
// the factor it read last, and use its answer only if the database then
// counts the attempt against that same factor; any other store runs
// Verify.
func verifyByFactor(st Store, id, key string, now time.Time, p Throttle, match func(f *Factor) (uint64, error)) (ThrottleInfo, error) {
	if fv, ok := st.(factorVerifier); ok {
		return fv.verifyFactor(id, key, now, p, match)
	}
	return st.Verify(id, key, now, p, onActive(match))
}

func onActive(match func(f *Factor) (uint64, error)) func(u *User) (uint64, error) {
	return func(u *User) (uint64, error) {
		if u.Active == nil {
			return 0, ErrNotEnrolled
		}
		return match(u.Active)
	}
}

// verifyFactor implements factorVerifier: one round trip when this
// process has read the user's factor before, else Verify (which reads it).
func (s *SQLStore) verifyFactor(id, key string, now time.Time, p Throttle, match func(f *Factor) (uint64, error)) (ThrottleInfo, error) {
	p = p.orDefault(userThrottle)
	if s.checks == nil {
		return s.Verify(id, key, now, p, onActive(match))
	}
	sealed := s.actives.get(id)
	var f *Factor
	if sealed != nil {
		f = s.opened.get(id + "\x00active\x00" + string(sealed))
	}
	if f == nil {
		return s.Verify(id, key, now, p, onActive(match))
	}
	step, matchErr := match(f)
	c := &checkReq{id: id, key: key, factorID: f.ID, sealed: sealed, step: -1, now: now.UnixMilli(),
		forget: p.Forget.Milliseconds(), maxF: p.MaxFailures}
	if matchErr == nil {
		c.step = int64(step)
	}
	clear(f.Secret)
	s.checks.do(c)
	if c.err != nil || c.outcome == "" {
		return s.Verify(id, key, now, p, onActive(match))
	}
	info := c.info.info()
	switch c.outcome {
	case "locked":
		return info, &LockoutError{Until: info.LockedUntil}
	case "spent":
		matchErr = nil
	case "replay":
		matchErr = ErrReplay
	}
	s.sweep(now, p)
	return info, matchErr
}

// checkBatch runs checkBatchSQL for a batch, in user order. Keys whose
// byte order is not the users' (a caller's own key scheme) would lock
// counters out of order, so such a batch runs one check at a time.
func (s *SQLStore) checkBatch(reqs []*checkReq) {
	slices.SortFunc(reqs, func(a, b *checkReq) int { return cmp.Compare(a.id, b.id) })
	if len(reqs) > 1 && !slices.IsSortedFunc(reqs, func(a, b *checkReq) int { return cmp.Compare(a.key, b.key) }) {
		for _, r := range reqs {
			s.checkBatch([]*checkReq{r})
		}
		return
	}
	n := len(reqs)
	ids, sealed, factors, steps, keys := make([]string, n), make([][]byte, n), make([]string, n), make([]int64, n), make([]string, n)
	nows, maxF, forget := make([]int64, n), make([]int32, n), make([]int64, n)
	byID := make(map[string]*checkReq, n)
	for i, r := range reqs {
		ids[i], sealed[i], factors[i], steps[i], keys[i] = r.id, r.sealed, r.factorID, r.step, r.key
		nows[i], maxF[i], forget[i] = r.now, int32(r.maxF), r.forget
		byID[r.id] = r
	}
	fail := func(err error) {
		s.retried.Add(int64(n))
		for _, r := range reqs {
			r.outcome, r.err = "", err
		}
	}
	rows, err := s.stmts["checkBatch"].Query(ids, sealed, factors, steps, keys, nows, maxF, forget)
	if err != nil {
		fail(err)
		return
	}
	defer rows.Close()
	for rows.Next() {
		var id, outcome string
		var st throttleState
		if err := rows.Scan(&id, &outcome, &st.Failures, &st.Lockouts, &st.LockedUntil); err != nil {
			fail(err)
			return
		}
		if r := byID[id]; r != nil {
			r.outcome, r.info = outcome, st
		}
	}
	if err := rows.Err(); err != nil {
		fail(err)
	}
}

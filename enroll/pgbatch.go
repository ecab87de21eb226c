package enroll

import (
	"cmp"
	"database/sql"
	"slices"
	"time"
)

// PostgreSQL decides concurrent code checks in batches (batcher): the
// attempts of every check waiting are counted, and their users read, by
// one statement (countBatchSQL), and the accepted codes are spent by
// another (spendBatchSQL), one durable commit for all of them. Per row each
// statement is exactly the single check's (quickAttemptAndGetSQL,
// spendAndClear), so a check in a batch behaves as it would alone; what a
// batch cannot decide for a row (no counter yet, locked, about to lock,
// stale, or the batch failed) that check decides alone, as before.
const (
	// Rows per batch: large enough that 16–64 concurrent checks share a
	// statement, small enough that one statement stays short.
	batchMax = 64
	// Batches in the database at once per statement, in one process.
	// One: the checks arriving meanwhile all wait for the next batch. With
	// two, every other batch was a check alone that found the second
	// flusher free, and a check cost 25–35% more processor time (client
	// and server, BenchmarkVerifyCode with 16 workers, measured in turns).
	batchFlushes = 1
)

// countBatchSQL is quickAttemptAndGetSQL for many keys: $1 keys (distinct,
// in byte order), $2 now (ms), $3 max failures, $4 forget (ms), $5 user
// IDs, one element per check. A check's key comes back if its attempt was
// counted; one that does not come back changed nothing.
const countBatchSQL = `SELECT * FROM nidan_enroll_count_batch($1, $2, $3, $4, $5)`

// spendBatchSQL is spendAndClear for many users: $1 user IDs (distinct, in
// byte order), $2 factor IDs, $3 steps, $4 counter keys (distinct), $5 now
// (ms). The IDs of the users whose step was spent come back.
const spendBatchSQL = `SELECT * FROM nidan_enroll_spend_batch($1, $2, $3, $4, $5)`

// countBatchFunc and spendBatchFunc (schema version 3) run a batch as a
// loop of the single check's statements, one row each, found by its
// primary key. As one statement with unnest, PostgreSQL planned a join
// that read every row of both tables for each batch once they held a
// thousand or so (a generic plan expects a hundred rows from unnest: a
// hash join over sequential scans is cheaper for that, but the batches
// hold a few), so a check cost more the more users the panel had. The
// loop also fixes the order rows are locked in: the arrays' order, users
// by ID before counters by key, both in byte order (Go's sort, COLLATE
// "C"), and a single check takes one user before its counter. Two
// instances' batches over the same rows therefore never wait for each
// other in a circle (as an UPDATE … FROM, which locks rows in whatever
// order its plan meets them, did until it locked them first: a deadlock
// PostgreSQL ends after a second; TestPostgresBatchesTwoInstances).
// Each row is still decided by the same conditional UPDATE a check alone
// runs (quickAttemptAndGetSQL, spendAndClear).
const (
	countBatchFunc = `CREATE FUNCTION nidan_enroll_count_batch(p_keys TEXT[], p_nows BIGINT[], p_max INTEGER[],
	p_forget BIGINT[], p_users TEXT[])
RETURNS TABLE (o_key TEXT, o_failures INTEGER, o_lockouts INTEGER, o_locked_until BIGINT, o_id TEXT, o_active BYTEA,
	o_active_id TEXT, o_last_step BIGINT, o_recovery TEXT, o_created BIGINT, o_modified BIGINT)
LANGUAGE plpgsql AS $f$
BEGIN
	FOR i IN 1 .. coalesce(array_length(p_keys, 1), 0) LOOP
		UPDATE nidan_enroll_throttle AS t SET failures = t.failures + 1, updated = p_nows[i]
			WHERE t.key = p_keys[i] AND t.locked_until <= p_nows[i] AND t.failures + 1 < p_max[i]
				AND NOT (t.updated > 0 AND p_nows[i] > t.updated + p_forget[i])
			RETURNING t.key, t.failures, t.lockouts, t.locked_until INTO o_key, o_failures, o_lockouts, o_locked_until;
		IF FOUND THEN
			SELECT u.id, u.active, u.active_id, u.last_step, u.recovery, u.created, u.modified
				INTO o_id, o_active, o_active_id, o_last_step, o_recovery, o_created, o_modified
				FROM nidan_enroll_users AS u WHERE u.id = p_users[i];
			RETURN NEXT;
		END IF;
	END LOOP;
END
$f$`
	spendBatchFunc = `CREATE FUNCTION nidan_enroll_spend_batch(p_users TEXT[], p_factors TEXT[], p_steps BIGINT[],
	p_keys TEXT[], p_nows BIGINT[])
RETURNS TABLE (o_id TEXT)
LANGUAGE plpgsql AS $f$
DECLARE
	spent INTEGER[] := '{}';
	i INTEGER;
BEGIN
	FOR i IN 1 .. coalesce(array_length(p_users, 1), 0) LOOP
		UPDATE nidan_enroll_users AS u SET last_step = p_steps[i]
			WHERE u.id = p_users[i] AND u.active IS NOT NULL AND u.active_id = p_factors[i]
				AND (u.last_step IS NULL OR u.last_step < p_steps[i]);
		IF FOUND THEN
			spent := spent || i;
		END IF;
	END LOOP;
	FOR i IN SELECT s FROM unnest(spent) AS s ORDER BY p_keys[s] COLLATE "C" LOOP
		UPDATE nidan_enroll_throttle AS t SET failures = 0, lockouts = 0, locked_until = 0, updated = p_nows[i]
			WHERE t.key = p_keys[i];
		o_id := p_users[i];
		RETURN NEXT;
	END LOOP;
END
$f$`
)

// codeRow is what a check reads: the counter after the attempt and the
// user's codeColumns, every one NULL when there is none.
type codeRow struct {
	failures, lockouts, lockedUntil, last, created, modified sql.NullInt64
	uid, activeID, recov                                     sql.NullString
	active                                                   []byte
}

func (r *codeRow) dest() []any {
	return []any{&r.failures, &r.lockouts, &r.lockedUntil, &r.uid, &r.active, &r.activeID, &r.last, &r.recov, &r.created, &r.modified}
}

func (r *codeRow) info() ThrottleInfo {
	return throttleState{Failures: int(r.failures.Int64), Lockouts: int(r.lockouts.Int64), LockedUntil: r.lockedUntil.Int64}.info()
}

func (s *SQLStore) user(r *codeRow) (User, error) {
	return s.scanCodeUser(r.uid, r.active, r.activeID, r.recov, r.last, r.created, r.modified)
}

// matchRow opens the user a check read and asks match which step the code
// is; a step without an active factor to spend it on is a bad code.
func (s *SQLStore) matchRow(r *codeRow, match func(u *User) (uint64, error)) (User, uint64, error) {
	u, err := s.user(r)
	if err != nil {
		return u, 0, err
	}
	step, err := match(&u)
	if err == nil && u.Active == nil {
		err = ErrBadCode
	}
	return u, step, err
}

// countReq is one check's attempt in a countBatchSQL batch.
type countReq struct {
	id, key string
	now     int64
	maxF    int
	forget  int64
	counted bool // the batch counted the attempt; row holds what it read
	row     codeRow
	err     error // the batch failed: nothing was counted
}

// spendReq is one accepted code in a spendBatchSQL batch.
type spendReq struct {
	id, factorID, key string
	step, now         int64
	spent             bool
	err               error // the batch failed: nothing was spent
}

// batchKeys keep a user ID and a counter key apart in a batcher's busy set.
func batchKeys(id, key string) []string { return []string{"u\x00" + id, "k\x00" + key} }

func (s *SQLStore) startBatchers() {
	s.counts = newBatcher(batchMax, batchFlushes, func(r *countReq) []string { return batchKeys(r.id, r.key) }, s.countBatch)
	s.spends = newBatcher(batchMax, batchFlushes, func(r *spendReq) []string { return batchKeys(r.id, r.key) }, s.spendBatch)
	s.checks = newBatcher(batchMax, batchFlushes, func(r *checkReq) []string { return batchKeys(r.id, r.key) }, s.checkBatch)
}

// countBatch runs countBatchSQL for a batch. The rows go in key order, so
// that batches of several panel instances lock counters in one order.
func (s *SQLStore) countBatch(reqs []*countReq) {
	slices.SortFunc(reqs, func(a, b *countReq) int { return cmp.Compare(a.key, b.key) })
	keys, nows, maxF, forget, ids := make([]string, len(reqs)), make([]int64, len(reqs)), make([]int32, len(reqs)), make([]int64, len(reqs)), make([]string, len(reqs))
	byKey := make(map[string]*countReq, len(reqs))
	for i, r := range reqs {
		keys[i], nows[i], maxF[i], forget[i], ids[i] = r.key, r.now, int32(r.maxF), r.forget, r.id
		byKey[r.key] = r
	}
	fail := func(err error) {
		s.retried.Add(int64(len(reqs)))
		for _, r := range reqs {
			r.counted, r.row, r.err = false, codeRow{}, err
		}
	}
	if len(reqs) == 1 {
		// Alone: the single check's statement, which PostgreSQL runs
		// faster than the unnest join.
		r := reqs[0]
		err := s.stmts["quickAttemptAndGet"].QueryRow(r.key, r.now, r.maxF, r.forget, r.id).Scan(r.row.dest()...)
		if err != nil {
			fail(err)
		}
		r.counted = r.row.failures.Valid
		return
	}
	rows, err := s.stmts["countBatch"].Query(keys, nows, maxF, forget, ids)
	if err != nil {
		fail(err)
		return
	}
	defer rows.Close()
	for rows.Next() {
		var key string
		var row codeRow
		if err := rows.Scan(append([]any{&key}, row.dest()...)...); err != nil {
			fail(err)
			return
		}
		if r := byKey[key]; r != nil {
			r.counted, r.row = true, row
		}
	}
	if err := rows.Err(); err != nil {
		fail(err)
	}
}

// spendBatch runs spendBatchSQL for a batch, in user order.
func (s *SQLStore) spendBatch(reqs []*spendReq) {
	slices.SortFunc(reqs, func(a, b *spendReq) int { return cmp.Compare(a.id, b.id) })
	ids, factors, steps, keys, nows := make([]string, len(reqs)), make([]string, len(reqs)), make([]int64, len(reqs)), make([]string, len(reqs)), make([]int64, len(reqs))
	byID := make(map[string]*spendReq, len(reqs))
	for i, r := range reqs {
		ids[i], factors[i], steps[i], keys[i], nows[i] = r.id, r.factorID, r.step, r.key, r.now
		byID[r.id] = r
	}
	fail := func(err error) {
		s.retried.Add(int64(len(reqs)))
		for _, r := range reqs {
			r.spent, r.err = false, err
		}
	}
	if len(reqs) == 1 {
		r := reqs[0]
		var n int64
		if err := s.stmts["spendAndClear"].QueryRow(r.id, r.factorID, r.step, r.key, r.now).Scan(&n); err != nil {
			fail(err)
		}
		r.spent = n == 1
		return
	}
	rows, err := s.stmts["spendBatch"].Query(ids, factors, steps, keys, nows)
	if err != nil {
		fail(err)
		return
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			fail(err)
			return
		}
		if r := byID[id]; r != nil {
			r.spent = true
		}
	}
	if err := rows.Err(); err != nil {
		fail(err)
	}
}

// verifyBatched is Verify through the batches. A check the count batch
// did not count (a new, locked, stale or about-to-lock counter, or a failed
// batch) is counted alone by the full upsert; a spend whose batch failed is
// retried alone, so one check's trouble is never another's.
func (s *SQLStore) verifyBatched(id, key string, now time.Time, p Throttle, match func(u *User) (uint64, error)) (ThrottleInfo, error) {
	ms := now.UnixMilli()
	c := &countReq{id: id, key: key, now: ms, maxF: p.MaxFailures, forget: p.Forget.Milliseconds()}
	s.counts.do(c)
	if !c.counted {
		return s.verifyAlone(id, key, now, p, match)
	}
	s.sweep(now, p)
	info := c.row.info()
	u, step, err := s.matchRow(&c.row, match)
	if err != nil {
		return info, err
	}
	sp := &spendReq{id: id, factorID: u.Active.ID, key: key, step: int64(step), now: ms}
	s.spends.do(sp)
	switch {
	case sp.err != nil:
		return info, s.spendAt(id, u.Active.ID, step, key, now)
	case sp.spent:
		return info, nil
	}
	return info, spendRefused(s.stmts["spent"].QueryRow(id), u.Active.ID)
}

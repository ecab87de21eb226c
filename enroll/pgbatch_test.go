package enroll

import (
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestPostgresBatches checks code checks decided in batches on a real
// PostgreSQL: many users at once, each checked several times at once with
// one code (one accepted per user, the others replays), wrong codes and a
// locked user among them, and checks the database refuses (a NUL byte in
// the counter key fails a whole batch's statement) that must not fail the
// others in their batch.
func TestPostgresBatches(t *testing.T) {
	st := must[*SQLStore](t)(OpenPostgres(postgresServer(t).CreateDB(t), testKey(1))).(*SQLStore)
	batchRounds(t, st, func(id string) (string, string) { return id, "user:\x00" + id })
	if n := st.spends.largest.Load(); n < 2 {
		t.Errorf("largest spend batch %d: concurrent spends never shared a statement", n)
	}

	// A refused key in the same batch as good checks, for certain: hold
	// u01's counter locked so that u01's check holds the one flusher,
	// queue good checks and refused ones behind it, then let go.
	tx, err := st.counters.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`SELECT 1 FROM nidan_enroll_throttle WHERE key = 'user:u01' FOR UPDATE`); err != nil {
		t.Fatal(err)
	}
	p := Throttle{MaxFailures: 1000, Lockout: time.Minute, MaxLockout: time.Minute, Forget: time.Hour}
	var wg sync.WaitGroup
	check := func(id, key string, step uint64, want func(error) bool) {
		wg.Go(func() {
			if _, err := st.Verify(id, key, t0, p, func(*User) (uint64, error) { return step, nil }); !want(err) {
				t.Errorf("check of %s (key %q): %v", id, key, err)
			}
		})
	}
	ok := func(err error) bool { return err == nil }
	refusedErr := func(err error) bool { return err != nil && !errors.Is(err, ErrReplay) && !errors.Is(err, ErrBadCode) }
	check("u01", "user:u01", 500, ok)
	waitFor(t, "u01's batch waiting for the lock", func() bool {
		var n int
		st.db.QueryRow(`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&n)
		return n == 1
	})
	before := st.retried.Load()
	for i := 2; i < 10; i++ {
		check(fmt.Sprintf("u%02d", i), fmt.Sprintf("user:u%02d", i), 500, ok)
	}
	for i := 10; i < 13; i++ {
		check(fmt.Sprintf("u%02d", i), fmt.Sprintf("user:\x00u%02d", i), 500, refusedErr)
	}
	waitFor(t, "11 checks queued", func() bool {
		st.counts.mu.Lock()
		defer st.counts.mu.Unlock()
		return len(st.counts.queue) == 11
	})
	tx.Rollback()
	wg.Wait()
	if n := st.retried.Load() - before; n < 11 {
		t.Errorf("%d checks decided alone after a batch with refused keys, want the 11 of that batch", n)
	}
}

// waitFor polls cond for up to 30 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no %s after 30 s", what)
		}
	}
}

// TestSQLiteBatches is TestPostgresBatches on SQLite, where a batch is one
// transaction; the database refuses (a trigger) every spend of user "zz".
func TestSQLiteBatches(t *testing.T) {
	st := must[*SQLStore](t)(OpenSQLite(filepath.Join(t.TempDir(), "enroll.db"), testKey(1))).(*SQLStore)
	if err := st.Create(sampleUser("zz")); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().Exec(`CREATE TRIGGER refuse_zz BEFORE UPDATE ON nidan_enroll_users WHEN NEW.id = 'zz'
		BEGIN SELECT RAISE(ABORT, 'refused for the test'); END`); err != nil {
		t.Fatal(err)
	}
	batchRounds(t, st, func(string) (string, string) { return "zz", "user:zz" })
}

// batchRounds checks concurrent code checks on a store that batches them.
// refused gives the user and key of a check the database refuses, which
// runs beside every sixth user's checks.
func batchRounds(t *testing.T, st *SQLStore, refused func(id string) (string, string)) {
	const users = 24
	p := Throttle{MaxFailures: 1000, Lockout: time.Minute, MaxLockout: time.Minute, Forget: time.Hour}
	for i := range users {
		if err := st.Create(sampleUser(fmt.Sprintf("u%02d", i))); err != nil {
			t.Fatal(err)
		}
	}
	// The first batch of each kind waits until others can share the next
	// one, so that batches of several checks form for certain.
	if st.counts != nil {
		holdFirst(t, st.counts)
	} else {
		holdFirst(t, st.txChecks)
	}
	// u00 is locked from the start: its checks must never reach match.
	locked := Throttle{MaxFailures: 1, Lockout: time.Hour, MaxLockout: time.Hour, Forget: time.Hour}
	if _, err := st.Attempt("user:u00", t0, locked); err != nil {
		t.Fatal(err)
	}
	var nulChecks int64
	for round := range 6 {
		if round == 1 && st.spends != nil {
			// From now on every check's counter exists, so every check
			// goes through the spends' batches (in round 0 the first of
			// each user is decided alone, and the first spend batch could
			// be the round's last spend, with nothing left to queue).
			holdFirst(t, st.spends)
		}
		step := uint64(100 + round)
		type outcome struct {
			id  string
			err error
		}
		var (
			mu  sync.Mutex
			out []outcome
			wg  sync.WaitGroup
		)
		for i := range users {
			id := fmt.Sprintf("u%02d", i)
			for try := range 3 {
				wg.Go(func() {
					match := func(u *User) (uint64, error) {
						if u.ID != id {
							t.Errorf("check of %s matched %s", id, u.ID)
						}
						if id == "u00" {
							t.Errorf("locked %s reached match", id)
						}
						if i%5 == 1 && try == 0 {
							return 0, ErrBadCode // a wrong code beside the right ones
						}
						return step, nil
					}
					_, err := st.Verify(id, "user:"+id, t0, p, match)
					mu.Lock()
					out = append(out, outcome{id, err})
					mu.Unlock()
				})
			}
			if i%6 == 2 {
				nulChecks++
				rid, rkey := refused(id)
				wg.Go(func() {
					_, err := st.Verify(rid, rkey, t0, p, func(*User) (uint64, error) { return step + 1000, nil })
					if err == nil || errors.Is(err, ErrReplay) || errors.Is(err, ErrBadCode) {
						t.Errorf("a key PostgreSQL refuses: %v, want the database's error", err)
					}
				})
			}
		}
		wg.Wait()
		accepted, replays := map[string]int{}, map[string]int{}
		for _, o := range out {
			switch {
			case o.err == nil:
				accepted[o.id]++
			case errors.Is(o.err, ErrReplay):
				replays[o.id]++
			case errors.Is(o.err, ErrBadCode) && o.id[1:] != "00":
			case errors.Is(o.err, ErrLockedOut) && o.id == "u00":
			default:
				t.Errorf("round %d, %s: %v", round, o.id, o.err)
			}
		}
		for i := 1; i < users; i++ {
			id := fmt.Sprintf("u%02d", i)
			wantReplays := 2
			if i%5 == 1 {
				wantReplays = 1
			}
			if accepted[id] != 1 || replays[id] != wantReplays {
				t.Errorf("round %d, %s: %d accepted, %d replays; want 1 and %d", round, id, accepted[id], replays[id], wantReplays)
			}
			if u, err := st.Get(id); err != nil || u.LastStep != step {
				t.Errorf("round %d, %s: last step %d (%v), want %d", round, id, u.LastStep, err, step)
			}
		}
		if accepted["u00"] != 0 {
			t.Errorf("locked u00 accepted")
		}
	}
	if got, _ := st.Get("u00"); got.LastStep != 42 {
		t.Errorf("locked user's last step moved to %d", got.LastStep)
	}
	largest := st.txChecks
	if st.counts != nil {
		largest = nil
		if n := st.counts.largest.Load(); n < 2 {
			t.Errorf("largest count batch %d: concurrent checks never shared a statement", n)
		}
	}
	if largest != nil && largest.largest.Load() < 2 {
		t.Errorf("largest batch %d: concurrent checks never shared a transaction", largest.largest.Load())
	}
	// The refused keys failed their batches; the good checks in them were
	// decided again alone and accepted above.
	if st.counts == nil && st.retried.Load() == 0 {
		// SQLite's batches are one transaction for everything waiting: of
		// the refused user's checks, some have company.
		t.Errorf("none of %d refused checks shared a batch with good checks", nulChecks)
	}
}

// TestBatchClose checks that checks waiting in a batch when the store
// closes come back with an error instead of hanging.
func TestBatchClose(t *testing.T) {
	for _, k := range storeKinds[1:] {
		t.Run(k.name, func(t *testing.T) {
			st, _ := k.open(t)
			batchClose(t, st)
		})
	}
}

func batchClose(t *testing.T, st Store) {
	p := Throttle{MaxFailures: 1000, Lockout: time.Minute, MaxLockout: time.Minute, Forget: time.Hour}
	for i := range 32 {
		if err := st.Create(sampleUser(fmt.Sprintf("u%02d", i))); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	var ok, failed atomic.Int64
	started := make(chan struct{})
	var once sync.Once
	// Every worker checks until a check fails, which after Close every
	// one must; Close comes once checks are flowing.
	for i := range 32 {
		wg.Go(func() {
			id := fmt.Sprintf("u%02d", i)
			for n := 0; ; n++ {
				_, err := st.Verify(id, "user:"+id, t0, p, func(*User) (uint64, error) { return uint64(100 + n), nil })
				if err != nil {
					failed.Add(1)
					return
				}
				if ok.Add(1) >= 64 {
					once.Do(func() { close(started) })
				}
			}
		})
	}
	<-started
	st.Close()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("checks still waiting 30 s after Close")
	}
	if failed.Load() != 32 {
		t.Errorf("%d of 32 workers saw a check fail after Close (%d accepted)", failed.Load(), ok.Load())
	}
}

// TestPostgresBatchesTwoInstances checks two stores on one database (two
// panel instances) checking the same users at once: one code accepted
// once per user across both, and no batch failed (batches of the two lock
// rows in one order, so they never deadlock each other).
func TestPostgresBatchesTwoInstances(t *testing.T) {
	url := postgresServer(t).CreateDB(t)
	a := must[*SQLStore](t)(OpenPostgres(url, testKey(1))).(*SQLStore)
	b := must[*SQLStore](t)(OpenPostgres(url, testKey(1))).(*SQLStore)
	const users = 16
	p := Throttle{MaxFailures: 1000, Lockout: time.Minute, MaxLockout: time.Minute, Forget: time.Hour}
	for i := range users {
		if err := a.Create(sampleUser(fmt.Sprintf("u%02d", i))); err != nil {
			t.Fatal(err)
		}
	}
	for round := range 8 {
		var accepted [users]atomic.Int64
		var wg sync.WaitGroup
		for i := range users {
			id := fmt.Sprintf("u%02d", i)
			for _, st := range []*SQLStore{a, b, a, b} {
				wg.Go(func() {
					_, err := st.Verify(id, "user:"+id, t0, p, func(*User) (uint64, error) { return uint64(100 + round), nil })
					switch {
					case err == nil:
						accepted[i].Add(1)
					case !errors.Is(err, ErrReplay):
						t.Errorf("round %d, %s: %v", round, id, err)
					}
				})
			}
		}
		wg.Wait()
		for i := range users {
			if n := accepted[i].Load(); n != 1 {
				t.Errorf("round %d, u%02d: one code accepted %d times across two instances", round, i, n)
			}
		}
	}
	if n := a.retried.Load() + b.retried.Load(); n != 0 {
		t.Errorf("%d checks decided alone after their batch failed (a deadlock?)", n)
	}
}

// TestPostgresBatchFunctionsMigrated checks that a schema 2 database (from
// before the batch functions) and a schema 3 one (before the one-step
// check) gain the functions they lack at their next open, and that checks
// then run through them.
func TestPostgresBatchFunctionsMigrated(t *testing.T) {
	for _, from := range []int{2, 3} {
		t.Run(fmt.Sprintf("from%d", from), func(t *testing.T) {
			url := postgresServer(t).CreateDB(t)
			st, err := OpenPostgres(url, testKey(1))
			if err != nil {
				t.Fatal(err)
			}
			undo := []string{`DROP FUNCTION nidan_enroll_check_batch`, `DELETE FROM nidan_enroll_schema WHERE version = 4`}
			if from == 2 {
				undo = append(undo, `DROP FUNCTION nidan_enroll_count_batch`, `DROP FUNCTION nidan_enroll_spend_batch`,
					`DELETE FROM nidan_enroll_schema WHERE version = 3`)
			}
			for _, q := range undo {
				if _, err := st.DB().Exec(q); err != nil {
					t.Fatal(err)
				}
			}
			st.Close()
			st = must[*SQLStore](t)(OpenPostgres(url, testKey(1))).(*SQLStore)
			var v int
			if err := st.DB().QueryRow(`SELECT MAX(version) FROM nidan_enroll_schema`).Scan(&v); err != nil || v != 4 || v != SchemaVersion() {
				t.Errorf("schema version after migration %d, %v; want 4", v, err)
			}
			batchRounds(t, st, func(id string) (string, string) { return id, "user:\x00" + id })
			oneStepRounds(t, []*SQLStore{st}, userKey)
		})
	}
}

// TestPostgresBatchesFindRowsByKey checks that a batch reads only its own
// rows, by key, on tables of a few thousand rows that were never analyzed
// (a new panel's): a batch adds no sequential scan of the users or the
// counters, which the unnest join before schema version 3 made for every
// batch. (The first call in a session makes one of each, once.)
func TestPostgresBatchesFindRowsByKey(t *testing.T) {
	st := must[*SQLStore](t)(OpenPostgres(postgresServer(t).CreateDB(t), testKey(1))).(*SQLStore)
	const rows = 3000
	for _, q := range []string{
		fmt.Sprintf(`INSERT INTO nidan_enroll_users (id, password_hash, active, active_id, last_step, created, modified)
			SELECT 'u' || lpad(g::text, 5, '0'), '', '\x00', 'f', 1, 0, 0 FROM generate_series(1, %d) AS g`, rows),
		fmt.Sprintf(`INSERT INTO nidan_enroll_throttle (key, failures, lockouts, locked_until, updated)
			SELECT 'user:u' || lpad(g::text, 5, '0'), 0, 0, 0, 1 FROM generate_series(1, %d) AS g`, rows),
	} {
		if _, err := st.DB().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	tx, err := st.DB().Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	// batch runs a count batch and a spend batch of 8 users, one in 300.
	batch := func(first int) {
		var ids, keys, factors []string
		var nows, forget, steps []int64
		var maxF []int32
		for i := range 8 {
			id := fmt.Sprintf("u%05d", first+i*300)
			ids, keys, factors = append(ids, id), append(keys, "user:"+id), append(factors, "f")
			nows, forget, steps, maxF = append(nows, 5), append(forget, 1<<40), append(steps, 2), append(maxF, 1000)
		}
		for _, q := range []string{countBatchSQL, spendBatchSQL} {
			args := []any{keys, nows, maxF, forget, ids}
			if q == spendBatchSQL {
				args = []any{ids, factors, steps, keys, nows}
			}
			r, err := tx.Query(q, args...)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for r.Next() {
				n++
			}
			if err := r.Err(); err != nil {
				t.Fatal(err)
			}
			r.Close()
			if n != 8 {
				t.Fatalf("%.40s: %d rows back for a batch of 8", q, n)
			}
		}
	}
	scans := func() (seq, idx map[string]int64) {
		seq, idx = map[string]int64{}, map[string]int64{}
		r, err := tx.Query(`SELECT relname, seq_scan, COALESCE(idx_scan, 0) FROM pg_stat_xact_user_tables
			WHERE relname IN ('nidan_enroll_users', 'nidan_enroll_throttle')`)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		for r.Next() {
			var name string
			var s, i int64
			if err := r.Scan(&name, &s, &i); err != nil {
				t.Fatal(err)
			}
			seq[name], idx[name] = s, i
		}
		return seq, idx
	}
	batch(1)
	seq0, idx0 := scans()
	batch(2)
	seq1, idx1 := scans()
	for _, name := range []string{"nidan_enroll_users", "nidan_enroll_throttle"} {
		if s, i := seq1[name]-seq0[name], idx1[name]-idx0[name]; s != 0 || i < 16 {
			t.Errorf("%s: %d sequential scans and %d index scans for a count and a spend batch of 8 on %d rows; want none and at least 16", name, s, i, rows)
		}
	}
}

package enroll

import (
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestPostgresOneStepChecks checks codes compared first and decided in
// one statement (checkBatchSQL) on a real PostgreSQL, one instance and
// two on one database: per user and round one code tried three times at
// once (one accepted, two replays), a wrong code beside it, a locked user
// whose right codes are all refused; batches of several checks form, none
// fails (no deadlock between the instances), and after the first round
// every check goes the one-step way.
func TestPostgresOneStepChecks(t *testing.T) {
	// stores opens n panel instances on a database of their own (t is
	// the subtest's: without PostgreSQL it is skipped).
	stores := func(t *testing.T, n int) []*SQLStore {
		url := postgresServer(t).CreateDB(t)
		sts := make([]*SQLStore, n)
		for i := range sts {
			sts[i] = must[*SQLStore](t)(OpenPostgres(url, testKey(1))).(*SQLStore)
		}
		return sts
	}
	t.Run("one", func(t *testing.T) { oneStepRounds(t, stores(t, 1), userKey) })
	t.Run("two", func(t *testing.T) { oneStepRounds(t, stores(t, 2), userKey) })
	// A caller's own counter keys, in the reverse of its users' order: a
	// batch cannot lock them in user order, so it decides its checks one
	// at a time (checkBatch), with the same outcomes.
	t.Run("keys out of user order", func(t *testing.T) {
		oneStepRounds(t, stores(t, 2), func(id string) string {
			n, err := strconv.Atoi(id[1:]) // o00 … o15
			if err != nil {
				t.Error(err) // (called on the checks' goroutines too)
			}
			return fmt.Sprintf("key:%02d", 99-n)
		})
	})
}

// oneStepRounds runs rounds of concurrent checks through verifyByFactor
// on stores sharing one database, whose users it creates (o00 … o15),
// with key giving each user's counter key.
func oneStepRounds(t *testing.T, sts []*SQLStore, key func(id string) string) {
	const users = 16
	p := Throttle{MaxFailures: 1000, Lockout: time.Minute, MaxLockout: time.Minute, Forget: time.Hour}
	for i := range users {
		if err := sts[0].Create(sampleUser(fmt.Sprintf("o%02d", i))); err != nil {
			t.Fatal(err)
		}
	}
	secret := sampleUser("").Active.Secret
	retried := make([]int64, len(sts))
	for i, st := range sts {
		retried[i] = st.retried.Load()
	}
	for round := range 5 {
		if round == 1 {
			// o00 is locked from round 1 on: its right codes are refused.
			locked := Throttle{MaxFailures: 1, Lockout: time.Hour, MaxLockout: time.Hour, Forget: time.Hour}
			if _, err := sts[0].Attempt(key("o00"), t0, locked); err != nil {
				t.Fatal(err)
			}
			for _, st := range sts {
				holdFirst(t, st.checks)
			}
		}
		before := make([]batchCount, len(sts))
		for i, st := range sts {
			before[i] = countOf(st.counts)
		}
		step := uint64(100 + round)
		var accepted, replays, refused, lockouts [users]atomic.Int64
		var wg sync.WaitGroup
		for i := range users {
			id := fmt.Sprintf("o%02d", i)
			for try := range 4 {
				st := sts[try%len(sts)]
				wg.Go(func() {
					_, err := verifyByFactor(st, id, key(id), t0, p, func(f *Factor) (uint64, error) {
						if f.ID != "f1" || string(f.Secret) != string(secret) {
							t.Errorf("check of %s compared with factor %+v", id, f)
						}
						if try == 3 {
							return 0, ErrBadCode
						}
						return step, nil
					})
					switch {
					case err == nil:
						accepted[i].Add(1)
					case errors.Is(err, ErrReplay):
						replays[i].Add(1)
					case errors.Is(err, ErrBadCode):
						refused[i].Add(1)
					case errors.Is(err, ErrLockedOut):
						lockouts[i].Add(1)
					default:
						t.Errorf("round %d, %s: %v", round, id, err)
					}
				})
			}
		}
		wg.Wait()
		for i := range users {
			want := [4]int64{1, 2, 1, 0}
			if i == 0 && round > 0 {
				want = [4]int64{0, 0, 0, 4}
			}
			if got := [4]int64{accepted[i].Load(), replays[i].Load(), refused[i].Load(), lockouts[i].Load()}; got != want {
				t.Errorf("round %d, o%02d: accepted, replays, refused, locked out %v; want %v", round, i, got, want)
			}
		}
		if round > 0 {
			for i, st := range sts {
				if n := countOf(st.counts).items - before[i].items; n != 0 {
					t.Errorf("round %d: %d checks went the two-step way, want none once the factors are read", round, n)
				}
			}
		}
	}
	if got, _ := sts[0].Get("o00"); got.LastStep != 100 {
		t.Errorf("locked o00's last step moved to %d, want 100", got.LastStep)
	}
	for i, st := range sts {
		if n := st.checks.largest.Load(); n < 2 {
			t.Errorf("largest one-step batch %d: concurrent checks never shared a statement", n)
		}
		if n := st.retried.Load() - retried[i]; n != 0 {
			t.Errorf("%d checks decided alone after their batch failed (a deadlock?)", n)
		}
	}
}

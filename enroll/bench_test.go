package enroll

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// verifyWorkers are the concurrency levels BenchmarkVerifyCode measures:
// one check at a time (the latency of one check), and 16 at once, as a
// panel's request handlers check the codes of many people signing in.
var verifyWorkers = []int{1, 16}

// BenchmarkVerifyCode measures code-only verification (VerifyCode: count
// the attempt, read the user, check the code, spend it and clear the count;
// no password hash) on each store, serially and from 16 goroutines. Each
// worker has its own user and its own clock, a step further per check, so
// every check is a good, unused code and goes all the way to the atomic
// spend. The figure is checks/s; the issue asks for more than 5 000 on
// SQLite and PostgreSQL with concurrent checks (`make bench-enroll`,
// docs/enroll-store.md).
func BenchmarkVerifyCode(b *testing.B) {
	for _, k := range storeKinds {
		for _, workers := range verifyWorkers {
			b.Run(fmt.Sprintf("%s/workers=%d", k.name, workers), func(b *testing.B) {
				benchVerify(b, k, workers)
			})
		}
	}
}

func benchVerify(b *testing.B, k storeKind, workers int) {
	st, _ := k.open(b)
	type worker struct {
		svc *Service
		id  string
		now time.Time
		f   Factor
	}
	ws := make([]*worker, workers)
	for i := range ws {
		w := &worker{now: start, id: fmt.Sprintf("user%02d", i)}
		w.svc = NewService(st, Options{Password: testPassword, Now: func() time.Time { return w.now }})
		if err := w.svc.AddUser(w.id, []byte("pw")); err != nil {
			b.Fatal(err)
		}
		e, err := w.svc.Begin(w.id)
		if err != nil {
			b.Fatal(err)
		}
		if err := w.svc.Confirm(w.id, codeAt(b, e.Factor, w.now)); err != nil {
			b.Fatal(err)
		}
		w.f = e.Factor
		ws[i] = w
	}
	var left atomic.Int64
	left.Store(int64(b.N))
	var wg sync.WaitGroup
	b.ResetTimer()
	for _, w := range ws {
		wg.Go(func() {
			a := w.f.OTPAccount()
			for left.Add(-1) >= 0 {
				w.now = w.now.Add(30 * time.Second)
				c, err := a.CodeAt(w.now)
				if err == nil {
					err = w.svc.VerifyCode(w.id, c.Current)
				}
				if err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "checks/s")
}

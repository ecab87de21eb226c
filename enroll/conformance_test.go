package enroll

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/nidan-auth/nidan/internal/filelock/filelocktest"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/internal/fsmode"
	"github.com/nidan-auth/nidan/internal/pgtest"
)

// One PostgreSQL server for the package's tests, started on first use and
// stopped by TestMain.
var (
	pgOnce sync.Once
	pgSrv  *pgtest.Server
	pgStop func()
	pgErr  error
)

func TestMain(m *testing.M) {
	filelocktest.HoldIfChild()
	code := m.Run()
	if pgStop != nil {
		pgStop()
	}
	os.Exit(code)
}

func postgresServer(t testing.TB) *pgtest.Server {
	t.Helper()
	pgOnce.Do(func() { pgSrv, pgStop, pgErr = pgtest.New(os.Getenv("NIDAN_PG_SETTINGS")) })
	if errors.Is(pgErr, pgtest.ErrUnsupported) {
		t.Skip(pgErr)
	}
	if pgErr != nil {
		t.Fatal(pgErr)
	}
	return pgSrv
}

// concurrently runs fn n times at once and counts the outcomes: nil, or
// the first of kinds each error matches; any other error fails the test.
func concurrently(t testing.TB, n int, fn func() error, kinds ...error) map[error]int {
	t.Helper()
	var wg sync.WaitGroup
	var mu sync.Mutex
	got := map[error]int{}
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := fn()
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				got[nil]++
				return
			}
			for _, k := range kinds {
				if errors.Is(err, k) {
					got[k]++
					return
				}
			}
			t.Error(err)
		}()
	}
	wg.Wait()
	return got
}

func testKey(b byte) []byte { return bytes.Repeat([]byte{b}, keyLen) }

// storeKinds opens a fresh, empty store of each kind; reopen opens the
// same store again (another process would see it so).
type storeKind struct {
	name string
	open func(t testing.TB) (st Store, reopen func() Store)
}

var storeKinds = []storeKind{
	{"file", func(t testing.TB) (Store, func() Store) {
		path := filepath.Join(t.TempDir(), "enroll.json")
		return must[*FileStore](t)(OpenFileStore(path)), func() Store { return must[*FileStore](t)(OpenFileStore(path)) }
	}},
	{"sqlite", func(t testing.TB) (Store, func() Store) {
		path := filepath.Join(t.TempDir(), "enroll.db")
		return must[*SQLStore](t)(OpenSQLite(path, testKey(1))), func() Store { return must[*SQLStore](t)(OpenSQLite(path, testKey(1))) }
	}},
	{"postgres", func(t testing.TB) (Store, func() Store) {
		url := postgresServer(t).CreateDB(t)
		return must[*SQLStore](t)(OpenPostgres(url, testKey(1))), func() Store { return must[*SQLStore](t)(OpenPostgres(url, testKey(1))) }
	}},
}

func must[S Store](t testing.TB) func(S, error) Store {
	return func(s S, err error) Store {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
}

// forEachStore runs fn as a subtest per store kind.
func forEachStore(t *testing.T, fn func(t *testing.T, st Store, reopen func() Store)) {
	for _, k := range storeKinds {
		t.Run(k.name, func(t *testing.T) {
			st, reopen := k.open(t)
			fn(t, st, reopen)
		})
	}
}

var t0 = time.Date(2026, 3, 1, 12, 0, 10, 123456789, time.UTC)

func sampleUser(id string) User {
	return User{ID: id, PasswordHash: "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		Active: &Factor{ID: "f1", Secret: []byte("12345678901234567890"), Issuer: "Example", Account: id,
			Algorithm: accounts.SHA1, Digits: 6, Period: 30, Created: t0},
		Pending:  &Factor{ID: "f2", Secret: []byte("abcdefghijabcdefghij"), Account: id, Algorithm: accounts.SHA256, Digits: 8, Period: 60, Created: t0},
		LastStep: 42, HasLastStep: true, Recovery: []string{"aa", "bb"}, Created: t0, Modified: t0.Add(time.Second)}
}

func TestStoreUsers(t *testing.T) {
	forEachStore(t, func(t *testing.T, st Store, reopen func() Store) {
		if ids, err := st.IDs(); err != nil || len(ids) != 0 {
			t.Fatalf("empty store IDs = %v, %v", ids, err)
		}
		if _, err := st.Get("alice"); !errors.Is(err, ErrNoSuchUser) {
			t.Errorf("Get on empty: %v", err)
		}
		alice := sampleUser("alice")
		for _, id := range []string{"carol", "alice", "bob", "日本語"} {
			u := sampleUser(id)
			if id == "bob" {
				u.Active, u.Pending, u.HasLastStep, u.LastStep, u.Recovery = nil, nil, false, 0, nil
			}
			if err := st.Create(u); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.Create(alice); !errors.Is(err, ErrUserExists) {
			t.Errorf("Create twice: %v, want ErrUserExists", err)
		}
		st = reopen()
		ids, err := st.IDs()
		if err != nil || !reflect.DeepEqual(ids, []string{"alice", "bob", "carol", "日本語"}) {
			t.Errorf("IDs = %q, %v", ids, err)
		}
		got, err := st.Get("alice")
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, alice) {
			t.Errorf("Get:\n got %+v\nwant %+v", got, alice)
		}
		bob, _ := st.Get("bob")
		if bob.Active != nil || bob.Pending != nil || bob.HasLastStep || len(bob.Recovery) != 0 {
			t.Errorf("bob = %+v", bob)
		}

		boom := errors.New("boom")
		if err := st.Update("alice", func(u *User) error { u.PasswordHash = "x"; return boom }); !errors.Is(err, boom) {
			t.Errorf("Update with failing fn: %v", err)
		}
		if u, _ := st.Get("alice"); u.PasswordHash != alice.PasswordHash {
			t.Error("a failed Update saved")
		}
		if err := st.Update("alice", func(u *User) error {
			u.Active, u.Pending = u.Pending, nil
			u.ID = "mallory" // ignored: the ID is the key
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		u, _ := st.Get("alice")
		if u.Pending != nil || u.Active == nil || u.Active.ID != "f2" || u.Active.Digits != 8 {
			t.Errorf("after Update: %+v", u)
		}
		if _, err := st.Get("mallory"); !errors.Is(err, ErrNoSuchUser) {
			t.Error("Update renamed a user")
		}
		if err := st.Update("nobody", func(*User) error { t.Error("fn called"); return nil }); !errors.Is(err, ErrNoSuchUser) {
			t.Errorf("Update(nobody): %v", err)
		}
		if err := st.Delete("carol"); err != nil {
			t.Fatal(err)
		}
		if err := st.Delete("carol"); !errors.Is(err, ErrNoSuchUser) {
			t.Errorf("Delete twice: %v", err)
		}
		if ids, _ := st.IDs(); len(ids) != 3 {
			t.Errorf("after delete: %q", ids)
		}
	})
}

func TestStoreSpend(t *testing.T) {
	forEachStore(t, func(t *testing.T, st Store, reopen func() Store) {
		u := sampleUser("alice")
		u.HasLastStep, u.LastStep = false, 0
		if err := st.Create(u); err != nil {
			t.Fatal(err)
		}
		steps := []struct {
			factor string
			step   uint64
			want   error
		}{
			{"f2", 5, ErrBadCode}, // the pending factor's ID: not the active one
			{"f1", 0, nil},        // step 0 is a step like any other
			{"f1", 0, ErrReplay},
			{"f1", 7, nil},
			{"f1", 7, ErrReplay},
			{"f1", 6, ErrReplay},
			{"f1", 8, nil},
		}
		for _, s := range steps {
			if err := st.Spend("alice", s.factor, s.step, ""); !errors.Is(err, s.want) && (err != nil || s.want != nil) {
				t.Errorf("Spend(%s, %d) = %v, want %v", s.factor, s.step, err, s.want)
			}
		}
		if err := st.Spend("nobody", "f1", 9, ""); !errors.Is(err, ErrNoSuchUser) {
			t.Errorf("Spend(nobody) = %v", err)
		}
		// A spend clears the given counter, a refused one does not.
		p := Throttle{MaxFailures: 9, Lockout: time.Minute, MaxLockout: time.Minute, Forget: time.Hour}
		for _, k := range []string{"user:alice", "user:other"} {
			if _, err := st.Attempt(k, t0, p); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.Spend("alice", "f1", 8, "user:alice"); !errors.Is(err, ErrReplay) {
			t.Fatal(err)
		}
		if info, _ := st.Throttled("user:alice"); info.Failures != 1 {
			t.Errorf("a refused spend cleared the counter: %+v", info)
		}
		if err := st.Spend("alice", "f1", 9, "user:alice"); err != nil {
			t.Fatal(err)
		}
		if info, _ := st.Throttled("user:alice"); info.Failures != 0 {
			t.Errorf("spend did not clear the counter: %+v", info)
		}
		if info, _ := st.Throttled("user:other"); info.Failures != 1 {
			t.Errorf("spend cleared another counter: %+v", info)
		}
		if got, _ := reopen().Get("alice"); !got.HasLastStep || got.LastStep != 9 {
			t.Errorf("after spends: last step %v %d", got.HasLastStep, got.LastStep)
		}
		// Many processes' worth of concurrent spends of one step: one wins.
		got := concurrently(t, 40, func() error { return st.Spend("alice", "f1", 100, "") }, ErrReplay)
		if got[nil] != 1 || got[ErrReplay] != 39 {
			t.Errorf("40 concurrent spends: %d accepted, %d replays; want 1 and 39", got[nil], got[ErrReplay])
		}
		if err := st.Update("alice", func(u *User) error { u.Active = nil; return nil }); err != nil {
			t.Fatal(err)
		}
		if err := st.Spend("alice", "f1", 200, ""); !errors.Is(err, ErrBadCode) {
			t.Errorf("Spend without a factor = %v, want ErrBadCode", err)
		}
	})
}

// TestStoreVerify checks Verify: the attempt counted whatever the
// outcome, the spend as Spend's, a locked key left unchecked, and the
// concurrent bounds.
func TestStoreVerify(t *testing.T) {
	p := Throttle{MaxFailures: 3, Lockout: time.Minute, MaxLockout: time.Minute, Forget: time.Hour}
	forEachStore(t, func(t *testing.T, st Store, reopen func() Store) {
		u := sampleUser("alice")
		u.HasLastStep, u.LastStep = false, 0
		if err := st.Create(u); err != nil {
			t.Fatal(err)
		}
		step := func(n uint64, err error) func(*User) (uint64, error) {
			return func(got *User) (uint64, error) {
				if got.ID != "alice" || got.Active == nil || got.Active.ID != "f1" || !bytes.Equal(got.Active.Secret, u.Active.Secret) ||
					got.Pending != nil || got.PasswordHash != "" || len(got.Recovery) != 2 {
					t.Errorf("match got %+v", got)
				}
				return n, err
			}
		}
		verify := func(id string, match func(*User) (uint64, error)) (ThrottleInfo, error) {
			return st.Verify(id, "user:"+id, t0, p, match)
		}
		if info, err := verify("alice", step(7, nil)); err != nil || info.Failures != 1 {
			t.Fatalf("good code: %+v, %v", info, err)
		}
		if info, _ := st.Throttled("user:alice"); info != (ThrottleInfo{}) {
			t.Errorf("accepted code left the counter: %+v", info)
		}
		if got, _ := reopen().Get("alice"); !got.HasLastStep || got.LastStep != 7 || got.Pending == nil {
			t.Errorf("after Verify: last step %v %d, pending %v", got.HasLastStep, got.LastStep, got.Pending)
		}
		if info, err := verify("alice", step(7, nil)); !errors.Is(err, ErrReplay) || info.Failures != 1 {
			t.Errorf("replay: %+v, %v", info, err)
		}
		if info, err := verify("alice", step(0, ErrBadCode)); !errors.Is(err, ErrBadCode) || info.Failures != 2 {
			t.Errorf("bad code: %+v, %v", info, err)
		}
		if got, _ := reopen().Throttled("user:alice"); got.Failures != 2 {
			t.Errorf("refused codes not counted durably: %+v", got)
		}
		// The third failure locks; then match is not even called.
		if info, err := verify("alice", step(0, ErrBadCode)); !errors.Is(err, ErrBadCode) || !info.LockedUntil.After(t0) {
			t.Errorf("locking attempt: %+v, %v", info, err)
		}
		var le *LockoutError
		if _, err := verify("alice", func(*User) (uint64, error) { t.Error("match called while locked"); return 8, nil }); !errors.As(err, &le) ||
			!le.Until.Equal(t0.Add(time.Minute).Truncate(time.Millisecond)) {
			t.Errorf("locked: %v", err)
		}
		if got, _ := st.Get("alice"); got.LastStep != 7 {
			t.Errorf("a locked Verify spent a step: %d", got.LastStep)
		}
		// Unknown users are counted like real ones.
		if info, err := verify("nobody", func(*User) (uint64, error) { t.Error("match called for nobody"); return 1, nil }); !errors.Is(err, ErrNoSuchUser) || info.Failures != 1 {
			t.Errorf("unknown user: %+v, %v", info, err)
		}
		// A factor without a step to spend, then a user without a factor.
		if err := st.Update("alice", func(u *User) error { u.Active = nil; return nil }); err != nil {
			t.Fatal(err)
		}
		if err := st.Clear("user:alice"); err != nil {
			t.Fatal(err)
		}
		if _, err := verify("alice", func(got *User) (uint64, error) {
			if got.Active != nil {
				t.Error("removed factor seen")
			}
			return 0, ErrNotEnrolled
		}); !errors.Is(err, ErrNotEnrolled) {
			t.Errorf("no factor: %v", err)
		}
		if _, err := verify("alice", func(*User) (uint64, error) { return 9, nil }); !errors.Is(err, ErrBadCode) {
			t.Errorf("a step without a factor: %v, want ErrBadCode", err)
		}
		if err := st.Update("alice", func(u *User) error { u.Active = sampleUser("alice").Active; return nil }); err != nil {
			t.Fatal(err)
		}
		// Many concurrent checks of one good code: one accepted.
		lax := Throttle{MaxFailures: 1000, Lockout: time.Minute, MaxLockout: time.Minute, Forget: time.Hour}
		got := concurrently(t, 40, func() error {
			_, err := st.Verify("alice", "user:alice", t0, lax, func(*User) (uint64, error) { return 100, nil })
			return err
		}, ErrReplay)
		if got[nil] != 1 || got[ErrReplay] != 39 {
			t.Errorf("40 concurrent checks of one code: %d accepted, %d replays; want 1 and 39", got[nil], got[ErrReplay])
		}
		// Many concurrent wrong guesses: only MaxFailures reach match.
		if err := st.Clear("user:alice"); err != nil {
			t.Fatal(err)
		}
		var checked atomic.Int64
		got = concurrently(t, 30, func() error {
			_, err := st.Verify("alice", "user:alice", t0, p, func(*User) (uint64, error) { checked.Add(1); return 0, ErrBadCode })
			return err
		}, ErrBadCode, ErrLockedOut)
		if checked.Load() != int64(p.MaxFailures) || got[ErrBadCode] != p.MaxFailures || got[ErrLockedOut] != 30-p.MaxFailures {
			t.Errorf("30 concurrent guesses: %d checked, outcomes %v; want %d checked", checked.Load(), got, p.MaxFailures)
		}
		// A failure long after the last one (past Forget) counts as the first.
		if err := st.Clear("user:alice"); err != nil {
			t.Fatal(err)
		}
		bad := func(*User) (uint64, error) { return 0, ErrBadCode }
		if info, _ := st.Verify("alice", "user:alice", t0, p, bad); info.Failures != 1 {
			t.Errorf("first failure: %+v", info)
		}
		if info, _ := st.Verify("alice", "user:alice", t0.Add(p.Forget+time.Second), p, bad); info.Failures != 1 {
			t.Errorf("a failure after Forget: %+v, want 1 failure", info)
		}
	})
}

func TestStoreAttempt(t *testing.T) {
	p := Throttle{MaxFailures: 3, Lockout: time.Minute, MaxLockout: 4 * time.Minute, Forget: time.Hour}
	forEachStore(t, func(t *testing.T, st Store, reopen func() Store) {
		now := t0
		attempt := func(want error) ThrottleInfo {
			t.Helper()
			info, err := st.Attempt("user:alice", now, p)
			if want == nil && err != nil || want != nil && !errors.Is(err, want) {
				t.Fatalf("Attempt at +%s: %v, want %v", now.Sub(t0), err, want)
			}
			return info
		}
		if info, err := st.Throttled("user:alice"); err != nil || info != (ThrottleInfo{}) {
			t.Fatalf("unknown key: %+v, %v", info, err)
		}
		// 3 attempts pass, the third locks for 1m, then 2m, 4m, 4m (cap).
		for round, lock := range []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 4 * time.Minute} {
			for i := range 2 {
				if info := attempt(nil); info.Failures != i+1 || info.LockedUntil.After(now) {
					t.Fatalf("round %d attempt %d: %+v", round, i+1, info)
				}
			}
			info := attempt(nil)
			if !info.LockedUntil.Equal(now.Add(lock).Truncate(time.Millisecond)) || info.Lockouts != round+1 {
				t.Fatalf("round %d: locking attempt: %+v, want locked %s", round, info, lock)
			}
			now = now.Add(lock - time.Millisecond)
			var le *LockoutError
			if _, err := st.Attempt("user:alice", now, p); !errors.As(err, &le) || !le.Until.Equal(info.LockedUntil) {
				t.Fatalf("round %d: while locked: %v", round, err)
			}
			now = now.Add(time.Millisecond)
		}
		if info, _ := reopen().Throttled("user:alice"); info.Lockouts != 4 {
			t.Errorf("reopened: %+v", info)
		}
		// An hour without attempts forgets the escalation.
		now = now.Add(time.Hour + time.Second)
		attempt(nil)
		attempt(nil)
		if info := attempt(nil); !info.LockedUntil.Equal(now.Add(time.Minute).Truncate(time.Millisecond)) || info.Lockouts != 1 {
			t.Errorf("after a quiet hour: %+v, want a 1m lock", info)
		}
		// Clear forgets everything; other keys are separate.
		if err := st.Clear("user:alice"); err != nil {
			t.Fatal(err)
		}
		if info, _ := st.Throttled("user:alice"); info != (ThrottleInfo{}) {
			t.Errorf("after Clear: %+v", info)
		}
		attempt(nil)
		if info, _ := st.Throttled("addr:192.0.2.1"); info != (ThrottleInfo{}) {
			t.Errorf("another key: %+v", info)
		}
		// Of many concurrent attempts exactly MaxFailures pass.
		got := concurrently(t, 30, func() error { _, err := st.Attempt("addr:192.0.2.1", now, p); return err }, ErrLockedOut)
		if passed := got[nil]; passed != p.MaxFailures {
			t.Errorf("30 concurrent attempts: %d passed, want %d", passed, p.MaxFailures)
		}
		// MaxFailures 1 locks at the first attempt.
		one := Throttle{MaxFailures: 1, Lockout: time.Second, MaxLockout: time.Second, Forget: time.Hour}
		if info, err := st.Attempt("k1", now, one); err != nil || !info.LockedUntil.After(now) {
			t.Errorf("MaxFailures 1: %+v, %v", info, err)
		}
	})
}

// TestStoreService runs the service's whole flow on every store.
func TestStoreService(t *testing.T) {
	forEachStore(t, func(t *testing.T, st Store, reopen func() Store) {
		c := &clock{t: start}
		s := NewService(st, Options{Password: testPassword, Now: c.Now, MaxFailures: 3})
		if err := s.AddUser("alice", []byte("pw")); err != nil {
			t.Fatal(err)
		}
		e, err := s.Begin("alice")
		if err != nil {
			t.Fatal(err)
		}
		codes, err := s.Enable("alice", codeAt(t, e.Factor, c.Now()))
		if err != nil || len(codes) != RecoveryCodes {
			t.Fatalf("Enable: %d codes, %v", len(codes), err)
		}
		s = NewService(reopen(), Options{Password: testPassword, Now: c.Now, MaxFailures: 3})
		c.Add(30 * time.Second)
		code := codeAt(t, e.Factor, c.Now())
		if err := s.Login("alice", []byte("pw"), code); err != nil {
			t.Fatalf("login: %v", err)
		}
		if err := s.Login("alice", []byte("pw"), code); !errors.Is(err, ErrReplay) {
			t.Errorf("replay: %v", err)
		}
		if err := s.VerifyCode("alice", codes[0]); err != nil {
			t.Errorf("recovery code: %v", err)
		}
		if err := s.VerifyCode("alice", codes[0]); !errors.Is(err, ErrBadRecoveryCode) {
			t.Errorf("recovery code again: %v", err)
		}
		if u, _ := s.User("alice"); u.Recovery != RecoveryCodes-1 || u.Failures != 1 {
			t.Errorf("user after: %+v", u)
		}
	})
}

// TestSQLSecretsSealed: the TOTP secret never reaches the database in the
// clear, a wrong key is refused at open, and a newer schema is refused.
func TestSQLSecretsSealed(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "enroll.db")
	st, err := OpenSQLite(path, testKey(7))
	if err != nil {
		t.Fatal(err)
	}
	u := sampleUser("alice")
	if err := st.Create(u); err != nil {
		t.Fatal(err)
	}
	var raw []byte
	if err := st.DB().QueryRow(`SELECT active FROM nidan_enroll_users WHERE id = 'alice'`).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, u.Active.Secret) || bytes.Contains(raw, []byte(accounts.EncodeSecret(u.Active.Secret))) {
		t.Error("the secret is in the database in the clear")
	}
	// Moving alice's sealed factor to bob's row does not give bob a factor.
	bob := sampleUser("bob")
	bob.Active = nil
	if err := st.Create(bob); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().Exec(`UPDATE nidan_enroll_users SET active = ? WHERE id = 'bob'`, raw); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Get("bob"); !errors.Is(err, ErrWrongKey) {
		t.Errorf("moved factor: %v, want ErrWrongKey", err)
	}
	if _, err := st.DB().Exec(fmt.Sprintf(`INSERT INTO nidan_enroll_schema (version, applied) VALUES (%d, 0)`, SchemaVersion()+1)); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if _, err := OpenSQLite(path, testKey(8)); !errors.Is(err, ErrWrongKey) && !errors.Is(err, ErrUnsupportedVersion) {
		t.Errorf("other key: %v", err)
	}
	if _, err := OpenSQLite(path, testKey(7)); !errors.Is(err, ErrUnsupportedVersion) {
		t.Errorf("newer schema: %v, want ErrUnsupportedVersion", err)
	}
	other := filepath.Join(dir, "other.db")
	st2, err := OpenSQLite(other, testKey(7))
	if err != nil {
		t.Fatal(err)
	}
	st2.Close()
	if _, err := OpenSQLite(other, testKey(8)); !errors.Is(err, ErrWrongKey) {
		t.Errorf("other key: %v, want ErrWrongKey", err)
	}
	if fi, err := os.Stat(other); err != nil || fi.Mode().Perm() != fsmode.Reported(0o600, false) {
		t.Errorf("database file mode: %v %v", fi, err)
	}
}

// TestStoreVerifyByFactor is TestStoreVerify for the path VerifyCode
// takes (verifyByFactor), which on PostgreSQL compares a code with the
// factor read last and decides the check in one statement: the same
// answers and counts whichever way a check goes, a factor replaced
// meanwhile seen at once, and the concurrent bounds (counted by answers,
// since that path may compare a code before the database counts it).
func TestStoreVerifyByFactor(t *testing.T) {
	p := Throttle{MaxFailures: 3, Lockout: time.Minute, MaxLockout: time.Minute, Forget: time.Hour}
	forEachStore(t, func(t *testing.T, st Store, reopen func() Store) {
		u := sampleUser("alice")
		u.HasLastStep, u.LastStep = false, 0
		if err := st.Create(u); err != nil {
			t.Fatal(err)
		}
		// code is a match that takes the code of step n of factor f1 (and
		// none of any other factor).
		code := func(n uint64) func(*Factor) (uint64, error) {
			return func(f *Factor) (uint64, error) {
				if f.ID != "f1" || !bytes.Equal(f.Secret, u.Active.Secret) {
					return 0, ErrBadCode
				}
				return n, nil
			}
		}
		bad := func(*Factor) (uint64, error) { return 0, ErrBadCode }
		verify := func(id string, at time.Time, match func(*Factor) (uint64, error)) (ThrottleInfo, error) {
			return verifyByFactor(st, id, "user:"+id, at, p, match)
		}
		// Twice each: the first check of a user reads its factor, the
		// next ones may compare first.
		for i, n := range []uint64{7, 8} {
			if info, err := verify("alice", t0, code(n)); err != nil || info.Failures != 1 {
				t.Fatalf("good code %d: %+v, %v", i, info, err)
			}
			if info, _ := st.Throttled("user:alice"); info != (ThrottleInfo{}) {
				t.Errorf("accepted code %d left the counter: %+v", i, info)
			}
		}
		if got, _ := reopen().Get("alice"); !got.HasLastStep || got.LastStep != 8 {
			t.Errorf("after two good codes: last step %v %d, want 8", got.HasLastStep, got.LastStep)
		}
		for i, n := range []uint64{8, 5} {
			if info, err := verify("alice", t0, code(n)); !errors.Is(err, ErrReplay) || info.Failures != i+1 {
				t.Errorf("replay of step %d: %+v, %v", n, info, err)
			}
		}
		// The two replays counted; the bad code is the third failure,
		// which locks.
		if info, err := verify("alice", t0, bad); !errors.Is(err, ErrBadCode) || !info.LockedUntil.After(t0) {
			t.Errorf("locking bad code: %+v, %v", info, err)
		}
		if got, _ := reopen().Throttled("user:alice"); !got.LockedUntil.After(t0) {
			t.Errorf("two replays and a bad code did not lock (MaxFailures 3): %+v", got)
		}
		var le *LockoutError
		if _, err := verify("alice", t0, code(9)); !errors.As(err, &le) || !le.Until.Equal(t0.Add(time.Minute).Truncate(time.Millisecond)) {
			t.Errorf("right code while locked: %v, want the lockout", err)
		}
		if got, _ := st.Get("alice"); got.LastStep != 8 {
			t.Errorf("a locked check spent a step: %d", got.LastStep)
		}
		later := t0.Add(2 * time.Minute)
		if info, err := verify("alice", later, code(9)); err != nil || info.Lockouts != 1 {
			t.Errorf("good code after the lockout: %+v, %v", info, err)
		}
		if info, err := verify("alice", later, bad); !errors.Is(err, ErrBadCode) || info.Failures != 1 || info.Lockouts != 0 {
			t.Errorf("bad code after an accepted one: %+v, %v", info, err)
		}
		if info, err := verify("nobody", t0, code(1)); !errors.Is(err, ErrNoSuchUser) || info.Failures != 1 {
			t.Errorf("unknown user: %+v, %v", info, err)
		}
		// Another factor replaces f1 (as another instance would): a code
		// of f1 is refused, one of the new factor accepted.
		f3 := &Factor{ID: "f3", Secret: []byte("zyxwvutsrqzyxwvutsrq"), Account: "alice", Algorithm: accounts.SHA1, Digits: 6, Period: 30, Created: t0}
		if err := st.Update("alice", func(u *User) error { u.Active = f3; return nil }); err != nil {
			t.Fatal(err)
		}
		if _, err := verify("alice", later, code(20)); !errors.Is(err, ErrBadCode) {
			t.Errorf("a code of the replaced factor: %v, want ErrBadCode", err)
		}
		if _, err := verify("alice", later, func(f *Factor) (uint64, error) {
			if f.ID != "f3" || !bytes.Equal(f.Secret, f3.Secret) {
				return 0, ErrBadCode
			}
			return 21, nil
		}); err != nil {
			t.Errorf("a code of the new factor: %v", err)
		}
		if err := st.Update("alice", func(u *User) error { u.Active = nil; return nil }); err != nil {
			t.Fatal(err)
		}
		if _, err := verify("alice", later, code(30)); !errors.Is(err, ErrNotEnrolled) {
			t.Errorf("no factor: %v, want ErrNotEnrolled", err)
		}
		if err := st.Update("alice", func(u *User) error { u.Active = sampleUser("alice").Active; return nil }); err != nil {
			t.Fatal(err)
		}
		if err := st.Clear("user:alice"); err != nil {
			t.Fatal(err)
		}
		lax := Throttle{MaxFailures: 1000, Lockout: time.Minute, MaxLockout: time.Minute, Forget: time.Hour}
		if _, err := verifyByFactor(st, "alice", "user:alice", later, lax, code(99)); err != nil {
			t.Fatal(err)
		}
		got := concurrently(t, 40, func() error {
			_, err := verifyByFactor(st, "alice", "user:alice", later, lax, code(100))
			return err
		}, ErrReplay)
		if got[nil] != 1 || got[ErrReplay] != 39 {
			t.Errorf("40 concurrent checks of one code: %d accepted, %d replays; want 1 and 39", got[nil], got[ErrReplay])
		}
		if err := st.Clear("user:alice"); err != nil {
			t.Fatal(err)
		}
		if _, err := verify("alice", later, code(101)); err != nil {
			t.Fatal(err)
		}
		got = concurrently(t, 30, func() error {
			_, err := verify("alice", later, bad)
			return err
		}, ErrBadCode, ErrLockedOut)
		if got[ErrBadCode] != p.MaxFailures || got[ErrLockedOut] != 30-p.MaxFailures {
			t.Errorf("30 concurrent guesses: outcomes %v; want %d refused and the rest locked out", got, p.MaxFailures)
		}
		// Right codes of a locked user, concurrently: all locked out.
		got = concurrently(t, 10, func() error {
			_, err := verify("alice", later, code(102))
			return err
		}, ErrLockedOut)
		if got[ErrLockedOut] != 10 {
			t.Errorf("10 right codes while locked: %v, want 10 lockouts", got)
		}
		if got, _ := st.Get("alice"); got.LastStep != 101 {
			t.Errorf("a locked check spent a step: last step %d, want 101", got.LastStep)
		}
	})
}

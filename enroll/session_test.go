package enroll

import (
	"bytes"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

// TestStoreSessions runs the session part of the conformance suite.
func TestStoreSessions(t *testing.T) {
	forEachStore(t, func(t *testing.T, st Store, reopen func() Store) {
		for _, id := range []string{"alice", "bob"} {
			if err := st.Create(sampleUser(id)); err != nil {
				t.Fatal(err)
			}
		}
		now := t0.Truncate(time.Millisecond)
		sess := func(user, token string, ttl time.Duration) Session {
			return Session{Key: SessionKey(token), User: user, WithCode: true, Data: []byte("flash " + token),
				Created: now, Expires: now.Add(ttl)}
		}
		if err := st.CreateSession(sess("nobody", "t0", time.Hour), 5); !errors.Is(err, ErrNoSuchUser) {
			t.Errorf("session of nobody: %v", err)
		}
		a1 := sess("alice", "a1", time.Hour)
		if err := st.CreateSession(a1, 3); err != nil {
			t.Fatal(err)
		}
		got, err := reopen().Session(a1.Key, now)
		if err != nil || got.User != "alice" || !got.WithCode || !bytes.Equal(got.Data, a1.Data) ||
			!got.Created.Equal(now) || !got.Expires.Equal(a1.Expires) {
			t.Errorf("Session from another instance = %+v, %v; want %+v", got, err, a1)
		}
		if _, err := st.Session(SessionKey("a2"), now); !errors.Is(err, ErrNoSession) {
			t.Errorf("unknown key: %v", err)
		}
		if _, err := st.Session(a1.Key, a1.Expires); !errors.Is(err, ErrNoSession) {
			t.Errorf("at expiry: %v, want ErrNoSession", err)
		}
		// Save extends it and replaces the data; nil data is none.
		a1.Expires, a1.Data = now.Add(2*time.Hour), nil
		if err := st.SaveSession(a1, now); err != nil {
			t.Fatal(err)
		}
		if got, err := st.Session(a1.Key, now.Add(90*time.Minute)); err != nil || got.Data != nil || !got.Expires.Equal(a1.Expires) {
			t.Errorf("after SaveSession: %+v, %v", got, err)
		}
		// The oldest of alice's sessions past the limit of 3 goes; bob's stay.
		b1 := sess("bob", "b1", 10*time.Minute)
		if err := st.CreateSession(b1, 3); err != nil {
			t.Fatal(err)
		}
		for i, tok := range []string{"a2", "a3", "a4"} {
			if err := st.CreateSession(sess("alice", tok, time.Duration(i+1)*time.Minute), 3); err != nil {
				t.Fatal(err)
			}
		}
		list, err := st.UserSessions("alice", now)
		if err != nil || len(list) != 3 {
			t.Fatalf("alice's sessions: %d, %v; want 3", len(list), err)
		}
		if _, err := st.Session(SessionKey("a2"), now); !errors.Is(err, ErrNoSession) {
			t.Errorf("the session closest to expiry survived the limit: %v", err)
		}
		if _, err := st.Session(b1.Key, now); err != nil {
			t.Errorf("another user's session went: %v", err)
		}
		// A session created later forgets expired ones.
		later := now.Add(20 * time.Minute)
		a5 := sess("alice", "a5", time.Hour)
		a5.Created, a5.Expires = later, later.Add(time.Hour)
		if err := st.CreateSession(a5, 10); err != nil {
			t.Fatal(err)
		}
		if list, _ := st.UserSessions("bob", now); len(list) != 0 {
			t.Errorf("bob's expired session kept: %+v", list)
		}
		// Ending one session; a revoked session cannot be saved back.
		if err := st.DeleteSession(a5.Key); err != nil {
			t.Fatal(err)
		}
		if err := st.DeleteSession(a5.Key); err != nil {
			t.Errorf("deleting twice: %v", err)
		}
		if err := st.SaveSession(a5, later); !errors.Is(err, ErrNoSession) {
			t.Errorf("save after delete: %v, want ErrNoSession", err)
		}
		if _, err := reopen().Session(a5.Key, later); !errors.Is(err, ErrNoSession) {
			t.Errorf("deleted session: %v", err)
		}
		// Ending all of a user's, then deleting a user, ends theirs.
		b2 := sess("bob", "b2", time.Hour)
		if err := st.CreateSession(b2, 3); err != nil {
			t.Fatal(err)
		}
		if err := st.DeleteSessions("alice"); err != nil {
			t.Fatal(err)
		}
		if list, _ := st.UserSessions("alice", now); len(list) != 0 {
			t.Errorf("alice's sessions after DeleteSessions: %d", len(list))
		}
		if _, err := st.Session(b2.Key, now); err != nil {
			t.Errorf("DeleteSessions(alice) ended bob's: %v", err)
		}
		if err := st.Delete("bob"); err != nil {
			t.Fatal(err)
		}
		if err := st.Create(sampleUser("bob")); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Session(b2.Key, now); !errors.Is(err, ErrNoSession) {
			t.Errorf("a deleted user's session outlived them: %v", err)
		}
	})
}

// TestSQLSessionsSealedAndMigrated: session data is sealed in the
// database, and a schema 1 database gains the sessions table at open.
func TestSQLSessionsSealedAndMigrated(t *testing.T) {
	path := filepath.Join(t.TempDir(), "enroll.db")
	st, err := OpenSQLite(path, testKey(3))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Create(sampleUser("alice")); err != nil {
		t.Fatal(err)
	}
	s := Session{Key: SessionKey("tok"), User: "alice", Data: []byte("recovery codes here"), Created: t0, Expires: t0.Add(time.Hour)}
	if err := st.CreateSession(s, 5); err != nil {
		t.Fatal(err)
	}
	var raw []byte
	if err := st.DB().QueryRow(`SELECT data FROM nidan_enroll_sessions`).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, s.Data) {
		t.Error("session data in the clear")
	}
	var key string
	if err := st.DB().QueryRow(`SELECT key FROM nidan_enroll_sessions`).Scan(&key); err != nil || key != SessionKey("tok") || bytes.Contains([]byte(key), []byte("tok")) {
		t.Errorf("stored key %q, %v", key, err)
	}
	// Back to schema 1, as a database made before sessions were shared.
	for _, q := range []string{`DROP TABLE nidan_enroll_sessions`, `DELETE FROM nidan_enroll_schema WHERE version >= 2`} {
		if _, err := st.DB().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	st, err = OpenSQLite(path, testKey(3))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var v int
	if err := st.DB().QueryRow(`SELECT MAX(version) FROM nidan_enroll_schema`).Scan(&v); err != nil || v != SchemaVersion() || v < 2 {
		t.Errorf("schema version after migration %d, %v; want %d", v, err, SchemaVersion())
	}
	if err := st.CreateSession(s, 5); err != nil {
		t.Errorf("session after migrating: %v", err)
	}
	if got, err := st.Get("alice"); err != nil || got.Active == nil {
		t.Errorf("user after migrating: %+v, %v", got, err)
	}
}

// TestSessionsRevoked: a disabled second factor, a new password and an
// admin reset each end every session of the user, and only theirs.
func TestSessionsRevoked(t *testing.T) {
	svc, c, f := enrolled(t, Options{})
	if err := svc.AddUser("bob", []byte("pw")); err != nil {
		t.Fatal(err)
	}
	st := svc.Store()
	start := func(user, token string) string {
		t.Helper()
		s := Session{Key: SessionKey(token), User: user, Created: c.Now(), Expires: c.Now().Add(time.Hour)}
		if err := st.CreateSession(s, 10); err != nil {
			t.Fatal(err)
		}
		return s.Key
	}
	bob := start("bob", "bob")
	for _, step := range []struct {
		name string
		do   func() error
	}{
		{"disable", func() error { return svc.Disable("alice", codeAt(t, f, c.Now())) }},
		{"set password", func() error { return svc.SetPassword("alice", []byte("new")) }},
		{"reset", func() error { return svc.Reset("alice") }},
	} {
		k1, k2 := start("alice", step.name+"1"), start("alice", step.name+"2")
		if err := step.do(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		for _, k := range []string{k1, k2} {
			if _, err := st.Session(k, c.Now()); !errors.Is(err, ErrNoSession) {
				t.Errorf("after %s: alice's session %v", step.name, err)
			}
		}
		if _, err := st.Session(bob, c.Now()); err != nil {
			t.Errorf("after %s: bob's session %v", step.name, err)
		}
	}
}

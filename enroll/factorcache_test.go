package enroll

import (
	"bytes"
	"errors"
	"testing"
	"time"
)

// TestFactorCache checks that the SQL stores' cache of unsealed factors
// never answers for bytes it did not unseal: a factor another instance
// replaced is read anew, and a sealed factor moved to another user is
// refused even after its own user's checks cached it.
func TestFactorCache(t *testing.T) {
	for _, k := range storeKinds[1:] {
		t.Run(k.name, func(t *testing.T) {
			st, reopen := k.open(t)
			sq := st.(*SQLStore)
			for _, id := range []string{"alice", "bob"} {
				if err := st.Create(sampleUser(id)); err != nil {
					t.Fatal(err)
				}
			}
			secret := func(id string) []byte {
				t.Helper()
				var got []byte
				if _, err := st.Verify(id, "user:"+id, t0, lax(), func(u *User) (uint64, error) {
					got = append([]byte(nil), u.Active.Secret...)
					return 0, ErrBadCode
				}); !errors.Is(err, ErrBadCode) {
					t.Fatal(err)
				}
				return got
			}
			first := secret("alice")
			if !bytes.Equal(secret("alice"), first) {
				t.Fatal("second read differs")
			}
			// Another instance replaces the factor, keeping its ID.
			other := reopen()
			defer other.Close()
			if err := other.Update("alice", func(u *User) error { u.Active.Secret = []byte("another secret, 20 b"); return nil }); err != nil {
				t.Fatal(err)
			}
			if got := secret("alice"); string(got) != "another secret, 20 b" {
				t.Errorf("after another instance's change: secret %q, want the new one", got)
			}
			// bob's sealed factor copied into alice's row: sealed for bob.
			if _, err := sq.DB().Exec(sq.d.rebind(`UPDATE nidan_enroll_users SET active = (SELECT active FROM nidan_enroll_users WHERE id = $1) WHERE id = $2`), "bob", "alice"); err != nil {
				t.Fatal(err)
			}
			secret("bob")
			if _, err := st.Verify("alice", "user:alice", t0, lax(), func(*User) (uint64, error) {
				t.Error("a factor sealed for bob opened as alice's")
				return 0, ErrBadCode
			}); !errors.Is(err, ErrWrongKey) {
				t.Errorf("moved factor: %v, want ErrWrongKey", err)
			}
		})
	}
}

func lax() Throttle {
	return Throttle{MaxFailures: 1000, Lockout: time.Minute, MaxLockout: time.Minute, Forget: time.Hour}
}

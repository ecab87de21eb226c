package replica

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nidan-auth/nidan/accounts"
)

func encode(t testing.TB, s State) []byte {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestMergeVectors runs the declared cases of testdata/merge (part of
// docs/vault-format.md): Merge(A, B) and Merge(B, A) must both give Want.
func TestMergeVectors(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "merge", "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Name    string `json:"name"`
		A, B    State
		Want    State `json:"want"`
		Comment string
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) < 8 {
		t.Fatalf("only %d merge vectors", len(cases))
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			for _, s := range []State{c.A, c.B, c.Want} {
				if err := s.Check(); err != nil {
					t.Fatalf("vector breaks the payload rules: %v", err)
				}
			}
			want := encode(t, c.Want)
			if got := encode(t, Merge(c.A, c.B)); !bytes.Equal(got, want) {
				t.Errorf("Merge(A, B) =\n%s\nwant\n%s", got, want)
			}
			if got := encode(t, Merge(c.B, c.A)); !bytes.Equal(got, want) {
				t.Errorf("Merge(B, A) =\n%s\nwant\n%s", got, want)
			}
		})
	}
}

// randomState draws a state from a small pool of ids, stamps and contents,
// so that the same id, the same stamp with different contents, tombstones
// over live copies and device removals all collide often.
func randomState(r *rand.Rand) State {
	var s State
	devs := []string{"aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb", "cccccccccccccccc"}
	stamp := func() Stamp {
		return Stamp{Wall: int64(r.IntN(4)), N: uint32(r.IntN(2)), Device: devs[r.IntN(len(devs))]}
	}
	for i := range 6 {
		id := fmt.Sprintf("id%d", i)
		switch r.IntN(4) {
		case 0: // absent
		case 1:
			s.Tombstones = append(s.Tombstones, Tombstone{ID: id, Stamp: stamp()})
		default:
			a := accounts.Account{
				ID: id, Type: accounts.HOTP, Issuer: []string{"A", "B", "C"}[r.IntN(3)],
				Secret: []byte{byte(r.IntN(3))}, Algorithm: accounts.SHA1, Digits: 6,
				Counter: uint64(r.IntN(5)), Order: r.IntN(3),
				Created:  time.Unix(0, 0).UTC(),
				Modified: time.Unix(int64(r.IntN(3)), 0).UTC(),
				LastUsed: time.Unix(int64(r.IntN(3)), 0).UTC(),
			}
			s.Accounts = append(s.Accounts, Entry{Account: a, Stamp: stamp()})
		}
	}
	for _, d := range devs {
		if r.IntN(2) == 0 {
			dv := Device{ID: d, Name: []string{"x", "y"}[r.IntN(2)], Stamp: stamp()}
			if r.IntN(3) == 0 {
				dv.Removed = stamp()
			}
			s.Devices = append(s.Devices, dv)
		}
	}
	if r.IntN(2) == 0 {
		s.Clock = stamp()
	}
	r.Shuffle(len(s.Accounts), func(i, j int) { s.Accounts[i], s.Accounts[j] = s.Accounts[j], s.Accounts[i] })
	return s
}

// TestMergeLaws checks the semilattice laws the spec promises on random
// states: commutative, associative, idempotent.
func TestMergeLaws(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	rounds := 2000
	if raceEnabled {
		rounds = 300
	}
	for i := range rounds {
		a, b, c := randomState(r), randomState(r), randomState(r)
		ab, ba := encode(t, Merge(a, b)), encode(t, Merge(b, a))
		if !bytes.Equal(ab, ba) {
			t.Fatalf("round %d: not commutative:\n%s\n%s", i, ab, ba)
		}
		l, rr := encode(t, Merge(Merge(a, b), c)), encode(t, Merge(a, Merge(b, c)))
		if !bytes.Equal(l, rr) {
			t.Fatalf("round %d: not associative:\n%s\n%s", i, l, rr)
		}
		if aa, a0 := encode(t, Merge(a, a)), encode(t, Merge(a, State{})); !bytes.Equal(aa, a0) {
			t.Fatalf("round %d: not idempotent:\n%s\n%s", i, aa, a0)
		}
		m := Merge(a, b)
		if again := encode(t, Merge(m, b)); !bytes.Equal(again, ab) {
			t.Fatalf("round %d: merging B twice changed the result", i)
		}
		if err := m.Check(); err != nil {
			t.Fatalf("round %d: merge result invalid: %v", i, err)
		}
	}
}

func TestMergeDoesNotAlias(t *testing.T) {
	a := State{Accounts: []Entry{{Account: accounts.Account{ID: "x", Secret: []byte("secret")}, Stamp: Stamp{1, 0, LegacyDevice}}}}
	m := Merge(a, State{})
	clear(m.Accounts[0].Secret)
	if string(a.Accounts[0].Secret) != "secret" {
		t.Fatal("Merge's result shares the secret with its input")
	}
}

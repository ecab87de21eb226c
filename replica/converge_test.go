package replica

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/nidan-auth/nidan/accounts"
)

// The convergence property of the issue: three replicas make random adds,
// edits, deletes and HOTP uses, and send each other copies that arrive in
// random order, some twice, some lost (and sent again later). In the end
// every replica holds the same accounts; nothing that was added and never
// deleted is missing; nothing deleted is back; each account is its latest
// write; each HOTP counter is the highest any replica ever reached.

type simReplica struct {
	st   State
	clk  *Clock
	skew time.Duration
}

type simMsg struct {
	to int
	st State
}

type sim struct {
	t       *testing.T
	r       *rand.Rand
	now     time.Time
	reps    [3]*simReplica
	queue   []simMsg
	added   map[string]bool
	deleted map[string]bool
	latest  map[string]Entry  // the write with the greatest stamp, per id
	counter map[string]uint64 // the highest counter ever held
	nextID  int
}

func newSim(t *testing.T, seed uint64) *sim {
	s := &sim{t: t, r: rand.New(rand.NewPCG(seed, 13)), now: time.UnixMilli(1_767_000_000_000),
		added: map[string]bool{}, deleted: map[string]bool{}, latest: map[string]Entry{}, counter: map[string]uint64{}}
	for i := range s.reps {
		dev := fmt.Sprintf("%016x", i+1)
		s.reps[i] = &simReplica{clk: NewClock(dev, Stamp{}), skew: time.Duration(s.r.IntN(6000)-3000) * time.Millisecond}
	}
	return s
}

func (s *sim) stamp(p *simReplica) Stamp {
	if s.r.IntN(20) == 0 { // the wall clock steps, sometimes backwards
		p.skew = time.Duration(s.r.IntN(20000)-10000) * time.Millisecond
	}
	return p.clk.Now(s.now.Add(p.skew))
}

func (s *sim) write(p *simReplica, a accounts.Account) {
	st := s.stamp(p)
	if err := p.st.Put(a, st); err != nil {
		s.t.Fatal(err)
	}
	if old, ok := s.latest[a.ID]; !ok || st.After(old.Stamp) {
		s.latest[a.ID] = Entry{Account: a.Clone(), Stamp: st}
	}
	s.counter[a.ID] = max(s.counter[a.ID], a.Counter)
}

func (s *sim) step() {
	s.now = s.now.Add(time.Duration(s.r.IntN(1500)) * time.Millisecond)
	i := s.r.IntN(len(s.reps))
	p := s.reps[i]
	live := p.st.Accounts
	switch op := s.r.IntN(100); {
	case op < 15: // add
		s.nextID++
		typ := accounts.TOTP
		if s.r.IntN(2) == 0 {
			typ = accounts.HOTP
		}
		a := accounts.Account{ID: fmt.Sprintf("acct-%04d", s.nextID), Type: typ, Issuer: fmt.Sprintf("Issuer %d", s.r.IntN(50)),
			Name: "me", Secret: []byte{byte(s.r.Uint32()), byte(s.r.Uint32())}, Algorithm: accounts.SHA1, Digits: 6,
			Created: s.now.UTC().Truncate(time.Second), Modified: s.now.UTC().Truncate(time.Second)}
		s.added[a.ID] = true
		s.write(p, a)
	case op < 30 && len(live) > 0: // edit
		a := live[s.r.IntN(len(live))].Clone()
		a.Nickname = fmt.Sprintf("nick %d", s.r.IntN(1000))
		a.Order = s.r.IntN(10)
		a.Modified = s.now.UTC().Truncate(time.Second)
		s.write(p, a)
	case op < 36 && len(live) > 0: // delete
		id := live[s.r.IntN(len(live))].ID
		p.st.Delete(id, s.stamp(p))
		s.deleted[id] = true
	case op < 50 && len(live) > 0: // use an HOTP code
		e := &live[s.r.IntN(len(live))]
		if e.Type == accounts.HOTP {
			e.Counter++
			s.counter[e.ID] = max(s.counter[e.ID], e.Counter)
		}
	case op < 75: // send a copy to another replica; sometimes lost, sometimes twice
		to := (i + 1 + s.r.IntN(len(s.reps)-1)) % len(s.reps)
		switch s.r.IntN(10) {
		case 0: // lost: a later send carries it again
		case 1:
			s.queue = append(s.queue, simMsg{to, p.st.Clone()}, simMsg{to, p.st.Clone()})
		default:
			s.queue = append(s.queue, simMsg{to, p.st.Clone()})
		}
	default: // deliver a random queued copy, sometimes keeping it for a duplicate later
		if len(s.queue) == 0 {
			return
		}
		k := s.r.IntN(len(s.queue))
		m := s.queue[k]
		if s.r.IntN(5) != 0 {
			s.queue = append(s.queue[:k], s.queue[k+1:]...)
		}
		s.deliver(m)
	}
}

func (s *sim) deliver(m simMsg) {
	p := s.reps[m.to]
	p.st = Merge(p.st, m.st.Clone())
	p.clk.Observe(p.st.Clock)
	if err := p.st.Check(); err != nil {
		s.t.Fatal(err)
	}
}

// settle delivers what is still queued, in random order, then has every
// replica send its copy to every other (the retries of lost messages).
func (s *sim) settle() {
	s.r.Shuffle(len(s.queue), func(a, b int) { s.queue[a], s.queue[b] = s.queue[b], s.queue[a] })
	for _, m := range s.queue {
		s.deliver(m)
	}
	s.queue = nil
	for range 2 {
		for i, p := range s.reps {
			for j := range s.reps {
				if j != i {
					s.deliver(simMsg{j, p.st.Clone()})
				}
			}
		}
	}
}

func (s *sim) check(seed uint64) {
	t := s.t
	first, _ := json.Marshal(s.reps[0].st)
	for i, p := range s.reps[1:] {
		if b, _ := json.Marshal(p.st); !bytes.Equal(b, first) {
			t.Fatalf("seed %d: replica %d differs from replica 0", seed, i+1)
		}
	}
	final := s.reps[0].st
	for id := range s.added {
		i := final.Index(id)
		switch {
		case s.deleted[id] && i >= 0:
			t.Fatalf("seed %d: %s was deleted but is back", seed, id)
		case s.deleted[id] && !final.Deleted(id):
			t.Fatalf("seed %d: %s was deleted but has no tombstone", seed, id)
		case !s.deleted[id] && i < 0:
			t.Fatalf("seed %d: %s was never deleted but is lost", seed, id)
		case i >= 0:
			got, want := final.Accounts[i], s.latest[id]
			if got.Stamp != want.Stamp || got.Nickname != want.Nickname || got.Order != want.Order {
				t.Fatalf("seed %d: %s is %v %q, want its latest write %v %q", seed, id, got.Stamp, got.Nickname, want.Stamp, want.Nickname)
			}
			if got.Counter != s.counter[id] {
				t.Fatalf("seed %d: %s counter %d, the highest ever used is %d", seed, id, got.Counter, s.counter[id])
			}
		}
	}
}

func TestReplicasConverge(t *testing.T) {
	// 40 seeds keep make test (with -race) quick; NIDAN_MERGE_SEEDS=2000
	// runs a long search.
	seeds, steps := uint64(40), 400
	if raceEnabled {
		seeds = 8
	}
	if n, err := strconv.ParseUint(os.Getenv("NIDAN_MERGE_SEEDS"), 10, 64); err == nil {
		seeds = n
	}
	for seed := range seeds {
		s := newSim(t, seed)
		for range steps {
			s.step()
		}
		s.settle()
		s.check(seed)
	}
}

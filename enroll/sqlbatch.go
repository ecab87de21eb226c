package enroll

import (
	"time"
)

// SQLite decides concurrent code checks in batches too: one IMMEDIATE
// transaction runs the checks waiting one after the other (checkInTx, as
// each would alone) and commits them together. Inside the transaction they
// are sequential, so two checks of one user in a batch are two checks one
// after the other: of two with one code, the second is a replay. Its one
// connection makes one batch at a time the only choice.
const txBatchMax = 64

// txCheck is one check in a SQLite batch.
type txCheck struct {
	id, key string
	now     time.Time
	p       Throttle
	match   func(u *User) (uint64, error)
	info    ThrottleInfo
	outcome error
	alone   bool // the batch failed: nothing of it was committed
}

func (s *SQLStore) startTxBatcher() {
	s.txChecks = newBatcher(txBatchMax, 1, func(*txCheck) []string { return nil }, s.txBatch)
}

// txBatch runs a batch in one transaction. If the database fails anywhere
// in it nothing is committed and every check of the batch is decided
// again on its own (verifyOneTx), so that one check's trouble never
// becomes another's answer.
func (s *SQLStore) txBatch(cs []*txCheck) {
	if len(cs) == 1 {
		c := cs[0]
		c.info, c.outcome = s.verifyOneTx(c.id, c.key, c.now, c.p, c.match)
		return
	}
	alone := func() {
		s.retried.Add(int64(len(cs)))
		for _, c := range cs {
			c.alone = true
		}
	}
	tx, err := s.db.Begin()
	if err != nil {
		alone()
		return
	}
	defer tx.Rollback()
	for _, c := range cs {
		var err error
		c.info, c.outcome, err = s.checkInTx(tx, c.id, c.key, c.now, c.p, c.match)
		if err != nil {
			alone()
			return
		}
	}
	if err := tx.Commit(); err != nil {
		alone()
		return
	}
	for _, c := range cs {
		s.sweep(c.now, c.p)
	}
}

func (s *SQLStore) verifyTxBatched(id, key string, now time.Time, p Throttle, match func(u *User) (uint64, error)) (ThrottleInfo, error) {
	c := &txCheck{id: id, key: key, now: now, p: p, match: match}
	s.txChecks.do(c)
	if c.alone {
		return s.verifyOneTx(id, key, now, p, match)
	}
	return c.info, c.outcome
}

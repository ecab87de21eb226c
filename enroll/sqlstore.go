package enroll

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync/atomic"
	"time"
)

// SQLStore keeps users and attempt counters in a SQL database: SQLite
// (OpenSQLite, one machine) or PostgreSQL (OpenPostgres, any number of
// panel instances). The TOTP secrets are sealed with AES-256-GCM under a
// key that never enters the database; a hash of the key is kept there so
// that a wrong key is refused at open (ErrWrongKey). The replay guard and
// the attempt counters are single conditional statements, so the database
// decides them atomically for every process sharing it. The tables are
// prefixed nidan_enroll_ and can live beside an application's own.
type SQLStore struct {
	db *sql.DB
	// counters runs the attempt counters' statements; for PostgreSQL a
	// pool whose commits do not wait for the disk (a crash may forget the
	// last few attempts, which only lowers a count), while the replay guard
	// and the users stay fully durable on db.
	counters *sql.DB
	d        dialect
	aead     cipher.AEAD
	keyMAC   []byte
	sweeps   atomic.Uint64
	queries  map[string]string
	stmts    map[string]*sql.Stmt // prepared once: SQLite would parse every query again
	// counts and spends batch concurrent code checks (PostgreSQL only:
	// pgbatch.go).
	counts *batcher[*countReq]
	spends *batcher[*spendReq]
	// checks batches the one-step checks of codes compared first
	// (PostgreSQL only: pgcheck.go); actives is what they compare with.
	checks  *batcher[*checkReq]
	actives lastActive
	// txChecks batches them for SQLite (sqlbatch.go).
	txChecks *batcher[*txCheck]
	// opened keeps factors already unsealed, since every code check reads
	// its user's sealed factor again.
	opened factorCache
	// retried counts the checks whose batch failed and that were then
	// decided alone (tests).
	retried atomic.Int64
}

var _ Store = (*SQLStore)(nil)

// dialect is what differs between the two databases.
type dialect struct {
	name      string
	blob      string // column type of sealed factors
	forUpdate string // row lock for Update's read
	// lockSchema runs first in the migration transaction so that two
	// processes opening a new database at once migrate it once.
	lockSchema string
	// rebind turns the $N placeholders the queries are written with into
	// the database's own.
	rebind func(string) string
	// spendAndClear, if set, is Spend and Clear as one statement returning
	// the number of users updated (one round trip, one commit).
	spendAndClear string
	// attemptAndGet, if set, makes Verify two statements, each its own
	// transaction (counting and reading on the counters' pool, then
	// spending), each run for a batch of checks (pgbatch.go); else Verify
	// is one transaction on the one connection for a batch of checks
	// (SQLite: one commit, and nobody else to wait for; sqlbatch.go).
	attemptAndGet bool
	// batchFunctions is schema version 3: the statements that create
	// the functions deciding a batch of checks (PostgreSQL, pgbatch.go);
	// none for SQLite, whose batches are transactions in Go.
	batchFunctions []string
	// checkFunctions is schema version 4: the function deciding a batch
	// of checks in one step (PostgreSQL, pgcheck.go); none for SQLite.
	checkFunctions []string
}

var dollarN = regexp.MustCompile(`\$(\d+)`)

// migrations are the schema versions in order; version N is
// migrations[N-1]. A release only ever appends.
func migrations(d dialect) [][]string {
	return [][]string{{
		`CREATE TABLE nidan_enroll_meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)`,
		`CREATE TABLE nidan_enroll_users (
			id TEXT PRIMARY KEY,
			password_hash TEXT NOT NULL,
			active ` + d.blob + `,
			active_id TEXT NOT NULL DEFAULT '',
			pending ` + d.blob + `,
			last_step BIGINT,
			recovery TEXT NOT NULL DEFAULT '',
			created BIGINT NOT NULL,
			modified BIGINT NOT NULL)`,
		`CREATE TABLE nidan_enroll_throttle (
			key TEXT PRIMARY KEY,
			failures INTEGER NOT NULL,
			lockouts INTEGER NOT NULL,
			locked_until BIGINT NOT NULL,
			updated BIGINT NOT NULL)`,
	}, {
		// Version 2: signed-in sessions, shared by every instance.
		`CREATE TABLE nidan_enroll_sessions (
			key TEXT PRIMARY KEY,
			user_id TEXT NOT NULL REFERENCES nidan_enroll_users (id) ON DELETE CASCADE,
			with_code INTEGER NOT NULL,
			data ` + d.blob + `,
			created BIGINT NOT NULL,
			expires BIGINT NOT NULL)`,
		`CREATE INDEX nidan_enroll_sessions_user ON nidan_enroll_sessions (user_id)`,
		`CREATE INDEX nidan_enroll_sessions_expires ON nidan_enroll_sessions (expires)`,
	}, d.batchFunctions, d.checkFunctions}
}

// attemptSQL is throttle.attempt as one upsert: $1 key, $2 now (ms),
// $3 max failures, $4 first lockout (ms), $5 longest lockout (ms),
// $6 forget (ms). When the key is locked the WHERE fails, no row comes
// back and nothing changes.
var attemptSQL = func() string {
	now, maxF, base, limit, forget := "CAST($2 AS BIGINT)", "CAST($3 AS INTEGER)", "CAST($4 AS BIGINT)", "CAST($5 AS BIGINT)", "CAST($6 AS BIGINT)"
	stale := "(t.updated > 0 AND " + now + " > t.updated + " + forget + ")"
	f := "(CASE WHEN " + stale + " THEN 0 ELSE t.failures END)"
	l := "(CASE WHEN " + stale + " THEN 0 ELSE t.lockouts END)"
	lock := "(" + f + " + 1 >= " + maxF + ")"
	dur := func(n string) string {
		return "(CASE WHEN " + n + fmt.Sprintf(" >= %d", maxLockoutShift) + " OR (" + base + " << " + n + ") > " + limit +
			" THEN " + limit + " ELSE (" + base + " << " + n + ") END)"
	}
	first := "(1 >= " + maxF + ")"
	return `INSERT INTO nidan_enroll_throttle AS t (key, failures, lockouts, locked_until, updated)
VALUES ($1,
	CASE WHEN ` + first + ` THEN 0 ELSE 1 END,
	CASE WHEN ` + first + ` THEN 1 ELSE 0 END,
	CASE WHEN ` + first + ` THEN ` + now + ` + ` + dur("0") + ` ELSE 0 END,
	CASE WHEN ` + first + ` THEN ` + now + ` + ` + dur("0") + ` ELSE ` + now + ` END)
ON CONFLICT (key) DO UPDATE SET
	failures = CASE WHEN ` + lock + ` THEN 0 ELSE ` + f + ` + 1 END,
	lockouts = CASE WHEN ` + lock + ` THEN (CASE WHEN ` + l + fmt.Sprintf(" < %d", maxLockoutShift) + ` THEN ` + l + ` + 1 ELSE ` + l + ` END) ELSE ` + l + ` END,
	locked_until = CASE WHEN ` + lock + ` THEN ` + now + ` + ` + dur(l) + ` ELSE t.locked_until END,
	updated = CASE WHEN ` + lock + ` THEN ` + now + ` + ` + dur(l) + ` ELSE ` + now + ` END
WHERE t.locked_until <= ` + now + `
RETURNING failures, lockouts, locked_until`
}()

// counterQueries run on SQLStore.counters.
var counterQueries = map[string]bool{"attempt": true, "throttled": true, "clear": true, "sweep": true, "attemptAndGet": true, "quickAttemptAndGet": true, "countBatch": true}

const userColumns = `id, password_hash, active, active_id, pending, last_step, recovery, created, modified`

var sqlQueries = map[string]string{
	"attempt":   attemptSQL,
	"throttled": `SELECT failures, lockouts, locked_until FROM nidan_enroll_throttle WHERE key = $1`,
	"clear":     `DELETE FROM nidan_enroll_throttle WHERE key = $1`,
	// zero is clear for the hot path of an accepted code: a counter with
	// no failures, lockouts or lock counts exactly like none (attemptSQL,
	// Throttled), whatever its updated time ($2, which only dates it for
	// the sweep), and updating it in place (in PostgreSQL a HOT update)
	// spares deleting the row here and inserting it again at the next
	// attempt, which can then take the quick path (quickAttemptAndGetSQL).
	"zero":  zeroSQL,
	"sweep": `DELETE FROM nidan_enroll_throttle WHERE locked_until <= $1 AND updated < $2`,
	"ids":   `SELECT id FROM nidan_enroll_users ORDER BY id`,
	"get":   `SELECT ` + userColumns + ` FROM nidan_enroll_users WHERE id = $1`,
	"create": `INSERT INTO nidan_enroll_users (` + userColumns + `) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (id) DO NOTHING`,
	"update": `UPDATE nidan_enroll_users SET password_hash = $2, active = $3, active_id = $4, pending = $5,
		last_step = $6, recovery = $7, created = $8, modified = $9 WHERE id = $1`,
	"delete": `DELETE FROM nidan_enroll_users WHERE id = $1`,
	"spend": `UPDATE nidan_enroll_users SET last_step = $3
		WHERE id = $1 AND active IS NOT NULL AND active_id = $2 AND (last_step IS NULL OR last_step < $3)`,
	"spent":          `SELECT active IS NOT NULL, active_id FROM nidan_enroll_users WHERE id = $1`,
	"sessionUser":    `SELECT id FROM nidan_enroll_users WHERE id = $1`,
	"sessionsExpire": `DELETE FROM nidan_enroll_sessions WHERE expires <= $1`,
	"sessionsCap": `DELETE FROM nidan_enroll_sessions WHERE user_id = $1 AND key NOT IN
		(SELECT key FROM nidan_enroll_sessions WHERE user_id = $1 ORDER BY expires DESC, key LIMIT $2)`,
	"sessionCreate": `INSERT INTO nidan_enroll_sessions (key, user_id, with_code, data, created, expires)
		VALUES ($1, $2, $3, $4, $5, $6)`,
	"session":        `SELECT user_id, with_code, data, created, expires FROM nidan_enroll_sessions WHERE key = $1 AND expires > $2`,
	"sessionSave":    `UPDATE nidan_enroll_sessions SET data = $2, expires = $3 WHERE key = $1 AND expires > $4`,
	"sessionDelete":  `DELETE FROM nidan_enroll_sessions WHERE key = $1`,
	"sessionsDelete": `DELETE FROM nidan_enroll_sessions WHERE user_id = $1`,
	"userSessions": `SELECT key, with_code, data, created, expires FROM nidan_enroll_sessions
		WHERE user_id = $1 AND expires > $2 ORDER BY created, key`,
	// getCode is get without what a code check does not need.
	"getCode": `SELECT ` + codeColumns + ` FROM nidan_enroll_users WHERE id = $1`,
}

const zeroSQL = `UPDATE nidan_enroll_throttle SET failures = 0, lockouts = 0, locked_until = 0, updated = $2 WHERE key = $1`

const codeColumns = `id, active, active_id, last_step, recovery, created, modified`

// attemptAndGetSQL is attemptSQL and getCode in one statement ($7 the user
// ID), one round trip: the counter's columns are NULL when the key is
// locked, and the user's are NULL then or when there is no such user. The
// user is read from the snapshot the statement starts with, so the attempt
// is counted (in the same statement, committed with it) before the code
// is checked.
var attemptAndGetSQL = `WITH a AS (` + attemptSQL + `)
SELECT a.failures, a.lockouts, a.locked_until, u.id, u.active, u.active_id, u.last_step, u.recovery, u.created, u.modified
FROM (SELECT 1) AS one LEFT JOIN a ON true LEFT JOIN nidan_enroll_users AS u ON a.failures IS NOT NULL AND u.id = $7`

// quickAttemptAndGetSQL is attemptAndGetSQL for the common case, a
// counter that exists, is not locked, not stale and not about to lock: then
// attemptSQL only adds a failure and dates it, which this does with a
// fraction of the expression (PostgreSQL builds attemptSQL's anew for every
// execution). Its WHERE is checked on the row under its lock, so a
// concurrent attempt cannot slip past it. Otherwise no row changes, the
// counter's columns come back NULL and Verify runs attemptAndGetSQL. $1
// key, $2 now (ms), $3 max failures, $4 forget (ms), $5 the user ID.
const quickAttemptAndGetSQL = `WITH a AS (UPDATE nidan_enroll_throttle SET failures = failures + 1, updated = CAST($2 AS BIGINT)
	WHERE key = $1 AND locked_until <= CAST($2 AS BIGINT) AND failures + 1 < CAST($3 AS INTEGER)
		AND NOT (updated > 0 AND CAST($2 AS BIGINT) > updated + CAST($4 AS BIGINT))
	RETURNING failures, lockouts, locked_until)
SELECT a.failures, a.lockouts, a.locked_until, u.id, u.active, u.active_id, u.last_step, u.recovery, u.created, u.modified
FROM (SELECT 1) AS one LEFT JOIN a ON true LEFT JOIN nidan_enroll_users AS u ON a.failures IS NOT NULL AND u.id = $5`

// openSQL finishes opening a store: pool limits, migrations, key check.
func openSQL(db, counters *sql.DB, d dialect, key []byte) (*SQLStore, error) {
	closeAll := func() {
		if counters != db {
			counters.Close()
		}
		db.Close()
	}
	if len(key) != keyLen {
		closeAll()
		return nil, fmt.Errorf("open enroll %s store: %w", d.name, ErrNoKey)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		closeAll()
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		closeAll()
		return nil, err
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte("nidan-enroll key check v1"))
	s := &SQLStore{db: db, counters: counters, d: d, aead: aead, keyMAC: m.Sum(nil), queries: map[string]string{}}
	for k, q := range sqlQueries {
		s.queries[k] = d.rebind(q)
	}
	s.queries["getForUpdate"] = s.queries["get"] + d.forUpdate
	s.queries["sessionUser"] += d.forUpdate
	if d.spendAndClear != "" {
		s.queries["spendAndClear"] = d.spendAndClear
	}
	if d.attemptAndGet {
		s.queries["attemptAndGet"] = d.rebind(attemptAndGetSQL)
		s.queries["quickAttemptAndGet"] = d.rebind(quickAttemptAndGetSQL)
		s.queries["countBatch"] = countBatchSQL
		s.queries["spendBatch"] = spendBatchSQL
		s.queries["checkBatch"] = checkBatchSQL
	}
	if err := s.migrate(); err != nil {
		closeAll()
		return nil, fmt.Errorf("open enroll %s store: %w", d.name, err)
	}
	s.stmts = map[string]*sql.Stmt{}
	for k, q := range s.queries {
		on := db
		if counterQueries[k] {
			on = counters
		}
		st, err := on.Prepare(q)
		if err != nil {
			closeAll()
			return nil, fmt.Errorf("open enroll %s store: prepare %s: %w", d.name, k, err)
		}
		s.stmts[k] = st
	}
	if d.attemptAndGet {
		s.startBatchers()
	} else {
		s.startTxBatcher()
	}
	return s, nil
}

// SchemaVersion is the newest schema this Nidan knows.
func SchemaVersion() int { return len(migrations(dialect{})) }

// migrate brings the schema up to date in one transaction and checks the
// key against the database's.
func (s *SQLStore) migrate() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if s.d.lockSchema != "" {
		if _, err := tx.ExecContext(ctx, s.d.lockSchema); err != nil {
			return fmt.Errorf("lock schema: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS nidan_enroll_schema (version INTEGER PRIMARY KEY, applied BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("schema table: %w", err)
	}
	var have int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM nidan_enroll_schema`).Scan(&have); err != nil {
		return fmt.Errorf("schema version: %w", err)
	}
	all := migrations(s.d)
	if have > len(all) {
		return fmt.Errorf("schema version %d, this Nidan knows up to %d: %w", have, len(all), ErrUnsupportedVersion)
	}
	for v := have + 1; v <= len(all); v++ {
		for _, stmt := range all[v-1] {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("migrate to schema %d: %w", v, err)
			}
		}
		if _, err := tx.ExecContext(ctx, s.d.rebind(`INSERT INTO nidan_enroll_schema (version, applied) VALUES ($1, $2)`), v, time.Now().UnixMilli()); err != nil {
			return fmt.Errorf("migrate to schema %d: %w", v, err)
		}
	}
	check := hex.EncodeToString(s.keyMAC)
	if _, err := tx.ExecContext(ctx, s.d.rebind(`INSERT INTO nidan_enroll_meta (k, v) VALUES ('key_check', $1) ON CONFLICT (k) DO NOTHING`), check); err != nil {
		return fmt.Errorf("key check: %w", err)
	}
	var stored string
	if err := tx.QueryRowContext(ctx, `SELECT v FROM nidan_enroll_meta WHERE k = 'key_check'`).Scan(&stored); err != nil {
		return fmt.Errorf("key check: %w", err)
	}
	if !hmac.Equal([]byte(stored), []byte(check)) {
		return fmt.Errorf("this database's secrets were sealed with another key: %w", ErrWrongKey)
	}
	return tx.Commit()
}

// Close implements Store.
func (s *SQLStore) Close() error {
	s.opened.forget()
	s.actives.forget()
	if s.counters != s.db {
		s.counters.Close()
	}
	return s.db.Close()
}

// DB returns the database handle, for an application that keeps its own
// tables beside the store's.
func (s *SQLStore) DB() *sql.DB { return s.db }

func factorAAD(id, slot string) []byte {
	return []byte("nidan-enroll-factor/v1\x00" + id + "\x00" + slot)
}

// seal encrypts a factor for one user and slot, so that a sealed secret
// cannot be moved to another user or from pending to active unnoticed.
func (s *SQLStore) seal(id, slot string, f *Factor) ([]byte, error) {
	if f == nil {
		return nil, nil
	}
	plain, err := json.Marshal(f)
	if err != nil {
		return nil, err
	}
	defer clear(plain)
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(plain)+s.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return s.aead.Seal(nonce, nonce, plain, factorAAD(id, slot)), nil
}

func (s *SQLStore) open(id, slot string, sealed []byte) (*Factor, error) {
	if sealed == nil {
		return nil, nil
	}
	ck := id + "\x00" + slot + "\x00" + string(sealed)
	if f := s.opened.get(ck); f != nil {
		return f, nil
	}
	f, err := s.unseal(id, slot, sealed)
	if err == nil {
		s.opened.put(ck, f)
	}
	return f, err
}

// unseal decrypts and decodes a sealed factor.
func (s *SQLStore) unseal(id, slot string, sealed []byte) (*Factor, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n {
		return nil, fmt.Errorf("user %q %s factor: %w", id, slot, ErrCorrupt)
	}
	plain, err := s.aead.Open(nil, sealed[:n], sealed[n:], factorAAD(id, slot))
	if err != nil {
		return nil, fmt.Errorf("user %q %s factor: %w", id, slot, ErrWrongKey)
	}
	defer clear(plain)
	var f Factor
	if err := json.Unmarshal(plain, &f); err != nil {
		return nil, fmt.Errorf("user %q %s factor: %w", id, slot, ErrCorrupt)
	}
	return &f, nil
}

type rowScanner interface{ Scan(dest ...any) error }

func (s *SQLStore) scanUser(r rowScanner) (User, error) {
	var (
		u                 User
		active, pending   []byte
		activeID, recov   string
		last              sql.NullInt64
		created, modified int64
	)
	if err := r.Scan(&u.ID, &u.PasswordHash, &active, &activeID, &pending, &last, &recov, &created, &modified); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return User{}, ErrNoSuchUser
		}
		return User{}, err
	}
	var err error
	if u.Active, err = s.open(u.ID, "active", active); err != nil {
		return User{}, err
	}
	if u.Pending, err = s.open(u.ID, "pending", pending); err != nil {
		return User{}, err
	}
	if last.Valid {
		u.LastStep, u.HasLastStep = uint64(last.Int64), true
	}
	u.Recovery = strings.Fields(recov)
	u.Created, u.Modified = time.Unix(0, created).UTC(), time.Unix(0, modified).UTC()
	return u, nil
}

// userArgs are a user's columns in userColumns order.
func (s *SQLStore) userArgs(u *User) ([]any, error) {
	active, err := s.seal(u.ID, "active", u.Active)
	if err != nil {
		return nil, err
	}
	pending, err := s.seal(u.ID, "pending", u.Pending)
	if err != nil {
		return nil, err
	}
	activeID := ""
	if u.Active != nil {
		activeID = u.Active.ID
	}
	var last sql.NullInt64
	if u.HasLastStep {
		last = sql.NullInt64{Int64: int64(u.LastStep), Valid: true}
	}
	return []any{u.ID, u.PasswordHash, active, activeID, pending, last, strings.Join(u.Recovery, " "),
		u.Created.UnixNano(), u.Modified.UnixNano()}, nil
}

// IDs implements Store.
func (s *SQLStore) IDs() ([]string, error) {
	rows, err := s.stmts["ids"].Query()
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return ids, nil
}

// Get implements Store.
func (s *SQLStore) Get(id string) (User, error) {
	return s.scanUser(s.stmts["get"].QueryRow(id))
}

// Create implements Store.
func (s *SQLStore) Create(u User) error {
	args, err := s.userArgs(&u)
	if err != nil {
		return err
	}
	res, err := s.stmts["create"].Exec(args...)
	if err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("create user: %w", err)
	} else if n == 0 {
		return ErrUserExists
	}
	return nil
}

// Update implements Store: the row is read and written in one
// transaction, under a row lock (PostgreSQL) or the write lock (SQLite).
func (s *SQLStore) Update(id string, fn func(u *User) error) error {
	tx, err := s.db.Begin()
	if err != nil {
		return fmt.Errorf("update user: %w", err)
	}
	defer tx.Rollback()
	u, err := s.scanUser(tx.Stmt(s.stmts["getForUpdate"]).QueryRow(id))
	if err != nil {
		return err
	}
	if err := fn(&u); err != nil {
		return err
	}
	u.ID = id
	args, err := s.userArgs(&u)
	if err != nil {
		return err
	}
	if _, err := tx.Stmt(s.stmts["update"]).Exec(args...); err != nil {
		return fmt.Errorf("update user: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("update user: %w", err)
	}
	return nil
}

// Delete implements Store.
func (s *SQLStore) Delete(id string) error {
	res, err := s.stmts["delete"].Exec(id)
	if err != nil {
		return fmt.Errorf("delete user: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("delete user: %w", err)
	} else if n == 0 {
		return ErrNoSuchUser
	}
	return nil
}

// Spend implements Store with one conditional UPDATE, and the counter's
// zeroing in the same transaction (PostgreSQL: the same statement).
func (s *SQLStore) Spend(id, factorID string, step uint64, clearKey string) error {
	return s.spendAt(id, factorID, step, clearKey, time.Now())
}

func (s *SQLStore) spendAt(id, factorID string, step uint64, clearKey string, now time.Time) error {
	n, err := s.spend(id, factorID, int64(step), clearKey, now)
	if err != nil {
		return fmt.Errorf("spend code: %w", err)
	}
	if n == 1 {
		return nil
	}
	return spendRefused(s.stmts["spent"].QueryRow(id), factorID)
}

// spendRefused says why a spend changed nothing, from the "spent" query.
func spendRefused(r rowScanner, factorID string) error {
	var has bool
	var active string
	switch err := r.Scan(&has, &active); {
	case errors.Is(err, sql.ErrNoRows):
		return ErrNoSuchUser
	case err != nil:
		return fmt.Errorf("spend code: %w", err)
	case !has || active != factorID:
		return ErrBadCode
	}
	return ErrReplay
}

func (s *SQLStore) spend(id, factorID string, step int64, clearKey string, now time.Time) (int64, error) {
	if s.d.spendAndClear != "" {
		var n int64
		err := s.stmts["spendAndClear"].QueryRow(id, factorID, step, clearKey, now.UnixMilli()).Scan(&n)
		return n, err
	}
	tx, err := s.db.Begin()
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	res, err := tx.Stmt(s.stmts["spend"]).Exec(id, factorID, step)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if err != nil || n != 1 {
		return n, err
	}
	if _, err := tx.Stmt(s.stmts["zero"]).Exec(clearKey, now.UnixMilli()); err != nil {
		return 0, err
	}
	return n, tx.Commit()
}

// attemptArgs are attemptSQL's parameters.
func attemptArgs(key string, now time.Time, p Throttle) []any {
	return []any{key, now.UnixMilli(), p.MaxFailures, p.Lockout.Milliseconds(), p.MaxLockout.Milliseconds(), p.Forget.Milliseconds()}
}

// Attempt implements Store with one upsert (attemptSQL).
func (s *SQLStore) Attempt(key string, now time.Time, p Throttle) (ThrottleInfo, error) {
	p = p.orDefault(userThrottle)
	var st throttleState
	err := s.stmts["attempt"].QueryRow(attemptArgs(key, now, p)...).Scan(&st.Failures, &st.Lockouts, &st.LockedUntil)
	if errors.Is(err, sql.ErrNoRows) {
		// Locked: the upsert's WHERE refused the row.
		return s.locked(key)
	}
	if err != nil {
		return ThrottleInfo{}, fmt.Errorf("count attempt: %w", err)
	}
	s.sweep(now, p)
	return st.info(), nil
}

// locked is the answer to an attempt on a locked key.
func (s *SQLStore) locked(key string) (ThrottleInfo, error) {
	info, err := s.Throttled(key)
	if err != nil {
		return info, err
	}
	return info, &LockoutError{Until: info.LockedUntil}
}

// sweep forgets idle counters every 1024th attempt so that sprayed names
// do not pile up; a failure here loses nothing.
func (s *SQLStore) sweep(now time.Time, p Throttle) {
	if s.sweeps.Add(1)%1024 == 0 {
		ms := now.UnixMilli()
		_, _ = s.stmts["sweep"].Exec(ms, ms-p.Forget.Milliseconds())
	}
}

// scanCodeUser reads codeColumns (which may all be NULL: no such user).
func (s *SQLStore) scanCodeUser(id sql.NullString, active []byte, activeID, recov sql.NullString, last, created, modified sql.NullInt64) (User, error) {
	if !id.Valid {
		return User{}, ErrNoSuchUser
	}
	u := User{ID: id.String, Recovery: strings.Fields(recov.String)}
	var err error
	if u.Active, err = s.open(u.ID, "active", active); err != nil {
		return User{}, err
	}
	if s.checks != nil {
		s.actives.put(u.ID, active)
	}
	if last.Valid {
		u.LastStep, u.HasLastStep = uint64(last.Int64), true
	}
	u.Created, u.Modified = time.Unix(0, created.Int64).UTC(), time.Unix(0, modified.Int64).UTC()
	return u, nil
}

// Verify implements Store, deciding concurrent checks in batches.
// PostgreSQL: two statements per batch, two round trips (the attempts and
// the reads in one, on the counters' pool; the spends and the clearing in
// one, committed durably). SQLite: one IMMEDIATE transaction per batch,
// one commit.
func (s *SQLStore) Verify(id, key string, now time.Time, p Throttle, match func(u *User) (uint64, error)) (ThrottleInfo, error) {
	p = p.orDefault(userThrottle)
	if s.counts != nil {
		return s.verifyBatched(id, key, now, p, match)
	}
	return s.verifyTxBatched(id, key, now, p, match)
}

// verifyAlone is a PostgreSQL check on its own, for what a batch could
// not count: attemptAndGetSQL (the full upsert and the read), then the
// spend.
func (s *SQLStore) verifyAlone(id, key string, now time.Time, p Throttle, match func(u *User) (uint64, error)) (ThrottleInfo, error) {
	var row codeRow
	if err := s.stmts["attemptAndGet"].QueryRow(append(attemptArgs(key, now, p), id)...).Scan(row.dest()...); err != nil {
		return ThrottleInfo{}, fmt.Errorf("verify code: %w", err)
	}
	if !row.failures.Valid {
		return s.locked(key)
	}
	s.sweep(now, p)
	info := row.info()
	u, step, err := s.matchRow(&row, match)
	if err != nil {
		return info, err
	}
	return info, s.spendAt(id, u.Active.ID, step, key, now)
}

func (s *SQLStore) verifyOneTx(id, key string, now time.Time, p Throttle, match func(u *User) (uint64, error)) (ThrottleInfo, error) {
	tx, err := s.db.Begin()
	if err != nil {
		return ThrottleInfo{}, fmt.Errorf("verify code: %w", err)
	}
	defer tx.Rollback()
	info, outcome, err := s.checkInTx(tx, id, key, now, p, match)
	if err != nil {
		// Keep the attempt counted if the transaction still can.
		_ = tx.Commit()
		return info, err
	}
	// The attempt counts whatever the outcome: commit it in every case.
	if err := tx.Commit(); err != nil {
		return info, fmt.Errorf("verify code: %w", err)
	}
	s.sweep(now, p)
	return info, outcome
}

// checkInTx is one check in tx: count the attempt, read the user, match,
// spend and zero the counter. outcome is the check's answer (accepted,
// locked, replay, bad code…); err a failure of the database, after which
// tx must not be committed.
func (s *SQLStore) checkInTx(tx *sql.Tx, id, key string, now time.Time, p Throttle, match func(u *User) (uint64, error)) (info ThrottleInfo, outcome, err error) {
	var st throttleState
	err = tx.Stmt(s.stmts["attempt"]).QueryRow(attemptArgs(key, now, p)...).Scan(&st.Failures, &st.Lockouts, &st.LockedUntil)
	if errors.Is(err, sql.ErrNoRows) {
		// Locked: the upsert's WHERE refused the row.
		err = tx.Stmt(s.stmts["throttled"]).QueryRow(key).Scan(&st.Failures, &st.Lockouts, &st.LockedUntil)
		if err != nil {
			return ThrottleInfo{}, nil, fmt.Errorf("read attempt counter: %w", err)
		}
		info = st.info()
		return info, &LockoutError{Until: info.LockedUntil}, nil
	}
	if err != nil {
		return ThrottleInfo{}, nil, fmt.Errorf("count attempt: %w", err)
	}
	info = st.info()
	var row codeRow
	err = tx.Stmt(s.stmts["getCode"]).QueryRow(id).Scan(&row.uid, &row.active, &row.activeID, &row.last, &row.recov, &row.created, &row.modified)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return info, nil, fmt.Errorf("verify code: %w", err)
	}
	u, step, outcome := s.matchRow(&row, match)
	if outcome != nil {
		return info, outcome, nil
	}
	res, err := tx.Stmt(s.stmts["spend"]).Exec(id, u.Active.ID, int64(step))
	if err != nil {
		return info, nil, fmt.Errorf("spend code: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return info, nil, fmt.Errorf("spend code: %w", err)
	} else if n != 1 {
		outcome := spendRefused(tx.Stmt(s.stmts["spent"]).QueryRow(id), u.Active.ID)
		if !errors.Is(outcome, ErrReplay) && !errors.Is(outcome, ErrBadCode) && !errors.Is(outcome, ErrNoSuchUser) {
			return info, nil, outcome
		}
		return info, outcome, nil
	}
	if _, err := tx.Stmt(s.stmts["zero"]).Exec(key, now.UnixMilli()); err != nil {
		return info, nil, fmt.Errorf("spend code: %w", err)
	}
	return info, nil, nil
}

// Throttled implements Store.
func (s *SQLStore) Throttled(key string) (ThrottleInfo, error) {
	var st throttleState
	err := s.stmts["throttled"].QueryRow(key).Scan(&st.Failures, &st.Lockouts, &st.LockedUntil)
	if errors.Is(err, sql.ErrNoRows) {
		return ThrottleInfo{}, nil
	}
	if err != nil {
		return ThrottleInfo{}, fmt.Errorf("read attempt counter: %w", err)
	}
	return st.info(), nil
}

// Clear implements Store.
func (s *SQLStore) Clear(key string) error {
	if _, err := s.stmts["clear"].Exec(key); err != nil {
		return fmt.Errorf("clear attempt counter: %w", err)
	}
	return nil
}

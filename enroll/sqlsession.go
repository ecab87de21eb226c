package enroll

import (
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Sessions in the SQL stores: table nidan_enroll_sessions (schema version
// 2), on the durable pool, so that a sign-out or a revocation survives a
// crash like the replay guard does. Data is sealed like a factor, bound to
// the session's key.

func sessionAAD(key string) []byte { return []byte("nidan-enroll-session/v1\x00" + key) }

func (s *SQLStore) sealData(key string, data []byte) ([]byte, error) {
	if data == nil {
		return nil, nil
	}
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(data)+s.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return s.aead.Seal(nonce, nonce, data, sessionAAD(key)), nil
}

func (s *SQLStore) openData(key string, sealed []byte) ([]byte, error) {
	if sealed == nil {
		return nil, nil
	}
	n := s.aead.NonceSize()
	if len(sealed) < n {
		return nil, fmt.Errorf("session data: %w", ErrCorrupt)
	}
	plain, err := s.aead.Open(nil, sealed[:n], sealed[n:], sessionAAD(key))
	if err != nil {
		return nil, fmt.Errorf("session data: %w", ErrWrongKey)
	}
	return plain, nil
}

// CreateSession implements Store in one transaction, under the user's row
// lock (PostgreSQL) or the write lock (SQLite), so that concurrent sign-ins
// of one user cannot overrun maxPerUser.
func (s *SQLStore) CreateSession(ns Session, maxPerUser int) error {
	data, err := s.sealData(ns.Key, ns.Data)
	if err != nil {
		return err
	}
	tx, err := s.db.Begin()
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	defer tx.Rollback()
	var id string
	switch err := tx.Stmt(s.stmts["sessionUser"]).QueryRow(ns.User).Scan(&id); {
	case errors.Is(err, sql.ErrNoRows):
		return ErrNoSuchUser
	case err != nil:
		return fmt.Errorf("create session: %w", err)
	}
	now := ns.Created.UnixMilli()
	if _, err := tx.Stmt(s.stmts["sessionsExpire"]).Exec(now); err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	if _, err := tx.Stmt(s.stmts["sessionsCap"]).Exec(ns.User, max(maxPerUser-1, 0)); err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	if _, err := tx.Stmt(s.stmts["sessionCreate"]).Exec(ns.Key, ns.User, boolInt(ns.WithCode), data, now, ns.Expires.UnixMilli()); err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (s *SQLStore) scanSession(key string, r rowScanner, withKey bool) (Session, error) {
	var (
		out              Session
		withCode         int
		sealed           []byte
		created, expires int64
	)
	dest := []any{&out.User, &withCode, &sealed, &created, &expires}
	if withKey {
		dest[0] = &out.Key
	}
	if err := r.Scan(dest...); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return Session{}, ErrNoSession
		}
		return Session{}, fmt.Errorf("read session: %w", err)
	}
	if !withKey {
		out.Key = key
	}
	data, err := s.openData(out.Key, sealed)
	if err != nil {
		return Session{}, err
	}
	out.WithCode, out.Data = withCode != 0, data
	out.Created, out.Expires = time.UnixMilli(created).UTC(), time.UnixMilli(expires).UTC()
	return out, nil
}

// Session implements Store.
func (s *SQLStore) Session(key string, now time.Time) (Session, error) {
	return s.scanSession(key, s.stmts["session"].QueryRow(key, now.UnixMilli()), false)
}

// SaveSession implements Store: a conditional UPDATE, so a session deleted
// meanwhile stays deleted.
func (s *SQLStore) SaveSession(ns Session, now time.Time) error {
	data, err := s.sealData(ns.Key, ns.Data)
	if err != nil {
		return err
	}
	res, err := s.stmts["sessionSave"].Exec(ns.Key, data, ns.Expires.UnixMilli(), now.UnixMilli())
	if err != nil {
		return fmt.Errorf("save session: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("save session: %w", err)
	} else if n == 0 {
		return ErrNoSession
	}
	return nil
}

// DeleteSession implements Store.
func (s *SQLStore) DeleteSession(key string) error {
	if _, err := s.stmts["sessionDelete"].Exec(key); err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	return nil
}

// DeleteSessions implements Store.
func (s *SQLStore) DeleteSessions(user string) error {
	if _, err := s.stmts["sessionsDelete"].Exec(user); err != nil {
		return fmt.Errorf("end sessions of %q: %w", user, err)
	}
	return nil
}

// UserSessions implements Store.
func (s *SQLStore) UserSessions(user string, now time.Time) ([]Session, error) {
	rows, err := s.stmts["userSessions"].Query(user, now.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	defer rows.Close()
	var out []Session
	for rows.Next() {
		ss, err := s.scanSession("", rows, true)
		if err != nil {
			return nil, err
		}
		ss.User = user
		out = append(out, ss)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	return out, nil
}

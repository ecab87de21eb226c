//go:build !android && !ios

package enroll

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver, pure Go
)

var sqliteDialect = dialect{
	name: "SQLite",
	blob: "BLOB",
	// No FOR UPDATE: every transaction begins IMMEDIATE (the DSN's
	// _txlock), which takes the database's write lock at once.
	rebind: func(q string) string { return dollarN.ReplaceAllString(q, "?$1") },
}

// OpenSQLite opens (creating it 0600 if need be) the SQLite database at
// path and brings its schema up to date. key seals the TOTP secrets; it is
// not kept in the database. Several processes on one machine may share the
// file (WAL mode, a busy timeout); for several machines use PostgreSQL.
func OpenSQLite(path string, key []byte) (*SQLStore, error) {
	if path == "" || strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("open enroll SQLite store: bad path %q", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("open enroll SQLite store: %w", err)
	}
	// Create the file ourselves so that it (and the -wal and -shm files,
	// which SQLite gives the same mode) is private from the start.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open enroll SQLite store: %w", err)
	}
	f.Close()
	dsn := "file:" + path + "?_txlock=immediate&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
		"&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open enroll SQLite store: %w", err)
	}
	// One connection: SQLite has one writer at a time anyway, and queueing
	// in Go is much faster than SQLite's busy-wait between connections.
	db.SetMaxOpenConns(1)
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("open enroll SQLite store %s: %w", path, errors.Join(ErrCorrupt, err))
	}
	return openSQL(db, db, sqliteDialect, key)
}

package formats

import (
	"bytes"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	_ "modernc.org/sqlite" // pure Go: no cgo, builds for every target

	"github.com/nidan-auth/nidan/accounts"
)

// Google Authenticator and Microsoft Authenticator keep their accounts in
// SQLite databases, which a user copies off a rooted phone. database/sql
// needs a file, so the bytes go to a private temporary file, opened read
// only and immutable, and removed afterwards. A -wal file beside the
// original is not read: docs/formats.md says to close the app first.

const sqliteMagic = "SQLite format 3\x00"

func isSQLite(s *sniff, schemaWords ...string) bool {
	if !bytes.HasPrefix(s.data, []byte(sqliteMagic)) {
		return false
	}
	for _, w := range schemaWords { // the schema is plain text in page 1
		if !bytes.Contains(s.data[:min(len(s.data), 64<<10)], []byte(w)) {
			return false
		}
	}
	return true
}

// withSQLite opens data as a read-only SQLite database for fn.
func withSQLite(data []byte, fn func(db *sql.DB) error) error {
	dir, err := os.MkdirTemp("", "nidan-import-*") // 0700
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "db")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return err
	}
	// A file: URI takes forward slashes, and a Windows path (C:\...)
	// goes after a third slash: file:///C:/Users/...
	upath := filepath.ToSlash(path)
	if !strings.HasPrefix(upath, "/") {
		upath = "/" + upath
	}
	dsn := (&url.URL{Scheme: "file", Path: upath, RawQuery: "mode=ro&immutable=1"}).String()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return fmt.Errorf("%w: %v", accounts.ErrMalformed, err)
	}
	defer db.Close()
	if err := fn(db); err != nil {
		return err
	}
	return db.Close()
}

// sqlRows runs query and calls fn per row with the row's 1-based number.
func sqlRows(db *sql.DB, query string, fn func(n int, rows *sql.Rows) error) error {
	rows, err := db.Query(query)
	if err != nil {
		return fmt.Errorf("%w: %v", accounts.ErrMalformed, err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
		if err := fn(n, rows); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%w: %v", accounts.ErrMalformed, err)
	}
	return nil
}

// setDBKey fills in a row's kind of code and key where, as in Google's and
// Authenticator Plus's databases, type 0 is TOTP, 1 HOTP at counter, and
// the secret is base32.
func setDBKey(a *accounts.Account, typ, counter int64, secret string) error {
	switch typ {
	case 0:
		a.Type = accounts.TOTP
	case 1:
		a.Type, a.Counter = accounts.HOTP, uint64(max(counter, 0))
	default:
		return &accounts.FieldError{Field: "type", Value: fmt.Sprint(typ), Err: ErrUnsupportedOTP}
	}
	var err error
	a.Secret, err = accounts.DecodeSecret(secret)
	return err
}

// hasColumn reports whether table has the column.
func hasColumn(db *sql.DB, table, column string) bool {
	rows, err := db.Query("SELECT * FROM " + table + " LIMIT 0")
	if err != nil {
		return false
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	for _, c := range cols {
		if strings.EqualFold(c, column) {
			return true
		}
	}
	return false
}

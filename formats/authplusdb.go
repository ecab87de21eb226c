package formats

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/internal/sqlcipher"
)

// Authenticator Plus's backup database, authplus.db: SQLCipher 3 under the
// app's master password (docs/formats.md, "Authenticator Plus export and
// backup" and "SQLCipher databases").
var authPlusDBFormat = Format{
	Name: "authplus-db", App: "Authenticator Plus backup database (authplus.db)",
	detect: func(s *sniff) bool { return isSQLCipher3(s.data) },
	read:   readAuthPlusDB,
}

// authPlusCipher is a var so fuzzing can lower its KDF cost.
var authPlusCipher = sqlcipher.V3

// isSQLCipher3: an encrypted SQLCipher file has no magic; it is binary,
// whole 1024-byte pages, at least two (the schema and a table), and none
// of the files with a magic number.
func isSQLCipher3(d []byte) bool {
	return len(d) >= 2*sqlcipher.V3.PageSize && len(d)%sqlcipher.V3.PageSize == 0 && !utf8.Valid(d[:512]) &&
		!bytes.HasPrefix(d, []byte(sqliteMagic)) && !bytes.HasPrefix(d, []byte("PK\x03\x04"))
}

func readAuthPlusDB(data []byte, password func() ([]byte, error), c *collector) error {
	pw, err := askPassword(password)
	if err != nil {
		return err
	}
	plain, err := sqlcipher.Decrypt(data, pw, authPlusCipher)
	if errors.Is(err, sqlcipher.ErrWrongPassword) {
		// An andOTP backup can happen to be whole 1024-byte pages too.
		if p, aerr := decryptAndOTP(data, pw); aerr == nil {
			return importAndOTP(p, c)
		}
		return accounts.ErrWrongPassword
	}
	if err != nil {
		return fmt.Errorf("%w: %v", accounts.ErrMalformed, err)
	}
	return withSQLite(plain, func(db *sql.DB) error { return readAuthPlusAccounts(db, c) })
}

func readAuthPlusAccounts(db *sql.DB, c *collector) error {
	order := "rowid"
	if hasColumn(db, "accounts", "position") {
		order = "position, rowid"
	}
	cols := []string{"email", "secret", "counter", "type", "issuer", "original_name", "category"}
	for i, col := range cols[4:] { // not in every version of the app
		if !hasColumn(db, "accounts", col) {
			cols[4+i] = "NULL"
		}
	}
	q := "SELECT " + strings.Join(cols, ", ") + " FROM accounts ORDER BY " + order
	return sqlRows(db, q, func(n int, rows *sql.Rows) error {
		where := fmt.Sprintf("row %d", n)
		var email, secret, issuer, original, category sql.NullString
		var counter, typ sql.NullInt64
		if err := rows.Scan(&email, &secret, &counter, &typ, &issuer, &original, &category); err != nil {
			c.fail(where, "", fmt.Errorf("%w: %v", accounts.ErrMalformed, err))
			return nil
		}
		a := authPlusAccount(strings.TrimSpace(email.String), strings.TrimSpace(issuer.String), strings.TrimSpace(original.String))
		if g := strings.TrimSpace(category.String); g != "All Accounts" {
			a.Group = g
		}
		c.add(where, a, setDBKey(&a, typ.Int64, counter.Int64, secret.String))
		return nil
	})
}

// authPlusAccount names an account: the issuer column when set, else the
// part of original_name before ':', else the e-mail alone stands as the
// issuer.
func authPlusAccount(email, issuer, original string) accounts.Account {
	if issuer != "" {
		return accounts.Account{Issuer: issuer, Name: email}
	}
	if i, _, ok := strings.Cut(original, ":"); ok && strings.TrimSpace(i) != "" {
		return accounts.Account{Issuer: strings.TrimSpace(i), Name: email}
	}
	return accounts.Account{Issuer: email}
}

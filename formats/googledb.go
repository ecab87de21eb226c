package formats

import (
	"database/sql"
	"fmt"
	"strings"

	"github.com/nidan-auth/nidan/accounts"
)

// Google Authenticator's own database, databases/databases (docs/formats.md,
// "Google Authenticator database").
var googleDBFormat = Format{
	Name: "google-db", App: "Google Authenticator database (databases)",
	detect: func(s *sniff) bool {
		return isSQLite(s, "accounts", "email", "secret") && !isSQLite(s, "oath_secret_key")
	},
	read: func(data []byte, _ func() ([]byte, error), c *collector) error {
		return withSQLite(data, func(db *sql.DB) error { return readGoogleDB(db, c) })
	},
}

func readGoogleDB(db *sql.DB, c *collector) error {
	issuer := "issuer"
	if !hasColumn(db, "accounts", "issuer") { // databases from before Google Authenticator 2.x
		issuer = "NULL"
	}
	return sqlRows(db, "SELECT email, secret, counter, type, "+issuer+" FROM accounts ORDER BY _id", func(n int, rows *sql.Rows) error {
		var email, secret, issuer sql.NullString
		var counter, typ sql.NullInt64
		if err := rows.Scan(&email, &secret, &counter, &typ, &issuer); err != nil {
			c.fail(fmt.Sprintf("row %d", n), "", fmt.Errorf("%w: %v", accounts.ErrMalformed, err))
			return nil
		}
		a := accounts.Account{Issuer: strings.TrimSpace(issuer.String), Name: strings.TrimSpace(email.String)}
		if i, name, ok := strings.Cut(a.Name, ":"); ok && (a.Issuer == "" || strings.EqualFold(strings.TrimSpace(i), a.Issuer)) {
			a.Issuer, a.Name = strings.TrimSpace(i), strings.TrimSpace(name)
		}
		c.add(fmt.Sprintf("row %d", n), a, setDBKey(&a, typ.Int64, counter.Int64, secret.String))
		return nil
	})
}

package formats

import (
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/nidan-auth/nidan/accounts"
)

// Microsoft Authenticator's database, databases/PhoneFactor (docs/formats.md,
// "Microsoft Authenticator database").
var microsoftFormat = Format{
	Name: "microsoft", App: "Microsoft Authenticator database (PhoneFactor)",
	detect: func(s *sniff) bool { return isSQLite(s, "accounts", "oath_secret_key") },
	read: func(data []byte, _ func() ([]byte, error), c *collector) error {
		return withSQLite(data, func(db *sql.DB) error { return readMicrosoft(db, c) })
	},
}

var errMicrosoftWork = errors.New("a work or school account: Microsoft keeps its key on its servers, so it cannot move; add it again from the organisation's sign-in page")

func readMicrosoft(db *sql.DB, c *collector) error {
	return sqlRows(db, "SELECT name, username, oath_secret_key, account_type FROM accounts ORDER BY _id", func(n int, rows *sql.Rows) error {
		var name, user, secret sql.NullString
		var typ sql.NullInt64
		where := fmt.Sprintf("row %d", n)
		if err := rows.Scan(&name, &user, &secret, &typ); err != nil {
			c.fail(where, "", fmt.Errorf("%w: %v", accounts.ErrMalformed, err))
			return nil
		}
		a := accounts.Account{Type: accounts.TOTP, Issuer: strings.TrimSpace(name.String), Name: strings.TrimSpace(user.String)}
		var err error
		switch typ.Int64 {
		case 0: // another service's TOTP
			a.Secret, err = accounts.DecodeSecret(secret.String)
		case 1: // a personal Microsoft account: base64 key, 8 digits
			a.Digits = 8
			if a.Secret, err = base64.StdEncoding.DecodeString(strings.TrimSpace(secret.String)); err != nil || len(a.Secret) == 0 {
				err = &accounts.FieldError{Field: "secret", Err: accounts.ErrInvalidSecret}
			}
		default:
			err = errMicrosoftWork
		}
		c.add(where, a, err)
		return nil
	})
}

// Package accountstest makes accounts for tests and benchmarks of the
// packages built on accounts: many distinct, valid accounts of every
// algorithm and code length, the same on every run.
package accountstest

import (
	"fmt"

	"github.com/nidan-auth/nidan/accounts"
)

// Many returns n valid TOTP accounts with distinct secrets, issuers and
// names, cycling through the three algorithms and 6, 7 and 8 digits.
func Many(n int) []accounts.Account {
	out := make([]accounts.Account, n)
	for i := range out {
		secret := make([]byte, 20)
		for j := range secret {
			secret[j] = byte(i*31 + j)
		}
		// Distinct secrets past 256 accounts: the index itself, too.
		secret[16], secret[17], secret[18], secret[19] = byte(i>>24), byte(i>>16), byte(i>>8), byte(i)
		a := accounts.New(accounts.TOTP, fmt.Sprintf("Issuer %d", i), fmt.Sprintf("user%d@example.com", i), secret)
		a.Algorithm = []accounts.Algorithm{accounts.SHA1, accounts.SHA256, accounts.SHA512}[i%3]
		a.Digits = 6 + i%3
		out[i] = a
	}
	return out
}

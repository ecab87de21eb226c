// Command genvault writes a vault with many accounts for scripts/bench-ui.sh:
//
//	go run ./scripts/benchui/genvault -n 1000 -password secret -o /tmp/x/vault.nidan
//
// The accounts have random keys, a few groups, and every tenth is HOTP. It
// uses the app's own KDF cost, so unlocking costs what it costs users.
package main

import (
	"crypto/rand"
	"flag"
	"fmt"
	"log"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/vault"
)

func main() {
	n := flag.Int("n", 1000, "number of accounts")
	pw := flag.String("password", "", "vault password")
	out := flag.String("o", "", "vault path (must not exist)")
	flag.Parse()
	if *pw == "" || *out == "" {
		log.Fatal("usage: genvault -n N -password PW -o PATH")
	}
	v, err := vault.Create(*out, []byte(*pw), vault.Options{})
	if err != nil {
		log.Fatal(err)
	}
	issuers := []string{"GitHub", "Google", "AWS", "GitLab", "Microsoft", "Dropbox", "Slack", "Example"}
	groups := []string{"", "Work", "Personal", "Servers"}
	accts := make([]accounts.Account, *n)
	for i := range accts {
		secret := make([]byte, 20)
		rand.Read(secret)
		typ := accounts.TOTP
		if i%10 == 9 {
			typ = accounts.HOTP
		}
		a := accounts.New(typ, issuers[i%len(issuers)], fmt.Sprintf("user%04d@example.com", i), secret)
		if typ == accounts.HOTP {
			a.Period = 0
		}
		a.Group = groups[i%len(groups)]
		accts[i] = a
	}
	if _, err := v.Add(accts...); err != nil {
		log.Fatal(err)
	}
	v.Lock()
	fmt.Printf("wrote %d accounts to %s\n", *n, *out)
}

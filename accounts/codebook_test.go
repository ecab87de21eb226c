package accounts_test

import (
	"testing"
	"time"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/accounts/accountstest"
)

func TestCodebookMatchesCodeAt(t *testing.T) {
	accts := accountstest.Many(1000)[:50]
	accts[7].Type, accts[7].Period = accounts.HOTP, 0
	accts[8].Type, accts[8].Digits = accounts.Steam, 5
	accts[9].Period = 45
	book := accounts.NewCodebook()
	start := time.Unix(1_700_000_000, 0)
	for sec := range 200 {
		now := start.Add(time.Duration(sec) * time.Second)
		if sec == 100 { // an edit must not serve stale codes
			accts[3].Secret = []byte("another secret!!")
			accts[7].Counter++
		}
		for i := range accts {
			got, err := book.Code(&accts[i], now)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := accts[i].CodeAt(now)
			if got.Current != want.Current || got.Remaining != want.Remaining || got.Period != want.Period {
				t.Fatalf("account %d at +%ds: book %+v, CodeAt %+v", i, sec, got, want)
			}
			if got.Next != "" && got.Next != want.Next {
				t.Fatalf("account %d at +%ds: next %s, want %s", i, sec, got.Next, want.Next)
			}
			if got.Next == "" && got.Remaining <= 5*time.Second {
				t.Fatalf("account %d at +%ds: no next code %v before expiry", i, sec, got.Remaining)
			}
		}
	}
	book.Forget(accts[0].ID)
	book.Reset()
}

package formats

import (
	"errors"
	"testing"

	"github.com/nidan-auth/nidan/accounts"
)

// fuzzReader fuzzes one format's reader on its own, seeded with its
// fixtures, so that each gets the whole fuzzing time scripts/test.sh gives
// a target.
func fuzzReader(f *testing.F, format string, seeds ...string) {
	fuzzCheap(f)
	oldCipher := authPlusCipher
	authPlusCipher.Iterations = 2 // authplus_backup.db then reads as a wrong password, quickly
	f.Cleanup(func() { authPlusCipher = oldCipher })
	for _, s := range seeds {
		f.Add(readImport(f, s), testPassword)
		f.Add(readImport(f, s), "wrong")
	}
	f.Fuzz(func(t *testing.T, data []byte, password string) {
		asked := 0
		accts, err := Import(data, format, func() ([]byte, error) { asked++; return []byte(password), nil })
		checkFuzzedImport(t, accts, err, asked)
	})
}

// checkFuzzedImport holds what every import of arbitrary input promises: no
// panic, the password asked at most once, accounts on failure only beside
// an *ImportError naming the bad entries, and what is read valid and
// surviving an export to URIs and back.
func checkFuzzedImport(t *testing.T, accts []accounts.Account, err error, asked int) {
	t.Helper()
	if asked > 1 {
		t.Fatalf("password asked %d times", asked)
	}
	var ie *ImportError
	if err != nil && !errors.As(err, &ie) && accts != nil {
		t.Fatalf("error %v with %d accounts", err, len(accts))
	}
	if ie != nil && (len(ie.Entries) == 0 || ie.Read != len(accts)) {
		t.Fatalf("inconsistent ImportError: %v", ie)
	}
	for i := range accts {
		if err := accts[i].Validate(); err != nil {
			t.Fatalf("account %d invalid: %v", i, err)
		}
	}
	checkURIRoundTrip(t, accts)
}

func FuzzDuo(f *testing.F)       { fuzzReader(f, "duo", "duo.json") }
func FuzzBattleNet(f *testing.F) { fuzzReader(f, "battlenet", "battlenet.xml", "battlenet_bma.xml") }
func FuzzWinAuth(f *testing.F)   { fuzzReader(f, "winauth", "winauth.txt", "uris.txt") }
func FuzzTOTPAuth(f *testing.F) {
	fuzzReader(f, "totp-authenticator", "totpauth.xml", "totpauth_backup.encrypt", "totpauth_backup_default.encrypt")
}
func FuzzRaivo(f *testing.F)      { fuzzReader(f, "raivo", "raivo.zip", "raivo_zipcrypto.zip") }
func FuzzAuthPlus(f *testing.F)   { fuzzReader(f, "authplus", "authplus.zip") }
func FuzzAuthPlusDB(f *testing.F) { fuzzReader(f, "authplus-db", "authplus_backup.db") }

package formats

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nidan-auth/nidan/accounts"
)

// fuzzCheap lowers the KDF caps (Aegis's scrypt, andOTP's PBKDF2, Ente's
// Argon2id) for fuzzing, so that each input costs milliseconds; the
// scrypt cap itself is tested by TestImportScryptCap.
func fuzzCheap(f *testing.F) {
	old, oldIter, oldMem, oldOps := maxScryptWork, andOTPMaxIterations, enteMaxMemBytes, enteMaxOps
	oldPT, oldPM, oldAuthy := protonArgonTime, protonArgonMemKiB, authyMaxIter
	maxScryptWork, andOTPMaxIterations, enteMaxMemBytes, enteMaxOps = 1<<14, 20000, 1<<20, 2
	protonArgonTime, protonArgonMemKiB, authyMaxIter = 1, 64, 2000 // Proton files then fail as a wrong password, quickly
	oldAPT, oldAPM, oldAPL, oldFO := authProArgonTime, authProArgonMemKiB, authProLegacyIter, freeOTP2MaxIterations
	authProArgonTime, authProArgonMemKiB, authProLegacyIter = 1, 64, 1000 // Authenticator Pro files then fail as a wrong password, quickly
	freeOTP2MaxIterations = 2000
	f.Cleanup(func() {
		authProArgonTime, authProArgonMemKiB, authProLegacyIter, freeOTP2MaxIterations = oldAPT, oldAPM, oldAPL, oldFO
		maxScryptWork, andOTPMaxIterations, enteMaxMemBytes, enteMaxOps = old, oldIter, oldMem, oldOps
		protonArgonTime, protonArgonMemKiB, authyMaxIter = oldPT, oldPM, oldAuthy
	})
}

func addImportSeeds(f *testing.F, fn func(data []byte)) {
	files, err := filepath.Glob(filepath.Join("testdata", "import", "*"))
	if err != nil {
		f.Fatal(err)
	}
	files = append(files, filepath.Join("..", "vault", "testdata", "vault", "backup.nidan"))
	for _, p := range files {
		if strings.HasSuffix(p, ".golden") || strings.HasSuffix(p, ".py") {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		fn(b)
	}
	for _, s := range []string{"", "{}", "[]", "null", `{"header":{},"db":""}`, `{"servicesEncrypted":"::"}`,
		`{"tokens":[{"secret":[1,2,300]}]}`, "otpauth://", "otpauth-migration://offline?data=", "\xef\xbb\xbf\r\n#\r\n"} {
		fn([]byte(s))
	}
}

// FuzzImport: no input panics or hangs, a failed import returns no accounts
// unless it names the bad entries, and what is imported is valid and
// survives an export to URIs and back.
func FuzzImport(f *testing.F) {
	fuzzCheap(f)
	addImportSeeds(f, func(b []byte) {
		for i := range len(registry) + 1 {
			f.Add(b, uint8(i), testPassword)
			f.Add(b, uint8(i), "vector password") // backup.nidan's
		}
	})
	formats := append([]string{""}, Names(All())...)
	f.Fuzz(func(t *testing.T, data []byte, which uint8, password string) {
		format := formats[int(which)%len(formats)]
		asked := 0
		accts, err := Import(data, format, func() ([]byte, error) { asked++; return []byte(password), nil })
		checkFuzzedImport(t, accts, err, asked)
	})
}

// checkURIRoundTrip exports accounts as URIs and imports them again.
func checkURIRoundTrip(t *testing.T, accts []accounts.Account) {
	t.Helper()
	if len(accts) == 0 {
		return
	}
	keep := make([]accounts.Account, len(accts))
	copy(keep, accts)
	var buf bytes.Buffer
	if err := ExportURIs(&buf, keep); err != nil {
		t.Fatalf("ExportURIs: %v", err)
	}
	back, err := Import(buf.Bytes(), FormatURIs, nil)
	if err != nil {
		t.Fatalf("re-import of exported URIs: %v\n%s", err, buf.Bytes())
	}
	for i := range keep {
		keep[i].Group = ""
	}
	if got, want := render(back), render(keep); got != want {
		t.Fatalf("URI round trip differs:\ngot:\n%s\nwant:\n%s", got, want)
	}
}

// FuzzDetectFormat: detection never panics, fails only with
// ErrUnknownFormat, and Import copes with whatever it detects.
func FuzzDetectFormat(f *testing.F) {
	fuzzCheap(f)
	addImportSeeds(f, func(b []byte) { f.Add(b) })
	f.Fuzz(func(t *testing.T, data []byte) {
		format, err := DetectFormat(data)
		if err != nil {
			if !errors.Is(err, ErrUnknownFormat) || format.Name != "" {
				t.Fatalf("DetectFormat = %q, %v", format.Name, err)
			}
			return
		}
		_, _ = Import(data, format.Name, func() ([]byte, error) { return []byte(testPassword), nil })
	})
}

package formats

import (
	"archive/zip"
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/nidan-auth/nidan/accounts"
)

// The fixtures gen_apps.py makes: each is detected as its format, imports
// as its .golden file, and names exactly the bad entries it holds while
// the others still import.
var appVectors = []struct {
	file, format, password string
	bad                    []string // Where of each entry that must fail
	badIs                  []error
}{
	{"duo.json", "duo", "", []string{"entry 3", "entry 4"}, []error{ErrUnsupportedOTP, accounts.ErrInvalidSecret}},
	{"battlenet.xml", "battlenet", "", nil, nil},
	{"battlenet_bma.xml", "battlenet", "", nil, nil},
	{"winauth.txt", "winauth", "", []string{"line 5"}, []error{accounts.ErrInvalidSecret}},
	{"totpauth.xml", "totp-authenticator", "", []string{"entry 4"}, []error{errTOTPAuthBase}},
	{"totpauth_backup.encrypt", "totp-authenticator", testPassword, []string{"entry 4"}, []error{errTOTPAuthBase}},
	{"raivo.zip", "raivo", testPassword, []string{"entry 4"}, []error{accounts.ErrUnknownAlgorithm}},           // 7-Zip, WinZip AES-256
	{"raivo_zipcrypto.zip", "raivo", testPassword, []string{"entry 4"}, []error{accounts.ErrUnknownAlgorithm}}, // Info-ZIP, ZipCrypto
	{"authplus.zip", "authplus", testPassword, []string{"line 3"}, []error{accounts.ErrInvalidSecret}},
	{"authplus_backup.db", "authplus-db", testPassword, []string{"row 4"}, []error{ErrUnsupportedOTP}},           // Debian's sqlcipher 3.4.1
	{"totpauth_backup_default.encrypt", "totp-authenticator", "", []string{"entry 4"}, []error{errTOTPAuthBase}}, // the app's built-in password: not asked
}

func TestImportAppVectors(t *testing.T) {
	t.Parallel()
	for _, v := range appVectors {
		t.Run(v.file, func(t *testing.T) {
			data := readImport(t, v.file)
			if got, err := DetectFormat(data); err != nil || got.Name != v.format {
				t.Fatalf("DetectFormat = %q, %v; want %q", got.Name, err, v.format)
			}
			calls := 0
			password := func() ([]byte, error) { calls++; return []byte(v.password), nil }
			accts, err := Import(data, "", password)
			if wantCalls := min(len(v.password), 1); calls != wantCalls {
				t.Errorf("password asked %d times, want %d", calls, wantCalls)
			}
			checkBadEntries(t, err, v.bad, v.badIs)
			if len(accts) == 0 {
				t.Fatalf("no accounts imported: %v", err)
			}
			checkFresh(t, accts)
			checkGolden(t, v.file, accts)
		})
	}
}

// checkBadEntries requires err to name exactly the entries in where, each
// wrapping the matching error, and to leak no secret.
func checkBadEntries(t *testing.T, err error, where []string, is []error) {
	t.Helper()
	if len(where) == 0 {
		if err != nil {
			t.Fatalf("Import: %v", err)
		}
		return
	}
	var ie *ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v, want an *ImportError", err)
	}
	if len(ie.Entries) != len(where) {
		t.Fatalf("%d bad entries, want %d: %v", len(ie.Entries), len(where), err)
	}
	for i, e := range ie.Entries {
		if e.Where != where[i] || !errors.Is(e, is[i]) {
			t.Errorf("bad entry %d = %q (%v), want %q wrapping %v", i, e.Where, e.Err, where[i], is[i])
		}
	}
	if strings.Contains(err.Error(), "JBSWY3DP") {
		t.Errorf("error text leaks a secret: %v", err)
	}
}

func checkGolden(t *testing.T, file string, accts []accounts.Account) {
	t.Helper()
	golden := filepath.Join("testdata", "import", strings.TrimSuffix(file, filepath.Ext(file))+".golden")
	if *update {
		if err := os.WriteFile(golden, []byte(render(accts)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got := render(accts); got != string(want) {
		t.Errorf("imported accounts differ from %s:\ngot:\n%s\nwant:\n%s", golden, got, want)
	}
}

// Damage in the Battle.net masked values is named, never imported as a
// wrong key; a WinAuth file without WinAuth's parameters is a plain list.
func TestBattleNetAndWinAuthEdges(t *testing.T) {
	bnet := string(readImport(t, "battlenet.xml"))
	secretTag := `AUTHENTICATOR_DEVICE_SECRET">`
	secretRe := regexp.MustCompile(secretTag + `[0-9a-f]+<`)
	for _, tt := range []struct {
		name, data string
		want       error
	}{
		{"secret not hex", strings.Replace(bnet, secretTag, secretTag+"zz", 1), accounts.ErrMalformed},
		{"secret longer than the mask", strings.Replace(bnet, secretTag, secretTag+strings.Repeat("00", 60), 1), accounts.ErrMalformed},
		{"secret unmasks to non-hex", secretRe.ReplaceAllString(bnet, secretTag+"41f75d<"), accounts.ErrInvalidSecret}, // "xyz" masked
	} {
		t.Run(tt.name, func(t *testing.T) {
			accts, err := Import([]byte(tt.data), "", nil)
			if !errors.Is(err, tt.want) || len(accts) != 0 {
				t.Fatalf("Import = %d accounts, %v; want %v", len(accts), err, tt.want)
			}
		})
	}
	noSecret := strings.Replace(bnet, "DEVICE_SECRET", "OTHER", 1)
	if _, err := Import([]byte(noSecret), "", nil); !errors.Is(err, accounts.ErrMalformed) {
		t.Errorf("no device secret: %v", err)
	}
	badSerial := strings.Replace(bnet, `AUTHENTICATOR_SERIAL">`, `AUTHENTICATOR_SERIAL">q`, 1)
	if accts, err := Import([]byte(badSerial), "", nil); len(accts) != 1 || accts[0].Name != "" || !errors.Is(err, accounts.ErrMalformed) {
		t.Errorf("bad serial: %d accounts, %v; want the account, unnamed, and the serial reported", len(accts), err)
	}
	plain := "otpauth://totp/Steam:gamer?secret=GEZDGNBVGY3TQOJQ&digits=5&issuer=Steam\n"
	if f, _ := DetectFormat([]byte(plain)); f.Name != FormatURIs {
		t.Errorf("an otpauth line without WinAuth parameters detected as %q", f.Name)
	}
	accts, err := Import([]byte(plain), "winauth", nil)
	if err != nil || len(accts) != 1 || accts[0].Type != accounts.Steam {
		t.Errorf("WinAuth Steam line read explicitly: %v %v", render(accts), err)
	}
}

// TOTP Authenticator's backup has no MAC: what fails to decrypt is a wrong
// password, what is not base64 of whole blocks (or decrypts to an object
// without the list) is damage, and no password at all is asked for.
func TestTOTPAuthWrongPasswordVsDamage(t *testing.T) {
	enc := readImport(t, "totpauth_backup.encrypt")
	if _, err := Import(enc, "", pw("not the password")); !errors.Is(err, accounts.ErrWrongPassword) || errors.Is(err, accounts.ErrMalformed) {
		t.Errorf("wrong password: %v", err)
	}
	if _, err := Import(enc, "", nil); !errors.Is(err, ErrPasswordNeeded) {
		t.Errorf("no password: %v", err)
	}
	ct, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(enc)))
	if err != nil {
		t.Fatal(err)
	}
	flipped := bytes.Clone(ct)
	flipped[len(flipped)-1] ^= 0x55 // the padding no longer checks out
	for _, tt := range []struct {
		name string
		data []byte
		want error
	}{
		{"last block damaged", []byte(base64.StdEncoding.EncodeToString(flipped)), accounts.ErrWrongPassword},
		{"partial block", []byte(base64.StdEncoding.EncodeToString(ct[:len(ct)-3])), accounts.ErrMalformed},
		{"not base64", append([]byte("!"), enc...), accounts.ErrMalformed},
		{"no list inside", []byte(totpAuthSeal(t, `{"a": 1}`)), accounts.ErrMalformed},
		{"list not an array", []byte(totpAuthSeal(t, `{"x": "{}"}`)), accounts.ErrMalformed},
	} {
		t.Run(tt.name, func(t *testing.T) {
			accts, err := Import(tt.data, "totp-authenticator", pw(testPassword))
			if !errors.Is(err, tt.want) || accts != nil {
				t.Fatalf("Import = %d accounts, %v; want %v", len(accts), err, tt.want)
			}
			if tt.want == accounts.ErrMalformed && errors.Is(err, accounts.ErrWrongPassword) {
				t.Fatalf("damage reported as a wrong password: %v", err)
			}
		})
	}
	if f, err := DetectFormat([]byte(base64.StdEncoding.EncodeToString(ct[:len(ct)-3]))); err == nil {
		t.Errorf("base64 of a partial block detected as %q", f.Name)
	}
}

// totpAuthSeal encrypts plain as the app does (the layout gen_apps.py
// writes), under testPassword.
func totpAuthSeal(t *testing.T, plain string) string {
	t.Helper()
	key := sha256.Sum256([]byte(testPassword))
	block, err := aes.NewCipher(key[:])
	if err != nil {
		t.Fatal(err)
	}
	n := aes.BlockSize - len(plain)%aes.BlockSize
	padded := append([]byte(plain), bytes.Repeat([]byte{byte(n)}, n)...)
	cipher.NewCBCEncrypter(block, make([]byte, aes.BlockSize)).CryptBlocks(padded, padded)
	return base64.StdEncoding.EncodeToString(padded)
}

// The ZIP exports: a wrong password, no password and damage past the
// password check are three different answers, and none imports anything.
func TestZipExportsWrongPasswordVsDamage(t *testing.T) {
	for _, tt := range []struct{ file, entry string }{
		{"raivo.zip", raivoEntry},
		{"raivo_zipcrypto.zip", raivoEntry},
		{"authplus.zip", authPlusEntry},
	} {
		t.Run(tt.file, func(t *testing.T) {
			data := readImport(t, tt.file)
			if accts, err := Import(data, "", pw("not the password")); !errors.Is(err, accounts.ErrWrongPassword) || errors.Is(err, accounts.ErrMalformed) || accts != nil {
				t.Errorf("wrong password: %d accounts, %v", len(accts), err)
			}
			if _, err := Import(data, "", nil); !errors.Is(err, ErrPasswordNeeded) {
				t.Errorf("no password: %v", err)
			}
			// Flip a byte in the middle of the entry's encrypted data.
			zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range zr.File {
				if f.Name != tt.entry {
					continue
				}
				off, err := f.DataOffset()
				if err != nil {
					t.Fatal(err)
				}
				damaged := bytes.Clone(data)
				damaged[off+int64(f.CompressedSize64)/2] ^= 0x20
				accts, err := Import(damaged, "", pw(testPassword))
				if !errors.Is(err, accounts.ErrMalformed) || errors.Is(err, accounts.ErrWrongPassword) || accts != nil {
					t.Errorf("damaged entry: %d accounts, %v; want ErrMalformed", len(accts), err)
				}
			}
			if _, err := Import(data[:len(data)/2], tt.file[:strings.IndexAny(tt.file, "._")], pw(testPassword)); !errors.Is(err, accounts.ErrMalformed) {
				t.Errorf("cut in half: %v", err)
			}
		})
	}
}

// Authenticator Plus's database: a wrong password fails SQLCipher's first
// page, damage on a later page is named as such, no password is asked for.
func TestAuthPlusDBWrongPasswordVsDamage(t *testing.T) {
	data := readImport(t, "authplus_backup.db")
	if accts, err := Import(data, "", pw("not the password")); !errors.Is(err, accounts.ErrWrongPassword) || errors.Is(err, accounts.ErrMalformed) || accts != nil {
		t.Errorf("wrong password: %d accounts, %v", len(accts), err)
	}
	if _, err := Import(data, "", nil); !errors.Is(err, ErrPasswordNeeded) {
		t.Errorf("no password: %v", err)
	}
	damaged := bytes.Clone(data)
	damaged[len(damaged)-600] ^= 1
	if accts, err := Import(damaged, "", pw(testPassword)); !errors.Is(err, accounts.ErrMalformed) || errors.Is(err, accounts.ErrWrongPassword) || accts != nil {
		t.Errorf("damaged last page: %d accounts, %v", len(accts), err)
	}
	// An andOTP backup that happens to be whole 1024-byte pages is still
	// read as andOTP, whichever of the two detection picks.
	plain := []byte(`[{"secret":"JBSWY3DPEHPK3PXP","label":"pages","type":"TOTP","digits":6,"period":30,"algorithm":"SHA1","pad":"`)
	plain = append(plain, bytes.Repeat([]byte("x"), 2048-4-12-12-16-len(plain)-3)...)
	plain = append(plain, `"}]`...)
	enc := andOTPSealForTest(t, plain)
	if len(enc) != 2048 {
		t.Fatalf("andOTP test file is %d bytes", len(enc))
	}
	accts, err := Import(enc, "", pw(testPassword))
	if err != nil || len(accts) != 1 || accts[0].Name != "pages" {
		t.Errorf("andOTP backup of whole pages: %s %v", render(accts), err)
	}
}

// andOTPSealForTest writes andOTP's current layout (docs/formats.md) under
// testPassword with 1000 iterations.
func andOTPSealForTest(t *testing.T, plain []byte) []byte {
	t.Helper()
	salt, nonce := bytes.Repeat([]byte{1}, 12), bytes.Repeat([]byte{2}, 12)
	key, err := pbkdf2.Key(sha1.New, testPassword, salt, 1000, 32)
	if err != nil {
		t.Fatal(err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		t.Fatal(err)
	}
	out := binary.BigEndian.AppendUint32(nil, 1000)
	out = append(append(out, salt...), nonce...)
	return gcm.Seal(out, nonce, plain, nil)
}

// Only WinAuth's own marks make a line Steam: a "data" parameter under
// another issuer stays TOTP.
func TestWinAuthSteamNeedsSteam(t *testing.T) {
	for _, tt := range []struct {
		line string
		want accounts.Type
	}{
		{"otpauth://totp/Steam:gamer?secret=GEZDGNBVGY3TQOJQ&digits=5&issuer=Steam", accounts.Steam},
		{"otpauth://totp/gamer?secret=GEZDGNBVGY3TQOJQ&digits=5&deviceid=android%3A1", accounts.Steam},
		{"otpauth://totp/Example:x?secret=GEZDGNBVGY3TQOJQ&digits=6&data=abc&icon=Example", accounts.TOTP},
	} {
		accts, err := Import([]byte(tt.line), "winauth", nil)
		if err != nil || len(accts) != 1 || accts[0].Type != tt.want {
			t.Errorf("%s: %s %v; want %s", tt.line, render(accts), err, tt.want)
		}
	}
}

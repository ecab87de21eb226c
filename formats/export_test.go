package formats

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/internal/fsmode"
)

// lowExportCost makes ExportAegis cheap for the duration of a test, the way
// age's tests lower the scrypt work factor. The file still records the N used.
func lowExportCost(t *testing.T) {
	old := aegisExportLogN
	aegisExportLogN = 10
	t.Cleanup(func() { aegisExportLogN = old })
}

func exportAccounts() []accounts.Account {
	totp := accounts.New(accounts.TOTP, "GitHub", "alice@example.com", []byte("Hello!\xde\xad\xbe\xef"))
	totp.Group = "Work"
	hotp := accounts.New(accounts.HOTP, "Bank", "bob", []byte("12345678901234567890"))
	hotp.Algorithm, hotp.Digits, hotp.Counter = accounts.SHA256, 8, 42
	steam := accounts.New(accounts.Steam, "Steam", "gaben", []byte("abcdefghij"))
	odd := accounts.New(accounts.TOTP, "Ünïcode & Co", "a/b:c d", []byte("0123456789"))
	odd.Period, odd.Digits, odd.Algorithm = 60, 7, accounts.SHA512
	noIssuer := accounts.New(accounts.TOTP, "", "just a name", []byte("zyxwvutsrq"))
	return []accounts.Account{totp, hotp, steam, odd, noIssuer}
}

func TestExportAegisRoundTrip(t *testing.T) {
	lowExportCost(t)
	accts := exportAccounts()
	var buf bytes.Buffer
	if err := ExportAegis(&buf, accts, []byte("s3cret pässword")); err != nil {
		t.Fatal(err)
	}
	if f, err := DetectFormat(buf.Bytes()); err != nil || f.Name != FormatAegis {
		t.Fatalf("DetectFormat(export) = %q, %v", f.Name, err)
	}
	got, err := Import(buf.Bytes(), "", pw("s3cret pässword"))
	if err != nil {
		t.Fatal(err)
	}
	if render(got) != render(accts) {
		t.Errorf("round trip differs:\ngot:\n%s\nwant:\n%s", render(got), render(accts))
	}
	for i := range got {
		if got[i].ID == accts[i].ID {
			t.Errorf("account %d kept its ID through import", i)
		}
	}
	if _, err := Import(buf.Bytes(), "", pw("s3cret password")); !errors.Is(err, accounts.ErrWrongPassword) {
		t.Errorf("wrong password: %v", err)
	}
}

// The exported file follows docs/vault.md field by field, with the fields
// Aegis's parser requires (VaultEntry.fromJson reads name, issuer and icon
// unconditionally; a TOTP info needs period, an HOTP info counter).
func TestExportAegisStructure(t *testing.T) {
	if aegisExportLogN != 15 {
		t.Fatalf("exports use N=2^%d, want Aegis's 2^15", aegisExportLogN)
	}
	lowExportCost(t)
	accts := exportAccounts()
	var buf bytes.Buffer
	if err := ExportAegis(&buf, accts, []byte("pw")); err != nil {
		t.Fatal(err)
	}
	var v struct {
		Version int `json:"version"`
		Header  struct {
			Slots  []map[string]any `json:"slots"`
			Params map[string]any   `json:"params"`
		} `json:"header"`
		DB string `json:"db"`
	}
	if err := json.Unmarshal(buf.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	hexN := func(n int) *regexp.Regexp { return regexp.MustCompile("^[0-9a-f]{" + itoa(n) + "}$") }
	uuidRE := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	if v.Version != 1 || len(v.Header.Slots) != 1 {
		t.Fatalf("version %d, %d slots", v.Version, len(v.Header.Slots))
	}
	s := v.Header.Slots[0]
	kp, _ := s["key_params"].(map[string]any)
	checks := []struct {
		what string
		ok   bool
	}{
		{"slot type 1", s["type"] == 1.0},
		{"slot uuid", uuidRE.MatchString(str(s["uuid"]))},
		{"slot key 32 bytes hex", hexN(64).MatchString(str(s["key"]))},
		{"slot nonce 12 bytes", kp != nil && hexN(24).MatchString(str(kp["nonce"]))},
		{"slot tag 16 bytes", kp != nil && hexN(32).MatchString(str(kp["tag"]))},
		{"scrypt n r=8 p=1", s["n"] == float64(int(1)<<aegisExportLogN) && s["r"] == 8.0 && s["p"] == 1.0},
		{"salt 32 bytes hex", hexN(64).MatchString(str(s["salt"]))},
		{"repaired", s["repaired"] == true},
		{"params nonce", hexN(24).MatchString(str(v.Header.Params["nonce"]))},
		{"params tag", hexN(32).MatchString(str(v.Header.Params["tag"]))},
	}
	if _, err := base64.StdEncoding.Strict().DecodeString(v.DB); err != nil {
		t.Errorf("db is not padded base64: %v", err)
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s: slot %v, params %v", c.what, s, v.Header.Params)
		}
	}

	// Decrypt the content and check every entry.
	var hdr aegisHeader
	if err := json.Unmarshal(mustJSON(t, v.Header), &hdr); err != nil {
		t.Fatal(err)
	}
	content, err := decryptAegis(&hdr, v.DB, []byte("pw"))
	if err != nil {
		t.Fatal(err)
	}
	checkAegisContent(t, content, accts)
}

func checkAegisContent(t *testing.T, content []byte, accts []accounts.Account) {
	t.Helper()
	var db struct {
		Version int              `json:"version"`
		Entries []map[string]any `json:"entries"`
	}
	if err := json.Unmarshal(content, &db); err != nil {
		t.Fatal(err)
	}
	if db.Version != 1 || len(db.Entries) != len(accts) {
		t.Fatalf("content version %d with %d entries", db.Version, len(db.Entries))
	}
	for i, e := range db.Entries {
		a := &accts[i]
		for _, key := range []string{"type", "uuid", "name", "issuer", "icon", "info"} {
			if _, ok := e[key]; !ok {
				t.Errorf("entry %d lacks %q, which Aegis requires", i, key)
			}
		}
		if e["icon"] != nil || e["type"] != string(a.Type) || e["name"] != a.Name || e["issuer"] != a.Issuer {
			t.Errorf("entry %d = %v", i, e)
		}
		if a.Group != "" && e["group"] != a.Group {
			t.Errorf("entry %d group = %v, want %q", i, e["group"], a.Group)
		}
		info := e["info"].(map[string]any)
		if info["secret"] != accounts.EncodeSecret(a.Secret) || info["algo"] != string(a.Algorithm) || info["digits"] != float64(a.Digits) {
			t.Errorf("entry %d info = %v", i, info)
		}
		if a.Type == accounts.HOTP {
			if info["counter"] != float64(a.Counter) {
				t.Errorf("entry %d counter = %v", i, info["counter"])
			}
		} else if info["period"] != float64(a.Period) {
			t.Errorf("entry %d period = %v", i, info["period"])
		}
	}
}

// aegisDecryptPy decrypts an Aegis vault the way Aegis's docs/decrypt.py
// describes, independently of the Go code, and prints the content.
const aegisDecryptPy = `
import base64, hashlib, json, sys
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
vault = json.load(open(sys.argv[1]))
password = sys.argv[2].encode()
master = None
for slot in vault["header"]["slots"]:
    if slot["type"] != 1:
        continue
    key = hashlib.scrypt(password, salt=bytes.fromhex(slot["salt"]), n=slot["n"], r=slot["r"], p=slot["p"], dklen=32, maxmem=128 << 20)
    p = slot["key_params"]
    master = AESGCM(key).decrypt(bytes.fromhex(p["nonce"]), bytes.fromhex(slot["key"]) + bytes.fromhex(p["tag"]), None)
params = vault["header"]["params"]
content = AESGCM(master).decrypt(bytes.fromhex(params["nonce"]), base64.b64decode(vault["db"]) + bytes.fromhex(params["tag"]), None)
sys.stdout.write(content.decode())
`

func TestExportAegisPython(t *testing.T) {
	if err := exec.Command("python3", "-c", "import cryptography").Run(); err != nil {
		t.Skip("python3 with the cryptography package not available")
	}
	lowExportCost(t)
	accts := exportAccounts()
	var buf bytes.Buffer
	if err := ExportAegis(&buf, accts, []byte("pässword")); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "aegis.json")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("python3", "-c", aegisDecryptPy, path, "pässword").Output()
	if err != nil {
		t.Fatalf("python decrypt: %v", err)
	}
	checkAegisContent(t, out, accts)
}

func TestExportAegisRefuses(t *testing.T) {
	lowExportCost(t)
	steam := accounts.New(accounts.Steam, "Steam", "x", []byte("abcdefghij"))
	steam.Algorithm = accounts.SHA256
	broken := accounts.New(accounts.TOTP, "Broken", "y", nil)
	tests := []struct {
		name     string
		accts    []accounts.Account
		password string
		want     error
		label    string
	}{
		{"empty password", exportAccounts(), "", ErrPasswordNeeded, ""},
		{"steam sha256", []accounts.Account{steam}, "pw", accounts.ErrUnknownAlgorithm, "Steam (x)"},
		{"invalid", []accounts.Account{exportAccounts()[0], broken}, "pw", accounts.ErrEmptySecret, "Broken (y)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := ExportAegis(&buf, tt.accts, []byte(tt.password))
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.label) {
				t.Fatalf("err = %v, want %v naming %q", err, tt.want, tt.label)
			}
			if buf.Len() != 0 {
				t.Fatal("wrote a partial vault")
			}
		})
	}
}

func TestExportURIs(t *testing.T) {
	accts := exportAccounts()
	var buf bytes.Buffer
	if err := ExportURIs(&buf, accts); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), "\n"); n != len(accts) {
		t.Fatalf("%d lines for %d accounts", n, len(accts))
	}
	got, err := Import(buf.Bytes(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	want := render(accts)
	want = regexp.MustCompile(` group=.*`).ReplaceAllString(want, "") // URIs carry no group
	if render(got) != want {
		t.Errorf("round trip differs:\ngot:\n%s\nwant:\n%s", render(got), want)
	}
	buf.Reset()
	if err := ExportURIs(&buf, []accounts.Account{accounts.New(accounts.TOTP, "Broken", "y", nil)}); !errors.Is(err, accounts.ErrEmptySecret) {
		t.Errorf("invalid account: %v", err)
	}
}

func decodeQR(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("decode QR: %v", err)
	}
	return res.GetText()
}

func TestQRCodePNG(t *testing.T) {
	t.Parallel() // never lowers aegisExportLogN, so safe beside the serial tests
	for _, a := range exportAccounts() {
		b, err := QRCodePNG(&a, 300)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if r := img.Bounds(); r.Dx() < 300 || r.Dy() != r.Dx() {
			t.Errorf("%s: image is %v", a.Label(), r)
		}
		if got := decodeQR(t, img); got != a.URI() {
			t.Errorf("%s: QR holds %q, want the account URI", a.Label(), got)
		}
		// The quiet zone: a white margin of a few modules all around.
		white := func(x, y int) bool { return color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y > 200 }
		r := img.Bounds()
		for d := 0; d < r.Dx()/30; d++ {
			if !white(d, d) || !white(r.Max.X-1-d, d) || !white(d, r.Max.Y-1-d) || !white(r.Max.X-1-d, r.Max.Y-1-d) {
				t.Errorf("%s: no quiet zone at %d", a.Label(), d)
				break
			}
		}
	}
	if _, err := QRCodePNG(&accounts.Account{Type: accounts.TOTP}, 100); err == nil {
		t.Error("invalid account rendered")
	}
	a := exportAccounts()[0]
	if b, err := QRCodePNG(&a, 0); err != nil || len(b) == 0 {
		t.Errorf("default size: %v", err)
	}
}

func TestExportQRFiles(t *testing.T) {
	t.Parallel() // never lowers aegisExportLogN, so safe beside the serial tests
	dir := t.TempDir()
	accts := exportAccounts()
	dup := accts[0] // same issuer and name: must not collide
	evil := accounts.New(accounts.TOTP, "../../etc", "passwd", []byte("0123456789"))
	con := accounts.New(accounts.TOTP, "", "CON", []byte("0123456789"))
	empty := accounts.New(accounts.TOTP, "", "", []byte("0123456789"))
	accts = append(accts, dup, evil, con, empty)
	if err := os.WriteFile(filepath.Join(dir, "account.png"), []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	paths, err := ExportQRFiles(dir, accts)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != len(accts) {
		t.Fatalf("%d files for %d accounts", len(paths), len(accts))
	}
	seen := map[string]bool{}
	for i, p := range paths {
		if filepath.Dir(p) != dir || seen[strings.ToLower(p)] {
			t.Errorf("path %q escapes the directory or collides", p)
		}
		seen[strings.ToLower(p)] = true
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != fsmode.Reported(0o600, false) {
			t.Errorf("%s: mode %v, want 0600", p, fi.Mode().Perm())
		}
		// QRCodePNG is deterministic and TestQRCodePNG decodes its output.
		got, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		want, err := QRCodePNG(&accts[i], DefaultQRSize)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s does not hold the QR code of %s (%v)", p, accts[i].Label(), err)
		}
	}
	base := func(i int) string { return filepath.Base(paths[i]) }
	for i, want := range map[int]string{
		0: "GitHub_alice@example.com.png", 3: "Ünïcode_Co_a_b_c_d.png", 4: "just_a_name.png",
		5: "GitHub_alice@example.com-2.png", 6: "etc_passwd.png", 7: "_CON.png", 8: "account-2.png",
	} {
		if base(i) != want {
			t.Errorf("file %d = %q, want %q", i, base(i), want)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "account.png")); string(b) != "keep me" {
		t.Error("an existing file was overwritten")
	}

	// A failure part way leaves nothing behind.
	dir2 := t.TempDir()
	if _, err := ExportQRFiles(dir2, []accounts.Account{accts[0], accounts.New(accounts.TOTP, "Broken", "", nil)}); !errors.Is(err, accounts.ErrEmptySecret) {
		t.Fatalf("err = %v", err)
	}
	if left, _ := os.ReadDir(dir2); len(left) != 0 {
		t.Errorf("left %d files after a failed export", len(left))
	}
}

func TestQRFileBase(t *testing.T) {
	long := strings.Repeat("é", 100)
	tests := []struct{ issuer, name, want string }{
		{"GitHub", "alice@example.com", "GitHub_alice@example.com"},
		{"", "", "account"},
		{"...", "..", "account"},
		{"a\x00b", "c\nd", "a_b_c_d"},
		{"nul", "", "_nul"},
		{"Com1.txt", "", "_Com1.txt"},
		{"", ".hidden", "hidden"},
		{long, "", strings.Repeat("é", 30)},
		{"日本", "ユーザー", "日本_ユーザー"},
	}
	for _, tt := range tests {
		a := accounts.Account{Issuer: tt.issuer, Name: tt.name}
		if got := qrFileBase(&a); got != tt.want {
			t.Errorf("qrFileBase(%q, %q) = %q, want %q", tt.issuer, tt.name, got, tt.want)
		}
	}
}

func str(v any) string { s, _ := v.(string); return s }

func itoa(n int) string { return strconv.Itoa(n) }

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

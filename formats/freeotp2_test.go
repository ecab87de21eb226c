package formats

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/nidan-auth/nidan/accounts"
)

// javaMap builds a serialised HashMap<String, String> the way the reader's
// grammar says, with raw string objects so tests can put in references,
// long strings or anything else.
func javaMap(count int, objects ...[]byte) []byte {
	var b bytes.Buffer
	b.Write([]byte{0xac, 0xed, 0, 5, tcObject, tcClassDesc, 0, 17})
	b.WriteString("java.util.HashMap")
	binary.Write(&b, binary.BigEndian, int64(javaHashMapUID))
	b.Write([]byte{javaHashMapFlags, 0, 2, 'F', 0, 10})
	b.WriteString("loadFactor")
	b.Write([]byte{'I', 0, 9})
	b.WriteString("threshold")
	b.Write([]byte{tcEndBlockData, tcNull, 0x3f, 0x40, 0, 0, 0, 0, 0, 12, tcBlockData, 8, 0, 0, 0, 16})
	binary.Write(&b, binary.BigEndian, int32(count))
	for _, o := range objects {
		b.Write(o)
	}
	b.WriteByte(tcEndBlockData)
	return b.Bytes()
}

func jstr(s string) []byte {
	return append([]byte{tcString, byte(len(s) >> 8), byte(len(s))}, s...)
}

func jref(handle uint32) []byte {
	return binary.BigEndian.AppendUint32([]byte{tcReference}, handle)
}

func TestReadJavaStringMap(t *testing.T) {
	long := strings.Repeat("x", 70000)
	longObj := binary.BigEndian.AppendUint64([]byte{tcLongString}, uint64(len(long)))
	longObj = append(longObj, long...)
	pairs, err := readJavaStringMap(javaMap(3,
		jstr("a"), jstr("\xc0\x80\xed\xa0\xbd\xed\xb4\x91 key"), // NUL, then U+1F511 as two surrogates
		jstr("b"), jref(javaBaseHandle+2), // the first string: handles 0 and 1 are the class and the map
		jstr("c"), longObj))
	if err != nil {
		t.Fatal(err)
	}
	want := [][2]string{{"a", "\x00\U0001F511 key"}, {"b", "a"}, {"c", long}}
	if len(pairs) != len(want) {
		t.Fatalf("got %d pairs", len(pairs))
	}
	for i := range want {
		if pairs[i] != want[i] {
			t.Errorf("pair %d = %.40q, want %.40q", i, pairs[i], want[i])
		}
	}

	good := javaMap(1, jstr("k"), jstr("v"))
	for _, tt := range []struct {
		name, want string
		data       []byte
	}{
		{"empty", "magic", nil},
		{"cut everywhere", "", nil}, // filled in below
		{"another class", "java.util.TreeMap", bytes.Replace(good, []byte("java.util.HashMap"), []byte("java.util.TreeMap"), 1)},
		{"another uid", "serial version", bytes.Replace(good, binary.BigEndian.AppendUint64(nil, javaHashMapUID), make([]byte, 8), 1)},
		{"count beyond the file", "cannot fit", javaMap(1<<30, jstr("k"), jstr("v"))},
		{"count short of the pairs", "end of the map", javaMap(0, jstr("k"), jstr("v"))},
		{"trailing bytes", "after the map", append(bytes.Clone(good), 0)},
		{"a non-string value", "not a string", javaMap(1, jstr("k"), []byte{tcObject, tcClassDesc})},
		{"a null value", "null", javaMap(1, jstr("k"), []byte{tcNull})},
		{"a reference to the map", "not an earlier string", javaMap(1, jstr("k"), jref(javaBaseHandle+1))},
		{"a forward reference", "not an earlier string", javaMap(1, jstr("k"), jref(javaBaseHandle+9))},
		{"bad modified UTF-8", "UTF-8", javaMap(1, jstr("k"), jstr("\xff"))},
		{"long string beyond the file", "ends early", javaMap(1, jstr("k"), binary.BigEndian.AppendUint64([]byte{tcLongString}, 1<<62))},
	} {
		if tt.name == "cut everywhere" {
			for n := range len(good) - 1 {
				if _, err := readJavaStringMap(good[:n]); !errors.Is(err, accounts.ErrMalformed) {
					t.Fatalf("cut at %d: %v", n, err)
				}
			}
			continue
		}
		_, err := readJavaStringMap(tt.data)
		if !errors.Is(err, accounts.ErrMalformed) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want ErrMalformed saying %q", tt.name, err, tt.want)
		}
	}
}

// FuzzJavaStringMap: the serialisation reader never panics (nor reads past
// its input), fails only with ErrMalformed, and returns valid UTF-8.
func FuzzJavaStringMap(f *testing.F) {
	f.Add(readImport(f, "freeotp_backup_fast.xml"))
	f.Add(javaMap(2, jstr("a"), jstr("b"), jstr("c"), jref(javaBaseHandle+3)))
	f.Fuzz(func(t *testing.T, data []byte) {
		pairs, err := readJavaStringMap(data)
		if err != nil {
			if !errors.Is(err, accounts.ErrMalformed) || pairs != nil {
				t.Fatalf("%d pairs, %v", len(pairs), err)
			}
			return
		}
		for _, p := range pairs {
			if !utf8.ValidString(p[0]) || !utf8.ValidString(p[1]) {
				t.Fatalf("invalid UTF-8 in %q", p)
			}
		}
	})
}

// Wrong password and damage kept apart; one damaged token fails alone.
func TestFreeOTP2WrongPasswordVsDamage(t *testing.T) {
	data := readImport(t, "freeotp_backup_fast.xml")
	if accts, err := Import(data, "", pw("not it")); !errors.Is(err, accounts.ErrWrongPassword) || errors.Is(err, accounts.ErrMalformed) || accts != nil {
		t.Errorf("wrong password: %d accounts, %v", len(accts), err)
	}
	if _, err := Import(data, "", nil); !errors.Is(err, ErrPasswordNeeded) {
		t.Errorf("no password: %v", err)
	}
	// The serialisation cut short, or a masterKey that is not JSON: damage.
	for name, bad := range map[string][]byte{
		"truncated":          data[:len(data)-10],
		"masterKey not JSON": bytes.Replace(data, []byte(`{"mAlgorithm"`), []byte(`["mAlgorithm"`), 1),
		"unknown KDF":        bytes.Replace(data, []byte(`PBKDF2withHmacSHA512`), []byte(`PBKDF2withHmacMD5xx`), 1),
	} {
		if _, err := Import(bad, "", pw(testPassword)); !errors.Is(err, accounts.ErrMalformed) || errors.Is(err, accounts.ErrWrongPassword) {
			t.Errorf("%s: %v", name, err)
		}
	}
	// One token's ciphertext changed (same length): that token is damaged,
	// the other three import.
	prefs := string(readImport(t, "freeotp_backup_prefs.xml"))
	i := strings.Index(prefs, `name="Steam:gaben"`)
	j := i + strings.Index(prefs[i:], `mCipherText&quot;: [`) + len(`mCipherText&quot;: [`)
	k := j + strings.IndexByte(prefs[j:], ',')
	damaged := prefs[:j] + "0" + prefs[k:]
	accts, err := Import([]byte(damaged), "", pw(testPassword))
	var ie *ImportError
	if !errors.As(err, &ie) || len(ie.Entries) != 1 || !errors.Is(err, accounts.ErrMalformed) || !strings.Contains(ie.Entries[0].Label, "gaben") {
		t.Fatalf("err = %v", err)
	}
	if len(accts) != 3 {
		t.Errorf("%d accounts imported, want 3", len(accts))
	}
}

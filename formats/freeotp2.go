package formats

import (
	"bytes"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/asn1"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"sort"
	"strings"

	"github.com/nidan-auth/nidan/accounts"
)

// FreeOTP 2's encrypted backup: a Java-serialised map, or the same map as
// SharedPreferences XML (docs/formats.md, "FreeOTP 2 encrypted backup").
var freeOTP2Format = Format{
	Name: "freeotp-backup", App: "FreeOTP 2 encrypted backup (externalBackup.xml)",
	detect: func(s *sniff) bool {
		return bytes.HasPrefix(s.data, []byte("\xac\xed\x00\x05\x73\x72\x00\x11java.util.HashMap")) || isPrefs(s, `name="masterKey"`)
	},
	read: readFreeOTP2,
}

// freeOTP2MaxIterations bounds mIterations (FreeOTP uses 100 000); a var
// only so fuzzing can lower it.
var freeOTP2MaxIterations = 10_000_000

// freeOTPEncryptedKey is FreeOTP's EncryptedKey as Gson writes it.
type freeOTPEncryptedKey struct {
	Cipher     string `json:"mCipher"`
	CipherText []int  `json:"mCipherText"`
	Parameters []int  `json:"mParameters"`
	Token      string `json:"mToken"`
}

type freeOTPMasterKey struct {
	Algorithm    string              `json:"mAlgorithm"`
	EncryptedKey freeOTPEncryptedKey `json:"mEncryptedKey"`
	Iterations   int                 `json:"mIterations"`
	Salt         []int               `json:"mSalt"`
}

func readFreeOTP2(data []byte, password func() ([]byte, error), c *collector) error {
	var pairs [][2]string
	if bytes.HasPrefix(data, []byte{0xac, 0xed}) {
		var err error
		if pairs, err = readJavaStringMap(data); err != nil {
			return err
		}
	} else {
		prefs, err := readPrefs(data)
		if err != nil {
			return err
		}
		for _, p := range prefs {
			pairs = append(pairs, [2]string{p.Name, p.Value})
		}
	}
	values := make(map[string]string, len(pairs))
	for _, p := range pairs {
		values[p[0]] = p[1]
	}
	mkJSON, ok := values["masterKey"]
	if !ok {
		return fmt.Errorf("%w: no masterKey in a FreeOTP backup", accounts.ErrMalformed)
	}
	var mk freeOTPMasterKey
	if err := json.Unmarshal([]byte(mkJSON), &mk); err != nil {
		return fmt.Errorf("%w: masterKey: %v", accounts.ErrMalformed, err)
	}
	newHash, err := freeOTPKDFHash(mk.Algorithm)
	if err != nil {
		return err
	}
	salt, err := signedBytes(mk.Salt)
	if err != nil || len(salt) == 0 {
		return fmt.Errorf("%w: masterKey salt", accounts.ErrMalformed)
	}
	if mk.Iterations < 1 || mk.Iterations > freeOTP2MaxIterations {
		return fmt.Errorf("%w: masterKey iterations %d out of range", accounts.ErrMalformed, mk.Iterations)
	}
	sealedMaster, err := mk.EncryptedKey.decode()
	if err != nil {
		return fmt.Errorf("masterKey: %w", err)
	}
	pw, err := askPassword(password)
	if err != nil {
		return err
	}
	pwKey, err := pbkdf2.Key(newHash, string(pw), salt, mk.Iterations, len(salt))
	if err != nil {
		return fmt.Errorf("%w: masterKey: %v", accounts.ErrMalformed, err)
	}
	master, err := sealedMaster.open(pwKey)
	if err != nil {
		return accounts.ErrWrongPassword // AEAD: a wrong key and a damaged master key look the same
	}

	order := map[string]int{}
	if s, ok := values["tokenOrder"]; ok {
		var ids []string
		if err := json.Unmarshal([]byte(s), &ids); err != nil {
			return fmt.Errorf("%w: tokenOrder: %v", accounts.ErrMalformed, err)
		}
		for i, id := range ids {
			if _, dup := order[id]; !dup {
				order[id] = i
			}
		}
	}
	// A token is an id whose value holds its encrypted key, beside
	// "id-token"; the names are in file order, listed ones first by
	// tokenOrder.
	type item struct {
		pos, rank int
		id        string
	}
	var items []item
	for i, p := range pairs {
		id := p[0]
		if id == "masterKey" || id == "tokenOrder" {
			continue
		}
		if base, ok := strings.CutSuffix(id, "-token"); ok {
			if _, paired := values[base]; paired {
				continue // read with its key
			}
		} else if _, paired := values[id+"-token"]; !paired && !strings.Contains(p[1], `"key"`) {
			continue // another setting, not a token
		}
		r, listed := order[strings.TrimSuffix(id, "-token")]
		if !listed {
			r = len(order) + i
		}
		items = append(items, item{pos: i, rank: r, id: id})
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].rank < items[j].rank })
	for n, it := range items {
		where := fmt.Sprintf("token %d", n+1)
		a, err := freeOTP2Token(it.id, values, master)
		if err != nil && a.Label() == "" {
			c.fail(where, truncateName(it.id), err)
			continue
		}
		c.add(where, a, err)
	}
	return nil
}

// freeOTP2Token decrypts one token: id's value {"key": EncryptedKey JSON}
// under the master key, settings from id+"-token".
func freeOTP2Token(id string, values map[string]string, master []byte) (accounts.Account, error) {
	settings, ok := values[id+"-token"]
	if !ok {
		if strings.HasSuffix(id, "-token") {
			return accounts.Account{}, fmt.Errorf("%w: token settings without an encrypted secret", accounts.ErrMalformed)
		}
		return accounts.Account{}, fmt.Errorf("%w: %q is neither a token nor its settings", accounts.ErrMalformed, truncateName(id))
	}
	var tok freeOTPToken
	if err := json.Unmarshal([]byte(settings), &tok); err != nil {
		return accounts.Account{}, fmt.Errorf("%w: token settings: %v", accounts.ErrMalformed, err)
	}
	tok.Secret = []int{0} // account() checks the settings; the real secret replaces this below
	a, err := tok.account()
	if a.Issuer == "" {
		a.Issuer = strings.TrimSpace(tok.IssuerInt)
	}
	if err != nil {
		return a, err
	}
	if a.Type == accounts.HOTP {
		a.Counter = tok.Counter // FreeOTP 2 keeps the next counter, not the last
	}
	var wrapped struct {
		Key string `json:"key"`
	}
	if err := json.Unmarshal([]byte(values[id]), &wrapped); err != nil || wrapped.Key == "" {
		return a, fmt.Errorf("%w: the token's encrypted key is not {\"key\": …}", accounts.ErrMalformed)
	}
	var ek freeOTPEncryptedKey
	if err := json.Unmarshal([]byte(wrapped.Key), &ek); err != nil {
		return a, fmt.Errorf("%w: the token's encrypted key: %v", accounts.ErrMalformed, err)
	}
	sealed, err := ek.decode()
	if err != nil {
		return a, err
	}
	if a.Secret, err = sealed.open(master); err != nil {
		return a, fmt.Errorf("%w: the secret does not decrypt under the master key (damaged)", accounts.ErrMalformed)
	}
	if len(a.Secret) == 0 {
		return a, &accounts.FieldError{Field: "secret", Err: accounts.ErrEmptySecret}
	}
	return a, nil
}

func freeOTPKDFHash(algorithm string) (func() hash.Hash, error) {
	switch strings.ToLower(algorithm) {
	case "pbkdf2withhmacsha1":
		return sha1.New, nil
	case "pbkdf2withhmacsha256":
		return sha256.New, nil
	case "pbkdf2withhmacsha512":
		return sha512.New, nil
	}
	return nil, fmt.Errorf("%w: masterKey KDF %q", accounts.ErrMalformed, truncateName(algorithm))
}

// freeOTPSealed is an EncryptedKey ready to open.
type freeOTPSealed struct {
	nonce, ciphertext, aad []byte
}

func (k *freeOTPEncryptedKey) decode() (*freeOTPSealed, error) {
	if k.Cipher != "AES/GCM/NoPadding" {
		return nil, fmt.Errorf("%w: cipher %q, want AES/GCM/NoPadding", accounts.ErrMalformed, truncateName(k.Cipher))
	}
	ct, err := signedBytes(k.CipherText)
	if err != nil || len(ct) < 16 {
		return nil, fmt.Errorf("%w: mCipherText", accounts.ErrMalformed)
	}
	params, err := signedBytes(k.Parameters)
	if err != nil {
		return nil, fmt.Errorf("%w: mParameters", accounts.ErrMalformed)
	}
	nonce, err := gcmNonce(params)
	if err != nil {
		return nil, err
	}
	return &freeOTPSealed{nonce: nonce, ciphertext: ct, aad: []byte(k.Token)}, nil
}

func (s *freeOTPSealed) open(key []byte) ([]byte, error) {
	aead, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	return aead.Open(nil, s.nonce, s.ciphertext, s.aad)
}

// gcmNonce reads Java's DER GCM parameters: SEQUENCE { OCTET STRING nonce,
// INTEGER tag length }, or a bare OCTET STRING.
func gcmNonce(der []byte) ([]byte, error) {
	var p struct {
		Nonce  []byte
		TagLen int `asn1:"optional,default:12"`
	}
	if rest, err := asn1.Unmarshal(der, &p); err == nil && len(rest) == 0 {
		if len(p.Nonce) != 12 || p.TagLen != 16 {
			return nil, fmt.Errorf("%w: GCM parameters: %d-byte nonce, %d-byte tag; want 12 and 16", accounts.ErrMalformed, len(p.Nonce), p.TagLen)
		}
		return p.Nonce, nil
	}
	var nonce []byte
	if rest, err := asn1.Unmarshal(der, &nonce); err == nil && len(rest) == 0 && len(nonce) == 12 {
		return nonce, nil
	}
	return nil, fmt.Errorf("%w: GCM parameters are not DER", accounts.ErrMalformed)
}

// signedBytes turns Gson's byte[] (numbers -128…127) into bytes.
func signedBytes(v []int) ([]byte, error) {
	b := make([]byte, len(v))
	for i, n := range v {
		if n < -128 || n > 127 {
			return nil, errors.New("not a signed byte")
		}
		b[i] = byte(n)
	}
	return b, nil
}

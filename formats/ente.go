package formats

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20"
	"golang.org/x/crypto/poly1305" //lint:ignore SA1019 libsodium's secretstream needs bare Poly1305; x/crypto keeps it working

	"github.com/nidan-auth/nidan/accounts"
)

// Ente Auth's exports (docs/formats.md, "Ente Auth encrypted export" and
// "Ente Auth plain-text export"): otpauth lines carrying Ente's codeDisplay
// parameter, in the clear or inside the encrypted JSON. Nidan writes the
// plain text, which Ente imports with its tags.
var enteFormat = Format{
	Name: "ente", App: "Ente Auth export, plain text or encrypted (.txt)", Title: "Ente Auth (plain text)", Ext: ".txt",
	Plaintext: true,
	detect: func(s *sniff) bool {
		if o := s.object(); o != nil {
			return has(o, "kdfParams") && has(o, "encryptedData") && has(o, "encryptionNonce")
		}
		return textKind(s.data) == kindURIs && hasCodeDisplay(s.data)
	},
	read:  readEnte,
	write: func(w io.Writer, src Source, _ []byte) error { return ExportEnte(w, src.Accounts()) },
}

// ErrTrashed marks an entry Ente's export holds in its trash: deleted by
// the user, so not imported as a live account, but listed.
var ErrTrashed = errors.New("in Ente's trash (deleted there)")

// codeDisplayParam matches Ente's parameter in a query (Dart's query
// parameters are case-sensitive, and so is this).
var codeDisplayParam = regexp.MustCompile(`[?&]codeDisplay=`)

func hasCodeDisplay(data []byte) bool {
	found := false
	textLines(data, func(_ int, line string) {
		found = found || (hasPrefixFold(line, otpauthScheme) && codeDisplayParam.MatchString(line))
	})
	return found
}

// enteDisplay is the JSON in codeDisplay. Fields Nidan has no place for
// are read (so a wrong type is noticed the way Ente notices it) but not kept.
type enteDisplay struct {
	Pinned     bool     `json:"pinned"`
	Trashed    bool     `json:"trashed"`
	LastUsedAt int64    `json:"lastUsedAt"`
	TapCount   int64    `json:"tapCount"`
	Tags       []string `json:"tags"`
	Note       string   `json:"note"`
}

// cutCodeDisplay returns an otpauth line without its codeDisplay
// parameters and the raw (still escaped) value of the first one. Removing
// it first means a damaged display can never make the URI itself unreadable.
func cutCodeDisplay(line string) (uri, raw string, found bool) {
	head, query, ok := strings.Cut(line, "?")
	if !ok {
		return line, "", false
	}
	frag := ""
	if i := strings.IndexByte(query, '#'); i >= 0 {
		query, frag = query[:i], query[i:]
	}
	var keep []string
	for _, part := range strings.Split(query, "&") {
		if k, v, _ := strings.Cut(part, "="); k == "codeDisplay" {
			if !found {
				raw, found = v, true
			}
			continue
		}
		keep = append(keep, part)
	}
	return head + "?" + strings.Join(keep, "&") + frag, raw, found
}

// parseEnteDisplay decodes a raw codeDisplay value: query-unescaped ('+'
// is a space), then JSON.
func parseEnteDisplay(raw string) (enteDisplay, error) {
	var d enteDisplay
	s, err := url.QueryUnescape(raw)
	if err != nil {
		return d, fmt.Errorf("%w: codeDisplay: %v", accounts.ErrMalformed, err)
	}
	if err := json.Unmarshal([]byte(s), &d); err != nil {
		return enteDisplay{}, fmt.Errorf("%w: codeDisplay: %v", accounts.ErrMalformed, err)
	}
	return d, nil
}

// enteGroup is the group for Ente's tags: Nidan keeps one, the first that
// is not blank.
func enteGroup(tags []string) string {
	for _, t := range tags {
		if t = strings.TrimSpace(t); t != "" {
			return t
		}
	}
	return ""
}

// addOTPAuthLine reads one otpauth line of a text export into c, with
// Ente's codeDisplay when the line has one. A codeDisplay that does not
// decode is ignored, as Ente ignores it: the account matters more than
// its group.
func addOTPAuthLine(c *collector, where, line string) {
	uri, raw, found := cutCodeDisplay(line)
	a, err := accounts.ParseURI(uri)
	if err != nil || !found {
		c.add(where, a, err)
		return
	}
	d, derr := parseEnteDisplay(raw)
	switch {
	case derr != nil:
	case d.Trashed:
		c.fail(where, a.Label(), ErrTrashed)
		return
	default:
		a.Group = enteGroup(d.Tags)
	}
	c.add(where, a, nil)
}

// ExportEnte writes Ente Auth's plain-text export: each account's otpauth
// URI with a codeDisplay whose tags hold its group. Like ExportURIs it
// holds every secret in the clear.
func ExportEnte(w io.Writer, accts []accounts.Account) error {
	bw := bufio.NewWriter(w)
	for i := range accts {
		a := &accts[i]
		if err := a.Validate(); err != nil {
			return fmt.Errorf("export ente: %s: %w", a.Label(), err)
		}
		d := enteDisplay{Tags: []string{}}
		if a.Group != "" {
			d.Tags = []string{a.Group}
		}
		js, err := json.Marshal(d)
		if err != nil {
			return fmt.Errorf("export ente: %w", err)
		}
		bw.WriteString(a.URI())
		bw.WriteString("&codeDisplay=")
		bw.WriteString(url.QueryEscape(string(js)))
		bw.WriteByte('\n')
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("export ente: %w", err)
	}
	return nil
}

// Caps on the KDF cost a file may ask for, so a hostile file cannot make
// Nidan allocate or compute without end. Ente itself uses at most 1 GiB.
// They are vars so fuzzing can lower them.
var (
	enteMaxMemBytes int64 = 1 << 30
	enteMaxOps      int64 = 20
)

type enteFile struct {
	Version   int `json:"version"`
	KDFParams struct {
		MemLimit int64  `json:"memLimit"`
		OpsLimit int64  `json:"opsLimit"`
		Salt     string `json:"salt"`
	} `json:"kdfParams"`
	EncryptedData   string `json:"encryptedData"`
	EncryptionNonce string `json:"encryptionNonce"`
}

// readEnte reads either export: the encrypted one is a JSON object, the
// plain text otpauth lines.
func readEnte(data []byte, password func() ([]byte, error), c *collector) error {
	if t := bytes.TrimSpace(data); len(t) == 0 || t[0] != '{' {
		return importText(data, false, c)
	}
	var f enteFile
	if err := json.Unmarshal(data, &f); err != nil {
		return fmt.Errorf("%w: %v", accounts.ErrMalformed, err)
	}
	if f.Version != 1 {
		return fmt.Errorf("%w: Ente export version %d (Nidan reads version 1)", accounts.ErrMalformed, f.Version)
	}
	p := f.KDFParams
	if p.MemLimit < 8192 || p.MemLimit > enteMaxMemBytes || p.OpsLimit < 1 || p.OpsLimit > enteMaxOps {
		return fmt.Errorf("%w: key derivation cost out of range (memLimit %d, opsLimit %d)", accounts.ErrMalformed, p.MemLimit, p.OpsLimit)
	}
	salt, err1 := base64.StdEncoding.DecodeString(p.Salt)
	header, err2 := base64.StdEncoding.DecodeString(f.EncryptionNonce)
	sealed, err3 := base64.StdEncoding.DecodeString(f.EncryptedData)
	if err1 != nil || err2 != nil || err3 != nil || len(salt) != 16 || len(header) != 24 || len(sealed) < 17 {
		return fmt.Errorf("%w: salt, nonce or data is not base64 of the right length", accounts.ErrMalformed)
	}
	pw, err := askPassword(password)
	if err != nil {
		return err
	}
	key := argon2.IDKey(pw, salt, uint32(p.OpsLimit), uint32(p.MemLimit/1024), 1, 32)
	plain, err := secretstreamOpen(key, header, sealed)
	if err != nil {
		return err
	}
	return importText(plain, false, c)
}

// secretstreamOpen decrypts the first message of a libsodium
// crypto_secretstream_xchacha20poly1305 stream (no associated data), as
// docs/formats.md spells it out. A bad tag is ErrWrongPassword: in a
// well-formed export only the key can be wrong.
func secretstreamOpen(key, header, sealed []byte) ([]byte, error) {
	sub, err := chacha20.HChaCha20(key, header[:16])
	if err != nil {
		return nil, err
	}
	var nonce [12]byte
	binary.LittleEndian.PutUint32(nonce[:4], 1)
	copy(nonce[4:], header[16:24])
	s, err := chacha20.NewUnauthenticatedCipher(sub, nonce[:])
	if err != nil {
		return nil, err
	}
	var block [64]byte
	s.XORKeyStream(block[:], block[:]) // block 0: the Poly1305 key
	var polyKey [32]byte
	copy(polyKey[:], block[:32])
	clear(block[:])
	s.SetCounter(1)
	s.XORKeyStream(block[:], block[:]) // block 1 encrypts the tag byte
	block[0] = sealed[0]               // as the sender's MAC saw it
	ct, tag := sealed[1:len(sealed)-16], sealed[len(sealed)-16:]
	mac := poly1305.New(&polyKey)
	mac.Write(block[:])
	mac.Write(ct)
	mac.Write(make([]byte, (16-(64+len(ct))%16)%16))
	var lens [16]byte
	binary.LittleEndian.PutUint64(lens[8:], uint64(64+len(ct)))
	mac.Write(lens[:])
	if !mac.Verify(tag) {
		return nil, accounts.ErrWrongPassword
	}
	plain := make([]byte, len(ct))
	s.XORKeyStream(plain, ct) // from block 2 on
	return plain, nil
}

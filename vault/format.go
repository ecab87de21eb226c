package vault

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"

	"github.com/nidan-auth/nidan/accounts"
)

// This file is the wire format of docs/vault-format.md: the container shared
// by the vault and its backups. Nothing here touches the file system.

const (
	vaultMagic     = "NIDAN-VAULT"
	vaultVersion   = 1
	prefixLen      = len(vaultMagic) + 1 + 4
	maxHeaderLen   = 64 << 10
	maxFileLen     = 64 << 20
	checksumLen    = sha256.Size
	masterKeyLen   = 32
	saltLen        = 16
	kindVault      = "vault"
	kindBackup     = "backup"
	cipherName     = "xchacha20-poly1305"
	slotPassword   = "password"
	slotKeyring    = "keyring"
	kdfArgon2id    = "argon2id"
	argonSaltLabel = "nidan-vault/argon2id/"
)

// KDFParams are the Argon2id costs of a password slot. The zero value means
// DefaultKDF.
type KDFParams struct {
	Time    uint32 `json:"time"`    // passes
	Memory  uint32 `json:"memory"`  // KiB
	Threads uint8  `json:"threads"` // lanes
}

// DefaultKDF is what new password slots use: 64 MiB, 6 passes, 2 lanes,
// about half a second on a 2-core machine (docs/vault-format.md).
var DefaultKDF = KDFParams{Time: 6, Memory: 64 << 10, Threads: 2}

// Limits on the KDF parameters a file may ask for. They are checked before
// any memory is allocated, so a hostile file cannot hang the program or
// exhaust its memory.
const (
	MaxKDFTime    = 16
	MaxKDFMemory  = 1 << 20 // KiB: 1 GiB
	MaxKDFThreads = 16
	MaxKDFWork    = 2 << 20 // time × memory, KiB·passes
)

func (p KDFParams) orDefault() KDFParams {
	if p == (KDFParams{}) {
		return DefaultKDF
	}
	return p
}

// check reports parameters outside what this version will run.
func (p KDFParams) check() error {
	switch {
	case p.Time < 1 || p.Threads < 1 || p.Memory < 8*uint32(p.Threads):
		return fmt.Errorf("%w: kdf parameters too small (time %d, memory %d KiB, threads %d)", ErrCorrupt, p.Time, p.Memory, p.Threads)
	case p.Time > MaxKDFTime || p.Memory > MaxKDFMemory || p.Threads > MaxKDFThreads ||
		uint64(p.Time)*uint64(p.Memory) > MaxKDFWork:
		return fmt.Errorf("%w: kdf parameters above this version's limits (time %d, memory %d KiB, threads %d)",
			ErrUnsupportedVersion, p.Time, p.Memory, p.Threads)
	}
	return nil
}

func (p KDFParams) derive(password, salt []byte) []byte {
	s := append([]byte(argonSaltLabel), salt...)
	return argon2.IDKey(password, s, p.Time, p.Memory, p.Threads, masterKeyLen)
}

// slot is one wrapped copy of the master key.
type slot struct {
	Type    string `json:"type"`
	KDF     string `json:"kdf,omitempty"`
	Time    uint32 `json:"time,omitempty"`
	Memory  uint32 `json:"memory,omitempty"`
	Threads uint8  `json:"threads,omitempty"`
	Salt    []byte `json:"salt,omitempty"`
	Nonce   []byte `json:"nonce"`
	Key     []byte `json:"key"`
}

func (s *slot) params() KDFParams {
	return KDFParams{Time: s.Time, Memory: s.Memory, Threads: s.Threads}
}

// header is the authenticated, unencrypted part of a file.
type header struct {
	Kind      string `json:"kind"`
	VaultID   string `json:"vault_id"`
	Cipher    string `json:"cipher"`
	BackupDir string `json:"backup_dir,omitempty"`
	Slots     []slot `json:"slots"`
}

func (h *header) slot(typ string) *slot {
	for i := range h.Slots {
		if h.Slots[i].Type == typ {
			return &h.Slots[i]
		}
	}
	return nil
}

func (h *header) setSlot(s slot) {
	if old := h.slot(s.Type); old != nil {
		*old = s
		return
	}
	h.Slots = append(h.Slots, s)
}

func (h *header) removeSlot(typ string) {
	out := h.Slots[:0]
	for _, s := range h.Slots {
		if s.Type != typ {
			out = append(out, s)
		}
	}
	h.Slots = out
}

// validate checks everything about a decoded header except the KDF cost.
func (h *header) validate() error {
	if h.Kind != kindVault && h.Kind != kindBackup {
		return fmt.Errorf("%w: unknown kind %q", ErrCorrupt, h.Kind)
	}
	if id, err := hex.DecodeString(h.VaultID); err != nil || len(id) != 16 {
		return fmt.Errorf("%w: bad vault id", ErrCorrupt)
	}
	if h.Cipher != cipherName {
		return fmt.Errorf("%w: unknown cipher %q", ErrCorrupt, h.Cipher)
	}
	seen := map[string]bool{}
	for _, s := range h.Slots {
		if seen[s.Type] {
			return fmt.Errorf("%w: two %s slots", ErrCorrupt, s.Type)
		}
		seen[s.Type] = true
		if len(s.Nonce) != chacha20poly1305.NonceSizeX || len(s.Key) != masterKeyLen+chacha20poly1305.Overhead {
			return fmt.Errorf("%w: %s slot: bad nonce or key length", ErrCorrupt, s.Type)
		}
		switch s.Type {
		case slotPassword:
			if s.KDF != kdfArgon2id {
				return fmt.Errorf("%w: password slot: unknown kdf %q", ErrUnsupportedVersion, s.KDF)
			}
			if len(s.Salt) != saltLen {
				return fmt.Errorf("%w: password slot: bad salt length", ErrCorrupt)
			}
			if err := s.params().check(); err != nil {
				return fmt.Errorf("password slot: %w", err)
			}
		case slotKeyring:
			if s.KDF != "" || s.Salt != nil || s.Time != 0 || s.Memory != 0 || s.Threads != 0 {
				return fmt.Errorf("%w: keyring slot: unexpected kdf fields", ErrCorrupt)
			}
		default:
			return fmt.Errorf("%w: unknown slot type %q", ErrCorrupt, s.Type)
		}
	}
	if !seen[slotPassword] {
		return fmt.Errorf("%w: no password slot", ErrCorrupt)
	}
	if h.Kind == kindBackup && (len(h.Slots) != 1 || h.BackupDir != "") {
		return fmt.Errorf("%w: a backup has only a password slot", ErrCorrupt)
	}
	return nil
}

func slotAD(typ, vaultID string) []byte {
	return []byte("nidan-vault-slot/1/" + typ + "/" + vaultID)
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("accounts: crypto/rand failed: %v", err))
	}
	return b
}

// wrap seals the master key under slotKey into a slot of the given type.
func wrap(typ, vaultID string, slotKey, master []byte) slot {
	aead, err := chacha20poly1305.NewX(slotKey)
	if err != nil {
		panic(err) // slot keys are always 32 bytes
	}
	nonce := randomBytes(aead.NonceSize())
	return slot{Type: typ, Nonce: nonce, Key: aead.Seal(nil, nonce, master, slotAD(typ, vaultID))}
}

// passwordSlot runs the KDF and wraps the master key.
func passwordSlot(vaultID string, password, master []byte, p KDFParams) slot {
	salt := randomBytes(saltLen)
	k := p.derive(password, salt)
	defer wipe(k)
	s := wrap(slotPassword, vaultID, k, master)
	s.KDF, s.Time, s.Memory, s.Threads, s.Salt = kdfArgon2id, p.Time, p.Memory, p.Threads, salt
	return s
}

// unwrap opens a slot. Failure is ErrWrongPassword: with the checksum
// already verified, a slot that does not open means the key is wrong.
func (s *slot) unwrap(vaultID string, slotKey []byte) ([]byte, error) {
	aead, err := chacha20poly1305.NewX(slotKey)
	if err != nil {
		return nil, fmt.Errorf("%w: bad slot key", accounts.ErrWrongPassword)
	}
	master, err := aead.Open(nil, s.Nonce, s.Key, slotAD(s.Type, vaultID))
	if err != nil {
		return nil, fmt.Errorf("%w: the %s slot does not open", accounts.ErrWrongPassword, s.Type)
	}
	return master, nil
}

// unwrapPassword derives the slot key from the password and opens the slot.
func (h *header) unwrapPassword(password []byte) ([]byte, error) {
	s := h.slot(slotPassword)
	k := s.params().derive(password, s.Salt)
	defer wipe(k)
	m, err := s.unwrap(h.VaultID, k)
	if err != nil {
		return nil, accounts.ErrWrongPassword
	}
	return m, nil
}

// payload is the encrypted part of a file.
type payload struct {
	Accounts []accounts.Account `json:"accounts"`
}

// container is a parsed file: its header, the exact bytes the payload
// authenticates, and the sealed payload.
type container struct {
	header   header
	ad       []byte // magic, version, length and header bytes
	nonce    []byte
	sealed   []byte
	checksum [checksumLen]byte
}

// marshal seals the payload under master and returns the whole file.
func marshal(h *header, master []byte, p *payload) ([]byte, error) {
	hj, err := json.Marshal(h)
	if err != nil {
		return nil, fmt.Errorf("encode header: %w", err)
	}
	pj, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("encode accounts: %w", err)
	}
	defer wipe(pj)
	buf := make([]byte, 0, prefixLen+len(hj)+chacha20poly1305.NonceSizeX+len(pj)+chacha20poly1305.Overhead+checksumLen)
	buf = append(buf, vaultMagic...)
	buf = append(buf, vaultVersion)
	buf = binary.BigEndian.AppendUint32(buf, uint32(len(hj)))
	buf = append(buf, hj...)
	ad := buf[:len(buf):len(buf)]
	aead, err := chacha20poly1305.NewX(master)
	if err != nil {
		return nil, fmt.Errorf("%w: bad master key", ErrCorrupt)
	}
	nonce := randomBytes(aead.NonceSize())
	buf = append(buf, nonce...)
	buf = aead.Seal(buf, nonce, pj, ad)
	sum := sha256.Sum256(buf)
	return append(buf, sum[:]...), nil
}

// parse checks everything that can be checked without a key (steps 1–5 of
// "Reading" in the spec).
func parse(data []byte) (*container, error) {
	switch {
	case len(data) == 0:
		return nil, fmt.Errorf("%w: empty file", ErrCorrupt)
	case !bytes.HasPrefix(data, []byte(vaultMagic)):
		if len(data) < len(vaultMagic) && bytes.HasPrefix([]byte(vaultMagic), data) {
			return nil, fmt.Errorf("%w: truncated (%d bytes)", ErrCorrupt, len(data))
		}
		return nil, fmt.Errorf("%w: not a Nidan vault or backup", ErrCorrupt)
	case len(data) < prefixLen:
		return nil, fmt.Errorf("%w: truncated (%d bytes)", ErrCorrupt, len(data))
	case data[len(vaultMagic)] != vaultVersion:
		return nil, fmt.Errorf("%w: format version %d (this Nidan reads version %d)", ErrUnsupportedVersion, data[len(vaultMagic)], vaultVersion)
	case len(data) > maxFileLen:
		return nil, fmt.Errorf("%w: file too large (%d bytes)", ErrCorrupt, len(data))
	}
	hl := int(binary.BigEndian.Uint32(data[len(vaultMagic)+1:]))
	if hl < 2 || hl > maxHeaderLen {
		return nil, fmt.Errorf("%w: bad header length %d", ErrCorrupt, hl)
	}
	end := prefixLen + hl
	if len(data) < end+chacha20poly1305.NonceSizeX+chacha20poly1305.Overhead+checksumLen {
		return nil, fmt.Errorf("%w: truncated (%d bytes)", ErrCorrupt, len(data))
	}
	body := data[:len(data)-checksumLen]
	if sum := sha256.Sum256(body); !bytes.Equal(sum[:], data[len(body):]) {
		return nil, fmt.Errorf("%w: checksum mismatch: the file is damaged or truncated", ErrCorrupt)
	}
	c := &container{ad: data[:end:end], nonce: data[end : end+chacha20poly1305.NonceSizeX], sealed: body[end+chacha20poly1305.NonceSizeX:]}
	copy(c.checksum[:], data[len(body):])
	dec := json.NewDecoder(bytes.NewReader(data[prefixLen:end]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c.header); err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrCorrupt, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: header: trailing data", ErrCorrupt)
	}
	if err := c.header.validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// open decrypts and decodes the payload (steps 7–8).
func (c *container) open(master []byte) (*payload, error) {
	aead, err := chacha20poly1305.NewX(master)
	if err != nil {
		return nil, fmt.Errorf("%w: bad master key", ErrCorrupt)
	}
	pj, err := aead.Open(nil, c.nonce, c.sealed, c.ad)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCorrupt, errPayloadAuth)
	}
	defer wipe(pj)
	var p payload
	if err := json.Unmarshal(pj, &p); err != nil {
		return nil, fmt.Errorf("%w: accounts: %v", ErrCorrupt, err)
	}
	for i := range p.Accounts {
		if p.Accounts[i].ID == "" {
			return nil, fmt.Errorf("%w: account %d has no id", ErrCorrupt, i+1)
		}
	}
	return &p, nil
}

func wipe(b []byte) { clear(b) }

// errPayloadAuth is the payload AEAD failing: after a slot opened, damage;
// when re-reading with a key we hold, a different vault.
var errPayloadAuth = errors.New("the accounts do not authenticate (damaged or tampered with)")

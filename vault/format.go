package vault

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/replica"
)

// This file is the wire format of docs/vault-format.md: the container shared
// by the vault and its backups. Nothing here touches the file system.

const (
	vaultMagic     = "NIDAN-VAULT"
	vaultVersion   = 2 // written; 1 and 2 are read
	legacyVersion  = 1
	prefixLen      = len(vaultMagic) + 1 + 4
	maxHeaderLen   = 64 << 10
	maxFileLen     = 64 << 20
	checksumLen    = sha256.Size
	masterKeyLen   = 32
	saltLen        = 16
	kindVault      = "vault"
	kindBackup     = "backup"
	kindSync       = "sync"
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
	// AD is 1 for a slot carried into a version 2 file that still uses
	// the version 1 associated data: a vault upgraded while unlocked with
	// the keyring keeps its password slot so until the next password
	// unlock re-wraps it (no KDF runs on save).
	AD int `json:"ad,omitempty"`
}

func (s *slot) params() KDFParams {
	return KDFParams{Time: s.Time, Memory: s.Memory, Threads: s.Threads}
}

// header is the authenticated, unencrypted part of a file.
type header struct {
	Kind      string        `json:"kind"`
	VaultID   string        `json:"vault_id"`
	Cipher    string        `json:"cipher"`
	Keyed     replica.Stamp `json:"keyed,omitzero"`   // version 2: when the master key was made
	Device    string        `json:"device,omitempty"` // version 2: the device that wrote the file
	BackupDir string        `json:"backup_dir,omitempty"`
	SyncDir   string        `json:"sync_dir,omitempty"` // version 2, vault only
	Slots     []slot        `json:"slots"`
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
func (h *header) validate(version byte) error {
	if h.Kind != kindVault && h.Kind != kindBackup && (h.Kind != kindSync || version < 2) {
		return fmt.Errorf("%w: unknown kind %q", ErrCorrupt, h.Kind)
	}
	if version == legacyVersion {
		if !h.Keyed.IsZero() || h.Device != "" || h.SyncDir != "" {
			return fmt.Errorf("%w: version 2 fields in a version 1 header", ErrCorrupt)
		}
	} else if h.Keyed.IsZero() || !replica.ValidDevice(h.Device) {
		return fmt.Errorf("%w: missing or bad keyed or device", ErrCorrupt)
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
		if s.AD != 0 && (s.AD != legacyVersion || version == legacyVersion) {
			return fmt.Errorf("%w: %s slot: bad ad %d", ErrCorrupt, s.Type, s.AD)
		}
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
	if h.Kind != kindVault && (len(h.Slots) != 1 || h.BackupDir != "" || h.SyncDir != "") {
		return fmt.Errorf("%w: a %s file has only a password slot", ErrCorrupt, h.Kind)
	}
	return nil
}

// slotAD is a slot's associated data. Version 2 binds the key epoch and,
// for a password slot, the KDF parameters and salt, so that a slot opens
// only as exactly what it was made as (docs/vault-format.md, "Slot
// associated data").
func (h *header) slotAD(s *slot, version byte) []byte {
	if version == legacyVersion || s.AD == legacyVersion {
		return []byte("nidan-vault-slot/1/" + s.Type + "/" + h.VaultID)
	}
	var params string
	if s.Type == slotPassword {
		params = fmt.Sprintf("%s/t=%d/m=%d/p=%d/s=%s", s.KDF, s.Time, s.Memory, s.Threads, base64.StdEncoding.EncodeToString(s.Salt))
	}
	return []byte("nidan-vault-slot/2/" + s.Type + "/" + h.VaultID + "/" + h.Keyed.String() + "/" + params)
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("accounts: crypto/rand failed: %v", err))
	}
	return b
}

// wrap seals the master key under slotKey into a version 2 slot of the
// given type; p and salt are the KDF parameters of a password slot.
func (h *header) wrap(typ string, slotKey, master []byte, p KDFParams, salt []byte) slot {
	aead, err := chacha20poly1305.NewX(slotKey)
	if err != nil {
		panic(err) // slot keys are always 32 bytes
	}
	s := slot{Type: typ, Nonce: randomBytes(aead.NonceSize())}
	if typ == slotPassword {
		s.KDF, s.Time, s.Memory, s.Threads, s.Salt = kdfArgon2id, p.Time, p.Memory, p.Threads, salt
	}
	s.Key = aead.Seal(nil, s.Nonce, master, h.slotAD(&s, vaultVersion))
	return s
}

// passwordSlot runs the KDF and wraps the master key.
func (h *header) passwordSlot(password, master []byte, p KDFParams) slot {
	salt := randomBytes(saltLen)
	k := p.derive(password, salt)
	defer wipe(k)
	return h.wrap(slotPassword, k, master, p, salt)
}

// unwrap opens a slot of a file of the given version. Failure is
// ErrWrongPassword: with the checksum already verified, a slot that does
// not open means the key is wrong (or the slot was deliberately altered,
// which no one holding only the password can tell apart).
func (h *header) unwrap(s *slot, version byte, slotKey []byte) ([]byte, error) {
	aead, err := chacha20poly1305.NewX(slotKey)
	if err != nil {
		return nil, fmt.Errorf("%w: bad slot key", accounts.ErrWrongPassword)
	}
	master, err := aead.Open(nil, s.Nonce, s.Key, h.slotAD(s, version))
	if err != nil {
		return nil, fmt.Errorf("%w: the %s slot does not open", accounts.ErrWrongPassword, s.Type)
	}
	return master, nil
}

// openPassword derives the slot key from the password and opens the
// password slot; it returns the master key and the slot key (for
// re-wrapping a legacy slot without running the KDF again).
func (h *header) openPassword(version byte, password []byte) (master, slotKey []byte, err error) {
	s := h.slot(slotPassword)
	k := s.params().derive(password, s.Salt)
	m, err := h.unwrap(s, version, k)
	if err != nil {
		wipe(k)
		return nil, nil, fmt.Errorf("%w (or the password slot was altered)", accounts.ErrWrongPassword)
	}
	return m, k, nil
}

// unwrapPassword is openPassword for callers that need only the master key.
func (h *header) unwrapPassword(version byte, password []byte) ([]byte, error) {
	m, k, err := h.openPassword(version, password)
	wipe(k)
	return m, err
}

// legacyStamp is the stamp a version 1 account gets on upgrade: its
// modified time, so that every device upgrading the same file agrees.
func legacyStamp(a *accounts.Account) replica.Stamp {
	return replica.Stamp{Wall: max(0, a.Modified.UnixMilli()), Device: replica.LegacyDevice}
}

// legacyKeyed is the key epoch of a vault made by version 1.
var legacyKeyed = replica.Stamp{Device: replica.LegacyDevice}

// container is a parsed file: its header, the exact bytes the payload
// authenticates, and the sealed payload.
type container struct {
	version  byte
	header   header
	ad       []byte // magic, version, length and header bytes
	nonce    []byte
	sealed   []byte
	checksum [checksumLen]byte
}

// marshal seals the payload under master and returns the whole file.
func marshal(h *header, master []byte, p *replica.State) ([]byte, error) {
	hj, err := json.Marshal(h)
	if err != nil {
		return nil, fmt.Errorf("encode header: %w", err)
	}
	pj, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("encode accounts: %w", err)
	}
	defer wipe(pj)
	return seal(hj, master, pj)
}

// seal assembles a file from header JSON and payload JSON.
func seal(hj, master, pj []byte) ([]byte, error) {
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
	case data[len(vaultMagic)] != vaultVersion && data[len(vaultMagic)] != legacyVersion:
		return nil, fmt.Errorf("%w: format version %d (this Nidan reads versions 1 and 2)", ErrUnsupportedVersion, data[len(vaultMagic)])
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
	c := &container{version: data[len(vaultMagic)], ad: data[:end:end], nonce: data[end : end+chacha20poly1305.NonceSizeX], sealed: body[end+chacha20poly1305.NonceSizeX:]}
	copy(c.checksum[:], data[len(body):])
	dec := json.NewDecoder(bytes.NewReader(data[prefixLen:end]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c.header); err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrCorrupt, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: header: trailing data", ErrCorrupt)
	}
	if err := c.header.validate(c.version); err != nil {
		return nil, err
	}
	return c, nil
}

// open decrypts and decodes the payload (steps 7–8). A version 1 payload
// comes back with legacy stamps.
func (c *container) open(master []byte) (*replica.State, error) {
	aead, err := chacha20poly1305.NewX(master)
	if err != nil {
		return nil, fmt.Errorf("%w: bad master key", ErrCorrupt)
	}
	pj, err := aead.Open(nil, c.nonce, c.sealed, c.ad)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCorrupt, errPayloadAuth)
	}
	defer wipe(pj)
	var p replica.State
	if err := json.Unmarshal(pj, &p); err != nil {
		return nil, fmt.Errorf("%w: accounts: %v", ErrCorrupt, err)
	}
	if c.version == legacyVersion {
		if len(p.Tombstones)+len(p.Devices) > 0 || !p.Clock.IsZero() {
			return nil, fmt.Errorf("%w: version 2 fields in a version 1 payload", ErrCorrupt)
		}
		for i := range p.Accounts {
			if !p.Accounts[i].Stamp.IsZero() {
				return nil, fmt.Errorf("%w: a stamp in a version 1 payload", ErrCorrupt)
			}
			p.Accounts[i].Stamp = legacyStamp(&p.Accounts[i].Account)
		}
	}
	if p.Accounts == nil {
		p.Accounts = []replica.Entry{}
	}
	if err := p.Check(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	return &p, nil
}

func wipe(b []byte) { clear(b) }

// errPayloadAuth is the payload AEAD failing: after a slot opened, damage;
// when re-reading with a key we hold, a different vault.
var errPayloadAuth = errors.New("the accounts do not authenticate (damaged or tampered with)")

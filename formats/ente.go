package formats

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20"
	"golang.org/x/crypto/poly1305" //lint:ignore SA1019 libsodium's secretstream needs bare Poly1305; x/crypto keeps it working

	"github.com/nidan-auth/nidan/accounts"
)

// Ente Auth's encrypted export (docs/formats.md, "Ente Auth encrypted
// export"). Its plain-text export is an otpauth:// list (uris).
var enteFormat = Format{
	Name: "ente", App: "Ente Auth encrypted export (.txt)",
	detect: func(s *sniff) bool {
		o := s.object()
		return has(o, "kdfParams") && has(o, "encryptedData") && has(o, "encryptionNonce")
	},
	read: readEnte,
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

func readEnte(data []byte, password func() ([]byte, error), c *collector) error {
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

package enroll

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/nidan-auth/nidan/internal/atomicfile"
	"github.com/nidan-auth/nidan/internal/datadir"
	"github.com/nidan-auth/nidan/internal/filelock"
)

// The store file format (docs/enroll-store.md). The envelope is plain JSON;
// the users are AES-256-GCM sealed with the key from the key file, with the
// format line as additional data so that a file cannot be passed off as
// another version.
const (
	storeFormat  = "nidan-enroll"
	storeVersion = 1
	storeAAD     = "nidan-enroll/v1"
	keyFileLabel = "nidan-enroll-key/v1 "
	keyLen       = 32
)

type envelope struct {
	Format     string `json:"format"`
	Version    int    `json:"version"`
	Cipher     string `json:"cipher"`
	Nonce      []byte `json:"nonce"`
	Ciphertext []byte `json:"ciphertext"`
}

type payload struct {
	Users []User `json:"users"`
}

// FileStore is the default Store: one encrypted file (PATH), its key
// (PATH.key, 0600) and a lock file (PATH.lock) beside it. Every operation
// takes an exclusive file lock, reads the file and, if it changed anything,
// saves it crash-safely, so the CLI, the GUI and a running web panel can
// share one store.
type FileStore struct {
	path string
	key  []byte
	mu   sync.Mutex
}

var _ Store = (*FileStore)(nil)

// DefaultStorePath is enroll.json in Nidan's data folder
// (internal/datadir: <user config dir>/nidan), beside the vault.
func DefaultStorePath() (string, error) {
	dir, err := datadir.Dir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "enroll.json"), nil
}

// OpenFileStore opens the store at path, creating its directory (0700) and,
// for a new store, a fresh random key file. An existing store whose key file
// is missing or different fails with ErrWrongKey or ErrCorrupt; nothing is
// changed then.
func OpenFileStore(path string) (*FileStore, error) {
	if path == "" {
		return nil, errors.New("open enroll store: empty path")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("open enroll store: %w", err)
	}
	s := &FileStore{path: path}
	unlock, err := s.lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	key, err := readKey(s.keyPath())
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if _, serr := os.Stat(path); serr == nil {
			return nil, fmt.Errorf("open enroll store: key file %s is missing: %w", s.keyPath(), ErrWrongKey)
		}
		if key, err = createKey(s.keyPath()); err != nil {
			return nil, fmt.Errorf("open enroll store: %w", err)
		}
	case err != nil:
		return nil, fmt.Errorf("open enroll store: %w", err)
	}
	s.key = key
	if _, err := s.load(); err != nil {
		return nil, err
	}
	return s, nil
}

// Path returns the store file's path.
func (s *FileStore) Path() string { return s.path }

func (s *FileStore) keyPath() string  { return s.path + ".key" }
func (s *FileStore) lockPath() string { return s.path + ".lock" }

// lock takes the in-process mutex and the exclusive file lock.
func (s *FileStore) lock() (func(), error) {
	s.mu.Lock()
	l, err := filelock.Lock(s.lockPath())
	if err != nil {
		s.mu.Unlock()
		return nil, fmt.Errorf("lock enroll store: %w", err)
	}
	return func() {
		_ = l.Unlock()
		s.mu.Unlock()
	}, nil
}

// with runs fn over the users under the lock and saves them if fn says so.
func (s *FileStore) with(fn func(users map[string]*User) (save bool, err error)) error {
	unlock, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock()
	users, err := s.load()
	if err != nil {
		return err
	}
	save, err := fn(users)
	if err != nil || !save {
		return err
	}
	return s.save(users)
}

// IDs implements Store.
func (s *FileStore) IDs() ([]string, error) {
	var ids []string
	err := s.with(func(users map[string]*User) (bool, error) {
		for id := range users {
			ids = append(ids, id)
		}
		return false, nil
	})
	slices.Sort(ids)
	return ids, err
}

// Get implements Store.
func (s *FileStore) Get(id string) (User, error) {
	var u User
	err := s.with(func(users map[string]*User) (bool, error) {
		p, ok := users[id]
		if !ok {
			return false, ErrNoSuchUser
		}
		u = p.Clone()
		return false, nil
	})
	return u, err
}

// Create implements Store.
func (s *FileStore) Create(u User) error {
	return s.with(func(users map[string]*User) (bool, error) {
		if _, ok := users[u.ID]; ok {
			return false, ErrUserExists
		}
		c := u.Clone()
		users[u.ID] = &c
		return true, nil
	})
}

// Update implements Store.
func (s *FileStore) Update(id string, fn func(u *User) error) error {
	return s.with(func(users map[string]*User) (bool, error) {
		p, ok := users[id]
		if !ok {
			return false, ErrNoSuchUser
		}
		c := p.Clone()
		if err := fn(&c); err != nil {
			return false, err
		}
		c.ID = id // the key of the map is the truth
		users[id] = &c
		return true, nil
	})
}

// Delete implements Store.
func (s *FileStore) Delete(id string) error {
	return s.with(func(users map[string]*User) (bool, error) {
		if _, ok := users[id]; !ok {
			return false, ErrNoSuchUser
		}
		delete(users, id)
		return true, nil
	})
}

func (s *FileStore) aead() (cipher.AEAD, error) {
	block, err := aes.NewCipher(s.key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// load reads and decrypts the store; a missing file is an empty store.
func (s *FileStore) load() (map[string]*User, error) {
	users := map[string]*User{}
	data, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return users, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read enroll store: %w", err)
	}
	var env envelope
	if err := json.Unmarshal(data, &env); err != nil || env.Format != storeFormat {
		return nil, fmt.Errorf("read enroll store %s: not a Nidan enrollment store: %w", s.path, ErrCorrupt)
	}
	if env.Version != storeVersion {
		return nil, fmt.Errorf("read enroll store %s: version %d: %w", s.path, env.Version, ErrUnsupportedVersion)
	}
	aead, err := s.aead()
	if err != nil {
		return nil, fmt.Errorf("read enroll store: %w", err)
	}
	if env.Cipher != "AES-256-GCM" || len(env.Nonce) != aead.NonceSize() {
		return nil, fmt.Errorf("read enroll store %s: bad cipher header: %w", s.path, ErrCorrupt)
	}
	plain, err := aead.Open(nil, env.Nonce, env.Ciphertext, []byte(storeAAD))
	if err != nil {
		return nil, fmt.Errorf("read enroll store %s: %w", s.path, ErrWrongKey)
	}
	var p payload
	if err := json.Unmarshal(plain, &p); err != nil {
		return nil, fmt.Errorf("read enroll store %s: users: %w", s.path, ErrCorrupt)
	}
	for i := range p.Users {
		u := p.Users[i]
		if _, dup := users[u.ID]; dup || u.ID == "" {
			return nil, fmt.Errorf("read enroll store %s: duplicate or empty user ID: %w", s.path, ErrCorrupt)
		}
		users[u.ID] = &u
	}
	return users, nil
}

// save seals the users and replaces the store file crash-safely.
func (s *FileStore) save(users map[string]*User) error {
	p := payload{Users: make([]User, 0, len(users))}
	for _, u := range users {
		p.Users = append(p.Users, *u)
	}
	slices.SortFunc(p.Users, func(a, b User) int { return strings.Compare(a.ID, b.ID) })
	plain, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("save enroll store: %w", err)
	}
	aead, err := s.aead()
	if err != nil {
		return fmt.Errorf("save enroll store: %w", err)
	}
	env := envelope{Format: storeFormat, Version: storeVersion, Cipher: "AES-256-GCM",
		Nonce: make([]byte, aead.NonceSize())}
	if _, err := rand.Read(env.Nonce); err != nil {
		return fmt.Errorf("save enroll store: %w", err)
	}
	env.Ciphertext = aead.Seal(nil, env.Nonce, plain, []byte(storeAAD))
	clear(plain)
	data, err := json.MarshalIndent(env, "", "  ")
	if err != nil {
		return fmt.Errorf("save enroll store: %w", err)
	}
	if err := atomicfile.Write(s.path, append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("save enroll store: %w", err)
	}
	return nil
}

func readKey(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	text, ok := strings.CutPrefix(strings.TrimSpace(string(data)), keyFileLabel)
	if !ok {
		return nil, fmt.Errorf("key file %s: %w", path, ErrCorrupt)
	}
	key, err := hex.DecodeString(text)
	if err != nil || len(key) != keyLen {
		return nil, fmt.Errorf("key file %s: %w", path, ErrCorrupt)
	}
	return key, nil
}

func createKey(path string) ([]byte, error) {
	key := make([]byte, keyLen)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("create key: %w", err)
	}
	if err := atomicfile.WriteNew(path, []byte(keyFileLabel+hex.EncodeToString(key)+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("create key file: %w", err)
	}
	return key, nil
}

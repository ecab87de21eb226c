package enroll

import (
	"cmp"
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
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nidan-auth/nidan/internal/atomicfile"
	"github.com/nidan-auth/nidan/internal/datadir"
	"github.com/nidan-auth/nidan/internal/filelock"
)

// The store file format (docs/enroll-store.md). The envelope is plain JSON;
// the users and counters are AES-256-GCM sealed with the key from the key
// file, with the format line and the generation as additional data, so
// that a file cannot be passed off as another version or another save.
const (
	storeFormat    = "nidan-enroll"
	storeVersion   = 2
	storeVersion1  = 1
	storeAAD1      = "nidan-enroll/v1"
	keyFileLabel   = "nidan-enroll-key/v1 "
	genFileLabel   = "nidan-enroll-generation/v1 "
	keyLen         = 32
	maxFileCounter = 10000 // attempt counters a file store keeps at most
)

func storeAAD(gen uint64) []byte { return fmt.Appendf(nil, "nidan-enroll/v2 generation=%d", gen) }

type envelope struct {
	Format     string `json:"format"`
	Version    int    `json:"version"`
	Cipher     string `json:"cipher"`
	Generation uint64 `json:"generation,omitempty"`
	Nonce      []byte `json:"nonce"`
	Ciphertext []byte `json:"ciphertext"`
}

type payload struct {
	Users    []fileUser      `json:"users"`
	Throttle []throttleState `json:"throttle,omitempty"`
	Sessions []fileSession   `json:"sessions,omitempty"`
}

// fileSession is a Session as the file keeps it (times in Unix ms).
type fileSession struct {
	Key      string `json:"key"`
	User     string `json:"user"`
	WithCode bool   `json:"with_code,omitempty"`
	Data     []byte `json:"data,omitempty"`
	Created  int64  `json:"created"`
	Expires  int64  `json:"expires"`
}

// fileUser is a User as the file keeps it; format 1 kept the user's
// failure counter in it, which loading moves to the attempt counters.
type fileUser struct {
	User
	Failures    int       `json:"failures,omitempty"`
	LockedUntil time.Time `json:"locked_until,omitzero"`
}

// fileState is the decrypted content of the store file.
type fileState struct {
	users    map[string]*User
	throttle map[string]throttleState
	sessions map[string]fileSession
	gen      uint64 // generation of the file as read (0: no file yet)
	known    uint64 // generation the PATH.gen file remembers
}

// FileStore is the default Store: one encrypted file (PATH), its key
// (PATH.key, 0600), the last generation saved (PATH.gen) and a lock file
// (PATH.lock) beside it. Every operation takes an exclusive file lock, reads
// the file and, if it changed anything, saves it crash-safely with the next
// generation, so the CLI, the GUI and a running web panel can share one
// store. A store file older than PATH.gen says (an earlier copy put back)
// is refused with ErrRolledBack.
type FileStore struct {
	path string
	key  []byte
	mu   sync.Mutex
	// lockWait bounds the wait for another process's lock (0 =
	// filelock.DefaultWait); tests shorten it.
	lockWait time.Duration
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
// is missing or different fails with ErrWrongKey or ErrCorrupt, one older
// than the last save with ErrRolledBack; nothing is changed then.
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

// AcceptFileStore makes the store at path the current one as it is,
// whatever generation PATH.gen remembered: the admin's answer to
// ErrRolledBack after restoring a backup on purpose. The file must still
// open with its key.
func AcceptFileStore(path string) error {
	s := &FileStore{path: path}
	unlock, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock()
	if s.key, err = readKey(s.keyPath()); err != nil {
		return fmt.Errorf("accept enroll store: %w", err)
	}
	st, err := s.read()
	if err != nil {
		return err
	}
	return s.save(st, false)
}

// Path returns the store file's path.
func (s *FileStore) Path() string { return s.path }

func (s *FileStore) keyPath() string  { return s.path + ".key" }
func (s *FileStore) genPath() string  { return s.path + ".gen" }
func (s *FileStore) lockPath() string { return s.path + ".lock" }

// Close implements Store; a FileStore holds nothing open between calls.
func (s *FileStore) Close() error { return nil }

// lock takes the in-process mutex and the exclusive file lock.
func (s *FileStore) lock() (func(), error) {
	s.mu.Lock()
	l, err := filelock.LockWait(s.lockPath(), s.lockWait)
	if errors.Is(err, filelock.ErrLocked) {
		s.mu.Unlock()
		return nil, fmt.Errorf("%w: %w; stop the other server or command, or try again later", ErrStoreInUse, err)
	}
	if err != nil {
		s.mu.Unlock()
		return nil, fmt.Errorf("lock enroll store: %w", err)
	}
	return func() {
		_ = l.Unlock()
		s.mu.Unlock()
	}, nil
}

// with runs fn over the state under the lock and saves it if fn says so.
func (s *FileStore) with(fn func(st *fileState) (save bool, err error)) error {
	unlock, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock()
	st, err := s.load()
	if err != nil {
		return err
	}
	save, err := fn(st)
	if err != nil || !save {
		return err
	}
	return s.save(st, true)
}

// IDs implements Store.
func (s *FileStore) IDs() ([]string, error) {
	var ids []string
	err := s.with(func(st *fileState) (bool, error) {
		for id := range st.users {
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
	err := s.with(func(st *fileState) (bool, error) {
		p, ok := st.users[id]
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
	return s.with(func(st *fileState) (bool, error) {
		if _, ok := st.users[u.ID]; ok {
			return false, ErrUserExists
		}
		c := u.Clone()
		st.users[u.ID] = &c
		return true, nil
	})
}

// Update implements Store.
func (s *FileStore) Update(id string, fn func(u *User) error) error {
	return s.with(func(st *fileState) (bool, error) {
		p, ok := st.users[id]
		if !ok {
			return false, ErrNoSuchUser
		}
		c := p.Clone()
		if err := fn(&c); err != nil {
			return false, err
		}
		c.ID = id // the key of the map is the truth
		st.users[id] = &c
		return true, nil
	})
}

// Delete implements Store.
func (s *FileStore) Delete(id string) error {
	return s.with(func(st *fileState) (bool, error) {
		if _, ok := st.users[id]; !ok {
			return false, ErrNoSuchUser
		}
		delete(st.users, id)
		for k, fs := range st.sessions {
			if fs.User == id {
				delete(st.sessions, k)
			}
		}
		return true, nil
	})
}

func (fs fileSession) session() Session {
	return Session{Key: fs.Key, User: fs.User, WithCode: fs.WithCode, Data: slices.Clone(fs.Data),
		Created: time.UnixMilli(fs.Created).UTC(), Expires: time.UnixMilli(fs.Expires).UTC()}
}

// CreateSession implements Store.
func (s *FileStore) CreateSession(ns Session, maxPerUser int) error {
	return s.with(func(st *fileState) (bool, error) {
		if st.users[ns.User] == nil {
			return false, ErrNoSuchUser
		}
		now := ns.Created.UnixMilli()
		var mine []fileSession
		for k, fs := range st.sessions {
			switch {
			case fs.Expires <= now:
				delete(st.sessions, k)
			case fs.User == ns.User:
				mine = append(mine, fs)
			}
		}
		slices.SortFunc(mine, func(a, b fileSession) int {
			return cmp.Or(cmp.Compare(b.Expires, a.Expires), strings.Compare(a.Key, b.Key))
		})
		for _, fs := range mine[min(len(mine), max(maxPerUser-1, 0)):] {
			delete(st.sessions, fs.Key)
		}
		st.sessions[ns.Key] = fileSession{Key: ns.Key, User: ns.User, WithCode: ns.WithCode, Data: slices.Clone(ns.Data),
			Created: now, Expires: ns.Expires.UnixMilli()}
		return true, nil
	})
}

// Session implements Store.
func (s *FileStore) Session(key string, now time.Time) (Session, error) {
	var out Session
	err := s.with(func(st *fileState) (bool, error) {
		fs, ok := st.sessions[key]
		if !ok || fs.Expires <= now.UnixMilli() {
			return false, ErrNoSession
		}
		out = fs.session()
		return false, nil
	})
	return out, err
}

// SaveSession implements Store.
func (s *FileStore) SaveSession(ns Session, now time.Time) error {
	return s.with(func(st *fileState) (bool, error) {
		fs, ok := st.sessions[ns.Key]
		if !ok || fs.Expires <= now.UnixMilli() {
			return false, ErrNoSession
		}
		fs.Data, fs.Expires = slices.Clone(ns.Data), ns.Expires.UnixMilli()
		st.sessions[ns.Key] = fs
		return true, nil
	})
}

// DeleteSession implements Store.
func (s *FileStore) DeleteSession(key string) error {
	return s.with(func(st *fileState) (bool, error) {
		if _, ok := st.sessions[key]; !ok {
			return false, nil
		}
		delete(st.sessions, key)
		return true, nil
	})
}

// DeleteSessions implements Store.
func (s *FileStore) DeleteSessions(user string) error {
	return s.with(func(st *fileState) (bool, error) {
		changed := false
		for k, fs := range st.sessions {
			if fs.User == user {
				delete(st.sessions, k)
				changed = true
			}
		}
		return changed, nil
	})
}

// UserSessions implements Store.
func (s *FileStore) UserSessions(user string, now time.Time) ([]Session, error) {
	var out []Session
	err := s.with(func(st *fileState) (bool, error) {
		for _, fs := range st.sessions {
			if fs.User == user && fs.Expires > now.UnixMilli() {
				out = append(out, fs.session())
			}
		}
		return false, nil
	})
	slices.SortFunc(out, func(a, b Session) int { return cmp.Or(a.Created.Compare(b.Created), strings.Compare(a.Key, b.Key)) })
	return out, err
}

// Spend implements Store.
func (s *FileStore) Spend(id, factorID string, step uint64, clearKey string) error {
	return s.with(func(st *fileState) (bool, error) {
		u, ok := st.users[id]
		switch {
		case !ok:
			return false, ErrNoSuchUser
		case u.Active == nil || u.Active.ID != factorID:
			return false, ErrBadCode
		case u.HasLastStep && step <= u.LastStep:
			return false, ErrReplay
		}
		u.LastStep, u.HasLastStep = step, true
		delete(st.throttle, clearKey)
		return true, nil
	})
}

// Attempt implements Store.
func (s *FileStore) Attempt(key string, now time.Time, p Throttle) (ThrottleInfo, error) {
	var info ThrottleInfo
	err := s.with(func(st *fileState) (bool, error) {
		var err error
		info, err = st.attempt(key, now, p)
		return err == nil, err
	})
	return info, err
}

// attempt counts an attempt in the loaded state and forgets idle counters.
func (st *fileState) attempt(key string, now time.Time, p Throttle) (ThrottleInfo, error) {
	p = p.orDefault(userThrottle)
	ms := now.UnixMilli()
	next, err := p.attempt(st.throttle[key], ms)
	if err != nil {
		return next.info(), err
	}
	next.Key = key
	st.throttle[key] = next
	for k, c := range st.throttle {
		if c.LockedUntil <= ms && c.Updated+p.Forget.Milliseconds() < ms {
			delete(st.throttle, k)
		}
	}
	return next.info(), nil
}

// Verify implements Store: the attempt, the check and the spend under one
// lock, in one save.
func (s *FileStore) Verify(id, key string, now time.Time, p Throttle, match func(u *User) (uint64, error)) (ThrottleInfo, error) {
	var info ThrottleInfo
	var outcome error
	err := s.with(func(st *fileState) (bool, error) {
		var err error
		if info, err = st.attempt(key, now, p); err != nil {
			return false, err
		}
		u, ok := st.users[id]
		if !ok {
			outcome = ErrNoSuchUser
			return true, nil // the attempt counts
		}
		c := u.Clone()
		c.PasswordHash, c.Pending = "", nil
		step, err := match(&c)
		switch {
		case err != nil:
			outcome = err
		case u.Active == nil:
			outcome = ErrBadCode
		case u.HasLastStep && step <= u.LastStep:
			outcome = ErrReplay
		default:
			u.LastStep, u.HasLastStep = step, true
			delete(st.throttle, key)
		}
		return true, nil
	})
	if err != nil {
		return info, err
	}
	return info, outcome
}

// Throttled implements Store.
func (s *FileStore) Throttled(key string) (ThrottleInfo, error) {
	var info ThrottleInfo
	err := s.with(func(st *fileState) (bool, error) {
		info = st.throttle[key].info()
		return false, nil
	})
	return info, err
}

// Clear implements Store.
func (s *FileStore) Clear(key string) error {
	return s.with(func(st *fileState) (bool, error) {
		if _, ok := st.throttle[key]; !ok {
			return false, nil
		}
		delete(st.throttle, key)
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

// load reads the store and checks it against the generation file.
func (s *FileStore) load() (*fileState, error) {
	st, err := s.read()
	if err != nil {
		return nil, err
	}
	switch {
	case st.gen == 0 && st.known == 0:
		// A new store, or one of format 1 not yet saved as format 2.
	case st.known == 0:
		return nil, fmt.Errorf("read enroll store %s: generation %d, but %s is missing: %w "+
			"(if this store was restored on purpose, run `nidan enroll accept-store`)", s.path, st.gen, s.genPath(), ErrRolledBack)
	case st.gen < st.known:
		return nil, fmt.Errorf("read enroll store %s: generation %d is older than the last save (%d): "+
			"an earlier copy was put back: %w (if that was on purpose, run `nidan enroll accept-store`)", s.path, st.gen, st.known, ErrRolledBack)
	}
	return st, nil
}

// read decrypts the store file; a missing file is an empty store.
func (s *FileStore) read() (*fileState, error) {
	st := &fileState{users: map[string]*User{}, throttle: map[string]throttleState{}, sessions: map[string]fileSession{}}
	known, err := readGeneration(s.genPath())
	if err != nil {
		return nil, fmt.Errorf("read enroll store: %w", err)
	}
	st.known = known
	data, err := atomicfile.ReadFile(s.path, maxStoreFile)
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read enroll store: %w", err)
	}
	var env envelope
	if err := json.Unmarshal(data, &env); err != nil || env.Format != storeFormat {
		return nil, fmt.Errorf("read enroll store %s: not a Nidan enrollment store: %w", s.path, ErrCorrupt)
	}
	var aad []byte
	switch {
	case env.Version == storeVersion && env.Generation > 0:
		aad = storeAAD(env.Generation)
	case env.Version == storeVersion1 && known == 0:
		aad = []byte(storeAAD1)
	case env.Version == storeVersion1:
		return nil, fmt.Errorf("read enroll store %s: a format 1 file after format 2 was saved: %w "+
			"(if this store was restored on purpose, run `nidan enroll accept-store`)", s.path, ErrRolledBack)
	case env.Version == storeVersion:
		return nil, fmt.Errorf("read enroll store %s: no generation: %w", s.path, ErrCorrupt)
	default:
		return nil, fmt.Errorf("read enroll store %s: version %d: %w", s.path, env.Version, ErrUnsupportedVersion)
	}
	aead, err := s.aead()
	if err != nil {
		return nil, fmt.Errorf("read enroll store: %w", err)
	}
	if env.Cipher != "AES-256-GCM" || len(env.Nonce) != aead.NonceSize() {
		return nil, fmt.Errorf("read enroll store %s: bad cipher header: %w", s.path, ErrCorrupt)
	}
	plain, err := aead.Open(nil, env.Nonce, env.Ciphertext, aad)
	if err != nil {
		return nil, fmt.Errorf("read enroll store %s: %w", s.path, ErrWrongKey)
	}
	defer clear(plain)
	var p payload
	if err := json.Unmarshal(plain, &p); err != nil {
		return nil, fmt.Errorf("read enroll store %s: users: %w", s.path, ErrCorrupt)
	}
	for i := range p.Users {
		fu := p.Users[i]
		u := fu.User
		if _, dup := st.users[u.ID]; dup || u.ID == "" {
			return nil, fmt.Errorf("read enroll store %s: duplicate or empty user ID: %w", s.path, ErrCorrupt)
		}
		st.users[u.ID] = &u
		if fu.Failures > 0 || !fu.LockedUntil.IsZero() { // format 1
			st.throttle[userKey(u.ID)] = throttleState{Key: userKey(u.ID), Failures: fu.Failures,
				LockedUntil: max(fu.LockedUntil.UnixMilli(), 0), Updated: max(fu.Modified.UnixMilli(), fu.LockedUntil.UnixMilli(), 0)}
		}
	}
	for _, c := range p.Throttle {
		if c.Key == "" || c.Failures < 0 || c.Lockouts < 0 {
			return nil, fmt.Errorf("read enroll store %s: bad attempt counter: %w", s.path, ErrCorrupt)
		}
		st.throttle[c.Key] = c
	}
	for _, fs := range p.Sessions {
		if fs.Key == "" || st.users[fs.User] == nil {
			return nil, fmt.Errorf("read enroll store %s: bad session: %w", s.path, ErrCorrupt)
		}
		st.sessions[fs.Key] = fs
	}
	st.gen = env.Generation
	return st, nil
}

// save seals the state as the next generation, replaces the store file
// crash-safely and then records the generation in PATH.gen. A crash in
// between leaves a file newer than PATH.gen, which opens (and the next save
// mends PATH.gen); only a file older than PATH.gen is refused. With next
// false it rewrites the generation file for the file's own generation.
func (s *FileStore) save(st *fileState, next bool) error {
	gen := max(st.gen, st.known)
	if next || gen == 0 {
		gen++
	}
	if next || st.gen != gen {
		if err := s.writeStore(st, gen); err != nil {
			return fmt.Errorf("save enroll store: %w", err)
		}
	}
	if err := atomicfile.Write(s.genPath(), fmt.Appendf(nil, "%s%d\n", genFileLabel, gen), 0o600); err != nil {
		return fmt.Errorf("save enroll store generation: %w", err)
	}
	st.gen, st.known = gen, gen
	return nil
}

func (s *FileStore) writeStore(st *fileState, gen uint64) error {
	p := payload{Users: make([]fileUser, 0, len(st.users))}
	for _, u := range st.users {
		p.Users = append(p.Users, fileUser{User: *u})
	}
	slices.SortFunc(p.Users, func(a, b fileUser) int { return strings.Compare(a.ID, b.ID) })
	for _, c := range st.throttle {
		p.Throttle = append(p.Throttle, c)
	}
	// Keep the file bounded: the counters of idle keys go first.
	slices.SortFunc(p.Throttle, func(a, b throttleState) int { return cmp.Compare(b.Updated, a.Updated) })
	if len(p.Throttle) > maxFileCounter {
		p.Throttle = p.Throttle[:maxFileCounter]
	}
	slices.SortFunc(p.Throttle, func(a, b throttleState) int { return strings.Compare(a.Key, b.Key) })
	for _, fs := range st.sessions {
		p.Sessions = append(p.Sessions, fs)
	}
	slices.SortFunc(p.Sessions, func(a, b fileSession) int { return strings.Compare(a.Key, b.Key) })
	plain, err := json.Marshal(p)
	if err != nil {
		return err
	}
	defer clear(plain)
	aead, err := s.aead()
	if err != nil {
		return err
	}
	env := envelope{Format: storeFormat, Version: storeVersion, Cipher: "AES-256-GCM", Generation: gen,
		Nonce: make([]byte, aead.NonceSize())}
	if _, err := rand.Read(env.Nonce); err != nil {
		return err
	}
	env.Ciphertext = aead.Seal(nil, env.Nonce, plain, storeAAD(gen))
	data, err := json.MarshalIndent(env, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(s.path, append(data, '\n'), 0o600)
}

// maxStoreFile bounds what the file store reads: a million users' records
// are well under it, and a damaged or hostile file cannot exhaust memory.
const maxStoreFile = 1 << 30

// readGeneration reads PATH.gen; a missing file is generation 0.
func readGeneration(path string) (uint64, error) {
	data, err := atomicfile.ReadFile(path, 1<<10)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	text, ok := strings.CutPrefix(strings.TrimSpace(string(data)), genFileLabel)
	gen, perr := strconv.ParseUint(text, 10, 64)
	if !ok || perr != nil || gen == 0 {
		return 0, fmt.Errorf("generation file %s: %w", path, ErrCorrupt)
	}
	return gen, nil
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

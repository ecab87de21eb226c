package enroll

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/nidan-auth/nidan/internal/datadir"
)

// KeySource says where a SQL store's secrets key comes from: the hex of
// the key itself (NIDAN_ENROLL_KEY), else a key file (--enroll-key,
// NIDAN_ENROLL_KEY_FILE). For SQLite with neither, the key file is PATH.key
// beside the database, made on first use like the file store's.
type KeySource struct {
	Hex  string // 64 hex digits
	File string // a file in the key file format (docs/enroll-store.md)
}

// Key reads the key the source names.
func (k KeySource) Key() ([]byte, error) { return k.key("", false) }

// key returns the key, creating defaultFile when allowed and nothing else
// names a key.
func (k KeySource) key(defaultFile string, create bool) ([]byte, error) {
	if k.Hex != "" {
		key, err := hex.DecodeString(strings.TrimSpace(k.Hex))
		if err != nil || len(key) != keyLen {
			return nil, fmt.Errorf("secrets key: want %d hex digits: %w", 2*keyLen, ErrCorrupt)
		}
		return key, nil
	}
	path := k.File
	if path == "" {
		path = defaultFile
	}
	if path == "" {
		return nil, fmt.Errorf("%w: set NIDAN_ENROLL_KEY (64 hex digits) or give a key file (--enroll-key; `nidan enroll keygen FILE` makes one)", ErrNoKey)
	}
	key, err := readKey(path)
	if errors.Is(err, fs.ErrNotExist) && create && k.File == "" {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, err
		}
		key, err = createKey(path)
		if errors.Is(err, fs.ErrExist) { // made by another process meanwhile
			key, err = readKey(path)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("secrets key: %w", err)
	}
	return key, nil
}

// CreateKeyFile writes a new random key file at path (0600); it never
// replaces an existing file.
func CreateKeyFile(path string) error {
	_, err := createKey(path)
	return err
}

// OpenStore opens the store spec names:
//
//	sqlite:PATH              SQLite database at PATH (key: ks, else PATH.key)
//	postgres://… postgresql://…  PostgreSQL (key: ks, required)
//	anything else            the encrypted file store at that path
func OpenStore(spec string, ks KeySource) (Store, error) {
	switch {
	case strings.HasPrefix(spec, "sqlite:"):
		path := strings.TrimPrefix(spec, "sqlite:")
		if path == "" {
			return nil, errors.New("open enroll store: sqlite: needs a path (sqlite:PATH)")
		}
		_, statErr := os.Stat(path)
		key, err := ks.key(path+".key", errors.Is(statErr, fs.ErrNotExist))
		if err != nil {
			return nil, fmt.Errorf("open enroll store %s: %w", spec, err)
		}
		return OpenSQLite(path, key)
	case strings.HasPrefix(spec, "postgres://"), strings.HasPrefix(spec, "postgresql://"):
		key, err := ks.key("", false)
		if err != nil {
			return nil, fmt.Errorf("open enroll PostgreSQL store: %w", err)
		}
		return OpenPostgres(spec, key)
	case spec == "":
		return nil, errors.New("open enroll store: empty store name")
	}
	return OpenFileStore(spec)
}

// DefaultStoreSpec is the store used when none is named: enroll.json in
// Nidan's data folder if that file exists (stores made before SQLite was
// the default), else sqlite:<data folder>/enroll.db.
func DefaultStoreSpec() (string, error) {
	dir, err := datadir.Dir()
	if err != nil {
		return "", err
	}
	legacy := filepath.Join(dir, "enroll.json")
	if _, err := os.Stat(legacy); err == nil {
		return legacy, nil
	}
	return "sqlite:" + filepath.Join(dir, "enroll.db"), nil
}

// OpenStoreEnv is OpenStore with the blanks filled from the environment as
// every Nidan command does: spec from NIDAN_ENROLL_STORE, else
// DefaultStoreSpec; the key from NIDAN_ENROLL_KEY (hex), else the file
// NIDAN_ENROLL_KEY_FILE.
func OpenStoreEnv(spec string, ks KeySource, getenv func(string) string) (Store, error) {
	if spec == "" {
		spec = getenv("NIDAN_ENROLL_STORE")
	}
	if spec == "" {
		var err error
		if spec, err = DefaultStoreSpec(); err != nil {
			return nil, err
		}
	}
	if ks.Hex == "" && ks.File == "" {
		ks = KeySource{Hex: getenv("NIDAN_ENROLL_KEY"), File: getenv("NIDAN_ENROLL_KEY_FILE")}
	}
	return OpenStore(spec, ks)
}

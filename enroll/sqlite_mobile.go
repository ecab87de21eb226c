//go:build android || ios

package enroll

import (
	"errors"
	"fmt"
)

// OpenSQLite is not available in mobile builds: the phone app has no
// enrollment server, and leaving the SQLite engine out keeps the mobile
// build small and quick; the file and PostgreSQL stores remain.
func OpenSQLite(path string, key []byte) (*SQLStore, error) {
	return nil, fmt.Errorf("open enroll SQLite store %s: %w", path, errors.ErrUnsupported)
}

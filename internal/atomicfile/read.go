package atomicfile

import (
	"errors"
	"fmt"
	"io"
)

// ErrTooLarge is returned by ReadFile for a file longer than its limit.
var ErrTooLarge = errors.New("file too large")

// ReadFile reads a file that Write replaces, at most limit bytes, and
// closes it at once: on Windows a Write by another process waits while the
// file is open (see replace), and a plain os.Open fails while a Write
// replaces it, so it opens the file sharing delete access, waiting out a
// moment's conflict (openShared).
func ReadFile(path string, limit int64) ([]byte, error) {
	f, err := openShared(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: %w (more than %d bytes)", path, ErrTooLarge, limit)
	}
	return data, nil
}

package atomicfile

import (
	"errors"
	"fmt"
	"io"
)

// ErrTooLarge is returned by ReadFile for a file longer than its limit.
var ErrTooLarge = errors.New("file too large")

// ReadFile reads a file that Write replaces, at most limit bytes. On
// Windows a plain os.Open would make a concurrent Write fail with "Access
// denied" until the reader closes the file (os.Open does not share delete
// access, and the replacing move needs it), so it opens the file in a way
// that lets the move go ahead; the reader keeps the bytes it opened.
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

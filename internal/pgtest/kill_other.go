//go:build !unix

package pgtest

import (
	"errors"
	"syscall"
)

// No server is started here (New returns ErrUnsupported first).
const unixLike = false

func kill(int, syscall.Signal) error { return errors.ErrUnsupported }

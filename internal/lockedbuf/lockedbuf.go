// Package lockedbuf is a bytes.Buffer that a test may read while other
// goroutines write it, as exec's goroutines write a command's output.
package lockedbuf

import (
	"bytes"
	"sync"
)

// Buffer collects writes under a lock; the zero value is ready to use.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

// String returns everything written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

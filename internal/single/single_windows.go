//go:build windows

package single

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/windows"

	"github.com/nidan-auth/nidan/internal/win32"
)

// On Windows the endpoint is a named pipe whose name comes from the data
// folder's path. FILE_FLAG_FIRST_PIPE_INSTANCE makes creating it the
// decision of who is first: it fails for everyone while a copy holds it.
func acquire(dir string, onShow func()) (*Instance, error) {
	name := pipeName(dir)
	var h windows.Handle
	for attempt := 0; ; attempt++ {
		var err error
		h, err = createPipe(name, true)
		if err == nil {
			break
		}
		if !errors.Is(err, windows.ERROR_ACCESS_DENIED) && !errors.Is(err, windows.ERROR_PIPE_BUSY) {
			return nil, fmt.Errorf("single: create pipe: %w", err)
		}
		err = notify(name)
		// The copy that held the pipe quit between our create and our
		// open: the pipe is free now, so try to be the first again.
		if errors.Is(err, errPipeGone) && attempt < 3 {
			continue
		}
		return nil, err
	}
	var mu sync.Mutex
	closed := false
	gone := make(chan struct{})
	go func() {
		defer close(gone)
		for {
			err := windows.ConnectNamedPipe(h, nil)
			mu.Lock()
			done := closed
			mu.Unlock()
			if done {
				windows.CloseHandle(h)
				return
			}
			if err == nil || errors.Is(err, windows.ERROR_PIPE_CONNECTED) {
				serveHandle(h, onShow)
				windows.DisconnectNamedPipe(h)
			}
			// Serve the next launch on the same pipe instance.
		}
	}()
	return &Instance{closeFn: func() error {
		mu.Lock()
		closed = true
		mu.Unlock()
		// Wake ConnectNamedPipe with a client of our own, and wait until the
		// pipe is really gone: a launch right after Close must find no
		// pipe and become the first copy, not a dying one that never
		// answers. A connection being served keeps the one instance busy,
		// so keep knocking until the server goroutine has closed it.
		deadline := time.Now().Add(2 * answerTimeout)
		for {
			if c, err := openPipe(name); err == nil {
				c.Close()
			}
			select {
			case <-gone:
				return nil
			case <-time.After(20 * time.Millisecond):
			}
			if time.Now().After(deadline) {
				return errors.New("single: the pipe server did not stop")
			}
		}
	}}, nil
}

// serveHandle answers one client. Deadlines do not apply to a pipe opened
// without overlapped I/O, so a timer cancels the I/O of a silent one.
func serveHandle(h windows.Handle, onShow func()) {
	t := time.AfterFunc(answerTimeout, func() { windows.CancelIoEx(h, nil) })
	defer t.Stop()
	serve(handleRW(h), onShow)
	windows.FlushFileBuffers(h)
}

// handleRW reads and writes a pipe handle without owning it (an os.File
// would close the server's handle when collected).
type handleRW windows.Handle

func (h handleRW) Read(p []byte) (int, error) {
	var n uint32
	err := windows.ReadFile(windows.Handle(h), p, &n, nil)
	if err == nil && n == 0 {
		return 0, io.EOF
	}
	return int(n), err
}

func (h handleRW) Write(p []byte) (int, error) {
	var n uint32
	err := windows.WriteFile(windows.Handle(h), p, &n, nil)
	return int(n), err
}

func createPipe(name string, first bool) (windows.Handle, error) {
	p, err := windows.UTF16PtrFromString(name)
	if err != nil {
		return windows.InvalidHandle, err
	}
	flags := uint32(windows.PIPE_ACCESS_DUPLEX)
	if first {
		flags |= windows.FILE_FLAG_FIRST_PIPE_INSTANCE
	}
	// PIPE_REJECT_REMOTE_CLIENTS: only this machine; the default security
	// descriptor lets only this user (and admins) connect.
	return windows.CreateNamedPipe(p, flags,
		windows.PIPE_TYPE_BYTE|windows.PIPE_READMODE_BYTE|windows.PIPE_WAIT|windows.PIPE_REJECT_REMOTE_CLIENTS,
		1, 512, 512, 0, nil)
}

func openPipe(name string) (*os.File, error) {
	p, err := windows.UTF16PtrFromString(name)
	if err != nil {
		return nil, err
	}
	h, err := windows.CreateFile(p, windows.GENERIC_READ|windows.GENERIC_WRITE, 0, nil, windows.OPEN_EXISTING, 0, 0)
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(h), name), nil
}

func notify(name string) error {
	// Windows lets only the foreground program (this launch, just started
	// by the user) bring a window to the front; without handing that right
	// on, the running copy's window would only flash in the task bar.
	win32.AllowSetForegroundWindow.Call(uintptr(win32.ASFW_ANY))
	var last error
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		f, err := openPipe(name)
		if errors.Is(err, windows.ERROR_FILE_NOT_FOUND) {
			return errPipeGone
		}
		if err != nil {
			last = err
			continue
		}
		t := time.AfterFunc(answerTimeout, func() { windows.CancelIoEx(windows.Handle(f.Fd()), nil) })
		err = ask(f)
		t.Stop()
		f.Close()
		if err == nil {
			return ErrRunning
		}
		last = err
	}
	return fmt.Errorf("%w: %v", ErrNotAnswering, last)
}

// errPipeGone says the pipe that refused our create no longer exists.
var errPipeGone = errors.New("single: the running copy's pipe is gone")

// pipeName is per data folder (case-insensitively, as Windows paths are).
func pipeName(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	h := sha256.Sum256([]byte(strings.ToLower(abs)))
	return `\\.\pipe\nidan-` + hex.EncodeToString(h[:8])
}

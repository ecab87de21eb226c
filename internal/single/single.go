// Package single keeps one running copy of the desktop app per data folder.
// The first copy listens on a local endpoint there (a Unix socket; a named
// pipe on Windows); a later launch finds it, asks it to show its window and
// exits, so two processes never hold the same vault open and drift apart.
package single

import (
	"bufio"
	"errors"
	"io"
	"strings"
	"time"
)

// ErrRunning means another copy is running and was asked to show itself.
var ErrRunning = errors.New("single: another copy of the app is running")

// ErrNotAnswering means another copy holds the data folder but did not
// answer within seconds: it is hung, or still busy starting. This launch
// must not open the vault beside it, and the user needs to hear why
// nothing opens.
var ErrNotAnswering = errors.New("single: another copy of the app is running but does not answer")

// request and reply are the whole protocol: one line each way.
const (
	request = "show\n"
	reply   = "ok\n"
)

// answerTimeout bounds how long a peer may take to read or answer a line,
// so a hung or foreign peer cannot hold either side for ever.
const answerTimeout = 3 * time.Second

// Instance is the first copy's endpoint. onShow runs on the endpoint's own
// goroutine for each later launch.
type Instance struct {
	closeFn func() error
}

// Acquire makes this process the app's single copy for dir, or returns
// ErrRunning after telling the running copy to show itself (ErrNotAnswering
// if it holds the folder but does not answer). onShow runs (on
// another goroutine) each time a later launch asks.
func Acquire(dir string, onShow func()) (*Instance, error) {
	return acquire(dir, onShow)
}

// Close stops listening; a later launch then becomes the first copy.
func (i *Instance) Close() error {
	if i == nil || i.closeFn == nil {
		return nil
	}
	f := i.closeFn
	i.closeFn = nil
	return f()
}

// serve answers one connection: a "show" line gets onShow and "ok".
func serve(c io.ReadWriter, onShow func()) {
	line, err := bufio.NewReader(io.LimitReader(c, 64)).ReadString('\n')
	if err != nil || line != request {
		return
	}
	onShow()
	io.WriteString(c, reply)
}

// ask sends "show" over c and waits for the answer.
func ask(c io.ReadWriter) error {
	if _, err := io.WriteString(c, request); err != nil {
		return err
	}
	line, err := bufio.NewReader(io.LimitReader(c, 64)).ReadString('\n')
	if err != nil {
		return err
	}
	if strings.TrimSpace(line) != strings.TrimSpace(reply) {
		return errors.New("single: unexpected answer from the running copy")
	}
	return nil
}

// Command holdlock takes a Nidan lock file (internal/filelock) and keeps it
// until its standard input closes, as a stuck process would, for the Wine
// test harness (scripts/wine-user.sh): a nidan.exe command saving the
// vault or the enroll store meanwhile must fail with a clear message. It
// prints "held" once it has the lock. It is a test tool, never part of a
// package.
//
//	holdlock PATH.lock <fifo
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/nidan-auth/nidan/internal/filelock"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: holdlock PATH.lock (keeps the lock until standard input closes)")
		os.Exit(2)
	}
	l, err := filelock.Lock(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "holdlock:", err)
		os.Exit(1)
	}
	fmt.Println("held")
	io.Copy(io.Discard, os.Stdin)
	if err := l.Unlock(); err != nil {
		fmt.Fprintln(os.Stderr, "holdlock:", err)
		os.Exit(1)
	}
}

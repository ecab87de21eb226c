//go:build !windows

package main

import (
	"fmt"
	"os"
)

// wincon reads a Windows console's screen buffer: there is none elsewhere.
func main() {
	fmt.Fprintln(os.Stderr, "wincon runs a command in a Windows console: build it for windows (GOOS=windows) and run it there or under Wine")
	os.Exit(1)
}

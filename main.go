// Command nidan is a two-step verification authenticator: with no arguments
// it opens the desktop app; with a subcommand it runs the CLI (see cli/).
package main

import (
	"os"

	"github.com/nidan-auth/nidan/cli"
)

// Set by the Makefile through -ldflags.
var (
	version = "dev"
	commit  = ""
)

func main() {
	os.Exit(cli.Run(cli.OSEnv(version, commit)))
}

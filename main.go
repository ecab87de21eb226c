// Command nidan is a two-step verification authenticator: with no arguments
// it opens the desktop app (app.Run); with a subcommand it runs the CLI
// (see cli/).
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/nidan-auth/nidan/app"
	"github.com/nidan-auth/nidan/cli"
	_ "github.com/nidan-auth/nidan/internal/posixlocale" // before Fyne reads the locale
)

// Set by the Makefile through -ldflags.
var (
	version = "dev"
	commit  = ""
)

func main() {
	if len(os.Args) == 1 {
		if err := app.Run(version); err != nil {
			fmt.Fprintf(os.Stderr, "nidan: %v.\n", err)
			if errors.Is(err, app.ErrNoDisplay) {
				fmt.Fprintln(os.Stderr, `The command line works without a display: run "nidan help".`)
			}
			os.Exit(1)
		}
		return
	}
	os.Exit(cli.Run(cli.OSEnv(version, commit)))
}

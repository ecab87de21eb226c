// Package cli implements the `nidan` subcommands. Each command is a thin
// layer over the accounts, scanner and enroll packages — the same code paths
// the GUI uses — so scripts and tests exercise what users run.
//
// It must not import Fyne.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/nidan-auth/nidan/enroll"
	"github.com/nidan-auth/nidan/formats"
	"github.com/nidan-auth/nidan/vault"
)

// Env is everything a command may touch of the outside world, so that tests
// can run commands in-process with their own input, output and environment.
type Env struct {
	Args    []string // without the program name
	Stdin   io.Reader
	Stdout  io.Writer
	Stderr  io.Writer
	Getenv  func(string) string
	Version string
	Commit  string
	// VaultOptions are passed to every vault the commands open; tests
	// lower the KDF cost through it.
	VaultOptions vault.Options
	// EnrollOptions is the policy of the enrollment service the enroll
	// commands open; tests lower the password hashing cost and set the clock.
	EnrollOptions enroll.Options
}

// OSEnv returns an Env over the process's real arguments and streams.
func OSEnv(version, commit string) *Env {
	return &Env{Args: os.Args[1:], Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		Getenv: os.Getenv, Version: version, Commit: commit}
}

// command is one subcommand: its one-line summary for help, its usage line,
// and the function that runs it with the arguments after its name.
type command struct {
	summary string
	usage   string
	run     func(e *Env, args []string) error
}

// commandTable lists every subcommand. Each file of commands has one
// function that adds its commands; list it here.
func commandTable() map[string]command {
	t := map[string]command{}
	for _, add := range []func(map[string]command){
		coreCommands,
		vaultCommands,
		backupCommands,
		syncCommands,
		scanCommands,
		enrollCommands,
	} {
		add(t)
	}
	return t
}

// UsageError marks a mistake in how the command was invoked (exit status 2).
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

func usagef(format string, a ...any) error { return &UsageError{Msg: fmt.Sprintf(format, a...)} }

// Run executes the command line in e and returns the process exit status:
// 0 success, 1 an error, 2 a usage mistake.
func Run(e *Env) int {
	if e.Getenv == nil {
		e.Getenv = os.Getenv
	}
	args := e.Args
	if len(args) == 0 {
		printHelp(e.Stdout)
		return 0
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 {
			if c, ok := commandTable()[args[1]]; ok {
				fmt.Fprintf(e.Stdout, "usage: nidan %s\n\n%s\n", c.usage, c.summary)
				return 0
			}
		}
		printHelp(e.Stdout)
		return 0
	case "version", "-version", "--version":
		fmt.Fprintln(e.Stdout, versionLine(e))
		return 0
	}
	c, ok := commandTable()[name]
	if !ok {
		fmt.Fprintf(e.Stderr, "nidan: unknown command %q\n\n", name)
		printHelp(e.Stderr)
		return 2
	}
	err := c.run(e, args[1:])
	var ue *UsageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprintf(e.Stdout, "usage: nidan %s\n", c.usage)
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(e.Stderr, "nidan %s: %s\nusage: nidan %s\n", name, ue.Msg, c.usage)
		return 2
	default:
		fmt.Fprintf(e.Stderr, "nidan %s: %s\n", name, oneLine(err.Error()))
		return 1
	}
}

func versionLine(e *Env) string {
	v := "nidan " + orDefault(e.Version, "dev")
	if e.Commit != "" {
		v += " (" + e.Commit + ")"
	}
	return v
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func printHelp(w io.Writer) {
	fmt.Fprint(w, `Nidan — a two-step verification authenticator.

usage: nidan                 start the desktop app
       nidan COMMAND [ARGS]  run a command

commands:
`)
	t := commandTable()
	names := make([]string, 0, len(t))
	for n := range t {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, t[n].summary)
	}
	fmt.Fprint(w, `  help       this help; "nidan help COMMAND" for one command
  version    print the version (also --version)

file formats (import detects them; --format picks one):
`)
	width := 0 // names now run past ten characters (andotp-encrypted)
	for _, f := range formats.All() {
		width = max(width, len(f.Name))
	}
	for _, f := range formats.All() {
		var can []string
		if f.CanRead() {
			can = append(can, "import")
		}
		if f.CanWrite() {
			can = append(can, "export")
		}
		fmt.Fprintf(w, "  %-*s %-15s %s\n", width, f.Name, strings.Join(can, ", "), f.App)
	}
}

// newFlags returns a FlagSet that reports errors instead of exiting, and
// prints nothing itself: Run prints usage once, on the right stream.
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parseFlags parses args, allowing flags after positional arguments too
// ("nidan code github --time 0"), and turns flag errors into usage errors.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usagef("%v", err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		if args[0] == "--" {
			return append(positional, args[1:]...), nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// parseNoArgs is parseFlags for a command that takes flags only: a
// positional argument is a usage error naming it.
func parseNoArgs(fs *flag.FlagSet, args []string) error {
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	return nil
}

package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"github.com/nidan-auth/nidan/enroll"
	"github.com/nidan-auth/nidan/enroll/panel"
)

func enrollCommands(t map[string]command) {
	t["enroll"] = command{
		summary: "the service side of 2FA: users, QR enrollment, login checks, web panel",
		usage: `enroll SUBCOMMAND [--enroll-store PATH] ...

  enroll user add ID            add a user (password from the prompt or NIDAN_ENROLL_PASSWORD)
  enroll user delete ID         remove a user
  enroll begin ID [--issuer I] [--qr out.png]
                                new secret: prints the Key URI and the setup key
  enroll abandon ID             discard the pending secret
  enroll confirm ID CODE        enable 2FA with a first valid code
  enroll login ID CODE          check password and code: exit 0 accepted, 1 refused
  enroll reset ID               remove the second factor (admin)
  enroll list                   users and their 2FA state
  enroll serve [--addr 127.0.0.1:8642] [--issuer I]
                                web control panel (see docs/enroll-store.md)

The store is --enroll-store PATH, else $NIDAN_ENROLL_STORE, else
<config dir>/nidan/enroll.json; its key is PATH.key beside it.`,
		run: runEnroll,
	}
}

func runEnroll(e *Env, args []string) error {
	if len(args) == 0 {
		return usagef("need a subcommand")
	}
	sub, args := args[0], args[1:]
	switch sub {
	case "-h", "-help", "--help", "help":
		return flag.ErrHelp
	case "user":
		if len(args) == 0 {
			return usagef("need user add or user delete")
		}
		switch args[0] {
		case "add":
			return enrollUserAdd(e, args[1:])
		case "delete", "del", "rm":
			return enrollSimple(e, args[1:], "delete", func(s *enroll.Service, id string) (string, error) {
				return "deleted user " + id, s.DeleteUser(id)
			})
		}
		return usagef("unknown: enroll user %s", args[0])
	case "begin":
		return enrollBegin(e, args)
	case "abandon":
		return enrollSimple(e, args, "abandon", func(s *enroll.Service, id string) (string, error) {
			return "pending enrollment of " + id + " discarded", s.Abandon(id)
		})
	case "confirm":
		return enrollConfirm(e, args)
	case "login":
		return enrollLogin(e, args)
	case "reset":
		return enrollSimple(e, args, "reset", func(s *enroll.Service, id string) (string, error) {
			return "second factor of " + id + " removed; they log in with the password until enrolled again", s.Reset(id)
		})
	case "list", "ls":
		return enrollList(e, args)
	case "serve":
		return enrollServe(e, args)
	}
	return usagef("unknown subcommand %q", sub)
}

// enrollFlags are the flags every enroll subcommand takes.
type enrollFlags struct {
	store  *string
	issuer *string
}

func newEnrollFlags(name string, withIssuer bool) (*flag.FlagSet, *enrollFlags) {
	fs := newFlags("enroll " + name)
	f := &enrollFlags{store: fs.String("enroll-store", "", "store file")}
	if withIssuer {
		f.issuer = fs.String("issuer", "", "issuer shown in the authenticator (default "+enroll.DefaultIssuer+")")
	}
	return fs, f
}

// service opens the store the flags and environment name.
func (f *enrollFlags) service(e *Env) (*enroll.Service, error) {
	path := *f.store
	if path == "" {
		path = e.Getenv("NIDAN_ENROLL_STORE")
	}
	if path == "" {
		var err error
		if path, err = enroll.DefaultStorePath(); err != nil {
			return nil, err
		}
	}
	st, err := enroll.OpenFileStore(path)
	if err != nil {
		return nil, err
	}
	opts := e.EnrollOptions
	if f.issuer != nil && *f.issuer != "" {
		opts.Issuer = *f.issuer
	}
	return enroll.NewService(st, opts), nil
}

// open parses a subcommand's arguments, checks that exactly want
// positional ones came (need says what they are), and opens the service.
func (f *enrollFlags) open(e *Env, fs *flag.FlagSet, args []string, want int, need string) (*enroll.Service, []string, error) {
	rest, err := parseFlags(fs, args)
	if err != nil {
		return nil, nil, err
	}
	if len(rest) != want {
		return nil, nil, usagef("need %s", need)
	}
	s, err := f.service(e)
	return s, rest, err
}

func enrollSimple(e *Env, args []string, name string, do func(*enroll.Service, string) (string, error)) error {
	fs, f := newEnrollFlags(name, false)
	s, rest, err := f.open(e, fs, args, 1, "one user ID")
	if err != nil {
		return err
	}
	msg, err := do(s, rest[0])
	if err != nil {
		return err
	}
	fmt.Fprintln(e.Stdout, msg)
	return nil
}

func enrollUserAdd(e *Env, args []string) error {
	fs, f := newEnrollFlags("user add", false)
	s, rest, err := f.open(e, fs, args, 1, "one user ID")
	if err != nil {
		return err
	}
	pw, err := readPassword(e, "Password for "+rest[0]+": ", true)
	if err != nil {
		return err
	}
	defer clear(pw)
	if err := s.AddUser(rest[0], pw); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "added user %s; next: nidan enroll begin %s\n", rest[0], rest[0])
	return nil
}

func enrollBegin(e *Env, args []string) error {
	fs, f := newEnrollFlags("begin", true)
	qr := fs.String("qr", "", "also write the QR code to this PNG file")
	s, rest, err := f.open(e, fs, args, 1, "one user ID")
	if err != nil {
		return err
	}
	en, err := s.Begin(rest[0])
	if err != nil {
		return err
	}
	if *qr != "" {
		// The PNG carries the secret: keep it private like the store.
		if err := os.WriteFile(*qr, en.QR, 0o600); err != nil {
			return fmt.Errorf("write QR code: %w", err)
		}
	}
	fmt.Fprintln(e.Stdout, en.URI)
	fmt.Fprintf(e.Stdout, "setup key: %s\n", en.SetupKey)
	if *qr != "" {
		fmt.Fprintf(e.Stdout, "QR code:   %s\n", *qr)
	}
	fmt.Fprintf(e.Stdout, "next: nidan enroll confirm %s CODE\n", rest[0])
	return nil
}

func enrollConfirm(e *Env, args []string) error {
	fs, f := newEnrollFlags("confirm", false)
	s, rest, err := f.open(e, fs, args, 2, "a user ID and a code")
	if err != nil {
		return err
	}
	if err := s.Confirm(rest[0], rest[1]); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "two-step verification enabled for %s\n", rest[0])
	return nil
}

// errRefused marks a login the service refused: exit status 1 with the
// reason, as opposed to a broken store.
var errRefused = errors.New("refused")

func enrollLogin(e *Env, args []string) error {
	fs, f := newEnrollFlags("login", false)
	s, rest, err := f.open(e, fs, args, 2, "a user ID and a code")
	if err != nil {
		return err
	}
	pw, err := readPassword(e, "Password for "+rest[0]+": ", false)
	if err != nil {
		return err
	}
	defer clear(pw)
	if err := s.Login(rest[0], pw, rest[1]); err != nil {
		var le *enroll.LockoutError
		if errors.As(err, &le) {
			return fmt.Errorf("%w: %w; try again in %s", errRefused, err, time.Until(le.Until).Round(time.Second))
		}
		return fmt.Errorf("%w: %w", errRefused, err)
	}
	fmt.Fprintf(e.Stdout, "accepted: %s\n", rest[0])
	return nil
}

func enrollList(e *Env, args []string) error {
	fs, f := newEnrollFlags("list", false)
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	s, err := f.service(e)
	if err != nil {
		return err
	}
	users, err := s.Users()
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\t2FA\tSTATUS")
	for _, u := range users {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", u.ID, twoFAState(u), loginState(u))
	}
	return tw.Flush()
}

func twoFAState(u enroll.UserInfo) string {
	switch {
	case u.Enabled && u.Pending:
		return "on (new key pending)"
	case u.Enabled:
		return "on"
	case u.Pending:
		return "pending"
	}
	return "off"
}

func loginState(u enroll.UserInfo) string {
	switch {
	case !u.LockedUntil.IsZero():
		return "locked until " + u.LockedUntil.Local().Format(time.DateTime)
	case u.Failures > 0:
		return fmt.Sprintf("%d failed logins", u.Failures)
	}
	return "ok"
}

// readPassword takes the password from NIDAN_ENROLL_PASSWORD, else asks on
// the terminal without echo (twice when confirm is set), else reads one
// line from standard input (for scripts).
func readPassword(e *Env, prompt string, confirm bool) ([]byte, error) {
	if pw := e.Getenv("NIDAN_ENROLL_PASSWORD"); pw != "" {
		return []byte(pw), nil
	}
	if f, ok := e.Stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(e.Stderr, prompt)
		pw, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.Stderr)
		if err != nil {
			return nil, fmt.Errorf("read password: %w", err)
		}
		if confirm {
			fmt.Fprint(e.Stderr, "Again: ")
			again, err := term.ReadPassword(int(f.Fd()))
			fmt.Fprintln(e.Stderr)
			if err != nil {
				return nil, fmt.Errorf("read password: %w", err)
			}
			if string(again) != string(pw) {
				return nil, errors.New("the passwords differ")
			}
		}
		return pw, nil
	}
	if e.Stdin == nil {
		return nil, errors.New("no password: set NIDAN_ENROLL_PASSWORD or run on a terminal")
	}
	line, err := bufio.NewReader(e.Stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read password: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return nil, errors.New("no password: set NIDAN_ENROLL_PASSWORD, pipe it on standard input or run on a terminal")
	}
	return []byte(line), nil
}

// serveContext is how long `enroll serve` runs: until SIGINT or SIGTERM.
// Tests replace it.
var serveContext = func() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

func enrollServe(e *Env, args []string) error {
	fs, f := newEnrollFlags("serve", true)
	addr := fs.String("addr", "127.0.0.1:8642", "listen address")
	cert := fs.String("tls-cert", "", "TLS certificate file (PEM); needed off loopback")
	key := fs.String("tls-key", "", "TLS key file (PEM)")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 0 {
		return usagef("unexpected argument %q", rest[0])
	}
	if (*cert == "") != (*key == "") {
		return usagef("need both --tls-cert and --tls-key")
	}
	host, _, err := net.SplitHostPort(*addr)
	if err != nil {
		return usagef("--addr %q: %v", *addr, err)
	}
	if ip := net.ParseIP(host); *cert == "" && (ip == nil || !ip.IsLoopback()) && host != "localhost" {
		return fmt.Errorf("serve on %s: passwords would cross the network in the clear; use a loopback address or --tls-cert and --tls-key", *addr)
	}
	s, err := f.service(e)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	srv := &http.Server{
		Handler:           panel.New(s, panel.Options{ErrorLog: log.New(e.Stderr, "nidan enroll serve: ", log.LstdFlags)}),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	scheme := "http"
	if *cert != "" {
		scheme = "https"
	}
	fmt.Fprintf(e.Stdout, "enrollment panel on %s://%s/ (Ctrl-C stops it)\n", scheme, ln.Addr())
	ctx, stop := serveContext()
	defer stop()
	done := make(chan error, 1)
	go func() {
		if *cert != "" {
			done <- srv.ServeTLS(ln, *cert, *key)
		} else {
			done <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-done:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil {
		return fmt.Errorf("serve: shut down: %w", err)
	}
	return nil
}

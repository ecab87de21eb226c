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
		usage: `enroll SUBCOMMAND [--enroll-store STORE] [--enroll-key FILE] ...

  enroll user add ID            add a user (password from the prompt or NIDAN_ENROLL_PASSWORD)
  enroll user delete ID         remove a user
  enroll begin ID [--issuer I] [--qr out.png]
                                new secret: prints the Key URI and the setup key
  enroll abandon ID             discard the pending secret
  enroll confirm ID CODE        enable 2FA with a first valid code; prints the recovery codes
  enroll login ID CODE          check password and code (or a recovery code): exit 0 accepted, 1 refused
  enroll recovery ID            new recovery codes for ID (the old ones stop working)
  enroll reset ID               remove the second factor (admin); signs ID out everywhere
  enroll signout ID             end every signed-in panel session of ID, on every instance
  enroll list                   users and their 2FA state
  enroll serve [--addr 127.0.0.1:8642] [--name N] [--host H]... [--audit-log FILE]
                                web control panel (see docs/enroll-store.md)
  enroll keygen FILE            write a new secrets key file for a PostgreSQL store
  enroll accept-store           accept a file store restored from a backup on purpose

STORE is --enroll-store, else $NIDAN_ENROLL_STORE, else
<config dir>/nidan/enroll.json if it exists, else sqlite:<config dir>/nidan/enroll.db:
  sqlite:PATH                   SQLite database (secrets key: PATH.key unless given)
  postgres://USER@HOST/DB?...   PostgreSQL, shared by several panels (key required)
  PATH                          encrypted file store (key: PATH.key)
The secrets key of a SQL store is $NIDAN_ENROLL_KEY (64 hex digits), else the
file --enroll-key or $NIDAN_ENROLL_KEY_FILE; it is never put in the database.`,
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
	case "signout":
		return enrollSimple(e, args, "signout", func(s *enroll.Service, id string) (string, error) {
			if _, err := s.User(id); err != nil {
				return "", err
			}
			return "every panel session of " + id + " ended", s.EndSessions(id)
		})
	case "recovery":
		return enrollSimple(e, args, "recovery", func(s *enroll.Service, id string) (string, error) {
			codes, err := s.RegenerateRecovery(id)
			return recoveryText(id, codes), err
		})
	case "keygen":
		if len(args) != 1 {
			return usagef("need the key file to write")
		}
		if err := enroll.CreateKeyFile(args[0]); err != nil {
			return fmt.Errorf("keygen: %w", err)
		}
		fmt.Fprintf(e.Stdout, "wrote %s; give it to every panel with --enroll-key %s and back it up apart from the database\n", args[0], args[0])
		return nil
	case "accept-store":
		return enrollAcceptStore(e, args)
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
	key    *string
	issuer *string
}

func newEnrollFlags(name string, withIssuer bool) (*flag.FlagSet, *enrollFlags) {
	fs := newFlags("enroll " + name)
	f := &enrollFlags{store: fs.String("enroll-store", "", "store: sqlite:PATH, a postgres:// URL or a file path"),
		key: fs.String("enroll-key", "", "secrets key file of a SQL store")}
	if withIssuer {
		f.issuer = fs.String("issuer", "", "issuer shown in the authenticator (default "+enroll.DefaultIssuer+")")
	}
	return fs, f
}

// service opens the store the flags and environment name, with opts (nil:
// the Env's) as the policy. The caller closes the store.
func (f *enrollFlags) service(e *Env, opts *enroll.Options) (*enroll.Service, error) {
	st, err := enroll.OpenStoreEnv(*f.store, enroll.KeySource{File: *f.key}, e.Getenv)
	if err != nil {
		return nil, err
	}
	if opts == nil {
		opts = &e.EnrollOptions
	}
	o := *opts
	if f.issuer != nil && *f.issuer != "" {
		o.Issuer = *f.issuer
	}
	return enroll.NewService(st, o), nil
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
	s, err := f.service(e, nil)
	return s, rest, err
}

func enrollSimple(e *Env, args []string, name string, do func(*enroll.Service, string) (string, error)) error {
	fs, f := newEnrollFlags(name, false)
	s, rest, err := f.open(e, fs, args, 1, "one user ID")
	if err != nil {
		return err
	}
	defer s.Store().Close()
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
	defer s.Store().Close()
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
	defer s.Store().Close()
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
	defer s.Store().Close()
	codes, err := s.Enable(rest[0], rest[1])
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "two-step verification enabled for %s\n", rest[0])
	fmt.Fprint(e.Stdout, recoveryText(rest[0], codes))
	return nil
}

// recoveryText lists fresh recovery codes, which are shown only this once.
func recoveryText(id string, codes []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "recovery codes for %s (each works once; shown only now, keep them safe):\n", id)
	for _, c := range codes {
		fmt.Fprintf(&b, "  %s\n", c)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func enrollAcceptStore(e *Env, args []string) error {
	fs, f := newEnrollFlags("accept-store", false)
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	path := *f.store
	if path == "" {
		path = e.Getenv("NIDAN_ENROLL_STORE")
	}
	if path == "" {
		var err error
		if path, err = enroll.DefaultStorePath(); err != nil {
			return err
		}
	}
	if strings.HasPrefix(path, "sqlite:") || strings.Contains(path, "://") {
		return usagef("accept-store is for a file store; %s is a database", path)
	}
	if err := enroll.AcceptFileStore(path); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "%s accepted as the current store: codes used and lockouts since its copy was made are forgotten\n", path)
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
	defer s.Store().Close()
	pw, err := readPassword(e, "Password for "+rest[0]+": ", false)
	if err != nil {
		return err
	}
	defer clear(pw)
	res, err := s.SignIn(context.Background(), enroll.SignIn{ID: rest[0], Password: pw, Code: rest[1]})
	if err != nil {
		var le *enroll.LockoutError
		if errors.As(err, &le) {
			return fmt.Errorf("%w: %w; try again in %s", errRefused, err, time.Until(le.Until).Round(time.Second))
		}
		return fmt.Errorf("%w: %w", errRefused, err)
	}
	if res.Recovery {
		fmt.Fprintf(e.Stdout, "accepted with a recovery code: %s (%d left)\n", rest[0], res.RecoveryLeft)
		return nil
	}
	fmt.Fprintf(e.Stdout, "accepted: %s\n", rest[0])
	return nil
}

func enrollList(e *Env, args []string) error {
	fs, f := newEnrollFlags("list", false)
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	s, err := f.service(e, nil)
	if err != nil {
		return err
	}
	defer s.Store().Close()
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

// hostList is a repeatable --host flag (commas also separate).
type hostList []string

func (h *hostList) String() string { return strings.Join(*h, ",") }
func (h *hostList) Set(v string) error {
	for _, x := range strings.Split(v, ",") {
		if x = strings.TrimSpace(x); x != "" {
			*h = append(*h, x)
		}
	}
	return nil
}

func enrollServe(e *Env, args []string) error {
	fs, f := newEnrollFlags("serve", true)
	addr := fs.String("addr", "127.0.0.1:8642", "listen address")
	cert := fs.String("tls-cert", "", "TLS certificate file (PEM); needed off loopback")
	key := fs.String("tls-key", "", "TLS key file (PEM)")
	name := fs.String("name", "", "the panel's name: its title and the issuer in the authenticator (default: the first --host, else this machine's name)")
	var hosts hostList
	fs.Var(&hosts, "host", "a host name (HOST or HOST:PORT) browsers may use to reach the panel; repeatable; default: the --addr")
	auditPath := fs.String("audit-log", "", "append security events to this file as JSON lines")
	maxFailures := fs.Int("max-failures", 0, "failed sign-ins per user before a lockout (default 5)")
	addrFailures := fs.Int("addr-max-failures", 0, "failed sign-ins per client address before a lockout (default 20)")
	hashes := fs.Int("hash-concurrency", 0, "password checks at once (default half the CPUs, at least 2)")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	if (*cert == "") != (*key == "") {
		return usagef("need both --tls-cert and --tls-key")
	}
	host, port, err := net.SplitHostPort(*addr)
	if err != nil {
		return usagef("--addr %q: %v", *addr, err)
	}
	if ip := net.ParseIP(host); *cert == "" && (ip == nil || !ip.IsLoopback()) && host != "localhost" {
		return fmt.Errorf("serve on %s: passwords would cross the network in the clear; use a loopback address or --tls-cert and --tls-key", *addr)
	}
	opts := e.EnrollOptions
	if *maxFailures > 0 {
		opts.MaxFailures = *maxFailures
	}
	if *addrFailures > 0 {
		opts.AddrMaxFailures = *addrFailures
	}
	if *hashes > 0 {
		opts.HashConcurrency = *hashes
	}
	panelName := *name
	if panelName == "" && len(hosts) > 0 {
		panelName = hosts[0]
		if h, _, err := net.SplitHostPort(panelName); err == nil {
			panelName = h
		}
	}
	if panelName == "" {
		if panelName, err = os.Hostname(); err != nil || panelName == "" {
			panelName = enroll.DefaultIssuer
		}
	}
	if opts.Issuer == "" {
		opts.Issuer = panelName
	}
	if *auditPath != "" {
		af, err := os.OpenFile(*auditPath, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return fmt.Errorf("audit log: %w", err)
		}
		defer af.Close()
		opts.Audit = af
	}
	s, err := f.service(e, &opts)
	if err != nil {
		return err
	}
	defer s.Store().Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	if port == "0" { // the real port, for the default host list
		_, port, _ = net.SplitHostPort(ln.Addr().String())
	}
	if len(hosts) == 0 {
		hosts = hostList{net.JoinHostPort(host, port)}
		if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() || host == "localhost" {
			hosts = append(hosts, net.JoinHostPort("localhost", port), net.JoinHostPort("127.0.0.1", port), net.JoinHostPort("::1", port))
		}
	}
	srv := &http.Server{
		Handler: panel.New(s, panel.Options{Name: panelName, Hosts: hosts,
			ErrorLog: log.New(e.Stderr, "nidan enroll serve: ", log.LstdFlags)}),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    16 << 10,
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

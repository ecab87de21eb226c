package cli

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"golang.org/x/term"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/syncfolder"
	"github.com/nidan-auth/nidan/vault"
)

// This file is what every vault command shares: where the vault is, how a
// password is obtained, and how the vault is unlocked.

// vaultFlags are accepted by every vault command, since flags are per
// command: --vault PATH and --password-stdin.
type vaultFlags struct {
	path    *string
	pwStdin *bool
	stdin   *bufio.Reader // lines of --password-stdin, read on demand
}

func addVaultFlags(fs *flag.FlagSet) *vaultFlags {
	return &vaultFlags{
		path:    fs.String("vault", "", "vault file (default $NIDAN_VAULT, else the user config folder)"),
		pwStdin: fs.Bool("password-stdin", false, "read passwords from standard input, one per line"),
	}
}

// vaultPath is --vault, else NIDAN_VAULT, else the default the GUI uses.
func (f *vaultFlags) vaultPath(e *Env) (string, error) {
	if *f.path != "" {
		return *f.path, nil
	}
	if p := e.Getenv("NIDAN_VAULT"); p != "" {
		return p, nil
	}
	return vault.DefaultPath()
}

// password returns a password from, in order: --password-stdin (the next
// line), the environment variable env, or a prompt without echo when
// standard input is a terminal. confirm asks twice at a prompt.
func (f *vaultFlags) password(e *Env, env, prompt string, confirm bool) ([]byte, error) {
	if *f.pwStdin {
		if f.stdin == nil {
			f.stdin = bufio.NewReader(e.Stdin)
		}
		line, err := f.stdin.ReadString('\n')
		if err != nil && (err != io.EOF || line == "") {
			return nil, fmt.Errorf("read password from standard input: %w", err)
		}
		return []byte(strings.TrimRight(line, "\r\n")), nil
	}
	if env != "" {
		if p := e.Getenv(env); p != "" {
			return []byte(p), nil
		}
	}
	in, ok := e.Stdin.(*os.File)
	if !ok || !term.IsTerminal(int(in.Fd())) {
		hint := "--password-stdin"
		if env != "" {
			hint = env + " or " + hint
		}
		return nil, fmt.Errorf("%s needed: not a terminal, so use %s", strings.ToLower(prompt), hint)
	}
	for {
		p, err := readHidden(e, prompt+": ")
		if err != nil {
			return nil, err
		}
		if !confirm {
			return p, nil
		}
		again, err := readHidden(e, "Again: ")
		if err != nil {
			return nil, err
		}
		if string(again) == string(p) {
			return p, nil
		}
		fmt.Fprintln(e.Stderr, "The passwords differ; try again.")
	}
}

func readHidden(e *Env, prompt string) ([]byte, error) {
	fmt.Fprint(e.Stderr, prompt)
	p, err := term.ReadPassword(int(e.Stdin.(*os.File).Fd()))
	fmt.Fprintln(e.Stderr)
	if err != nil {
		return nil, fmt.Errorf("read password: %w", err)
	}
	return p, nil
}

// newPassword asks for a new password (NIDAN_NEW_PASSWORD for passwd;
// NIDAN_PASSWORD for init), twice at a prompt, and refuses an empty one.
func (f *vaultFlags) newPassword(e *Env, env string) ([]byte, error) {
	p, err := f.password(e, env, "New password", true)
	if err != nil {
		return nil, err
	}
	if len(p) == 0 {
		return nil, errors.New("the password must not be empty")
	}
	return p, nil
}

// unlocked is an open vault and, when it was unlocked with one, the
// password (restore tries it on the backup first).
type unlocked struct {
	*vault.Vault
	password []byte
}

// open unlocks the vault and, if it syncs, takes in the other devices'
// changes first.
func (f *vaultFlags) open(e *Env) (*unlocked, error) {
	u, err := f.unlock(e)
	if err == nil {
		pullSync(e, u)
	}
	return u, err
}

// unlock unlocks the vault: with the OS keyring where keyring unlock is on,
// else (or when the keyring cannot help, said in one line) with the
// password. A damaged vault is never touched: the error names the newest
// backup that can restore it.
func (f *vaultFlags) unlock(e *Env) (*unlocked, error) {
	path, err := f.vaultPath(e)
	if err != nil {
		return nil, err
	}
	if !vault.Exists(path) {
		return nil, fmt.Errorf("no vault at %s; create one with: nidan init", path)
	}
	v, err := vault.OpenWithKeyring(path, e.VaultOptions)
	switch {
	case err == nil:
		return &unlocked{Vault: v}, nil
	case errors.Is(err, vault.ErrCorrupt), errors.Is(err, vault.ErrUnsupportedVersion):
		return nil, damaged(e, path, err)
	case errors.Is(err, vault.ErrKeyringOff):
	case errors.Is(err, vault.ErrKeyringUnavailable), errors.Is(err, vault.ErrNoKeyringEntry), errors.Is(err, accounts.ErrWrongPassword):
		fmt.Fprintf(e.Stderr, "nidan: keyring unlock did not work (%s); using the password\n", oneLine(keyringReason(err)))
	default:
		return nil, err
	}
	pw, err := f.password(e, "NIDAN_PASSWORD", "Password", false)
	if err != nil {
		return nil, err
	}
	v, err = vault.Open(path, pw, e.VaultOptions)
	switch {
	case err == nil:
		return &unlocked{Vault: v, password: pw}, nil
	case errors.Is(err, vault.ErrCorrupt), errors.Is(err, vault.ErrUnsupportedVersion):
		return nil, damaged(e, path, err)
	case errors.Is(err, accounts.ErrWrongPassword) && syncfolder.RekeyedElsewhere(path):
		return nil, fmt.Errorf("%w; the password was changed on another device: this computer's vault still opens "+
			"with its previous password, then `nidan sync` asks for the new one", err)
	}
	return nil, err
}

func keyringReason(err error) string {
	s := err.Error()
	return strings.TrimPrefix(s, "open vault: ")
}

// damaged adds the newest readable backup to an error about a damaged or
// unsupported vault file.
func damaged(e *Env, path string, err error) error {
	bs, lerr := vault.ReadableBackups(path, e.VaultOptions)
	if lerr != nil || len(bs) == 0 {
		return fmt.Errorf("%w; the file is left as it is, and no readable backup was found", err)
	}
	b := bs[0]
	return fmt.Errorf("%w; the file is left as it is; newest backup: %s (%s); restore with: nidan restore %s",
		err, b.Path, b.Time.Local().Format("2006-01-02 15:04"), shellQuote(b.Path))
}

// shellQuote quotes s for the shell the user types a suggested command
// into: a POSIX shell, or on Windows cmd.exe and PowerShell.
func shellQuote(s string) string { return quoteFor(runtime.GOOS, s) }

func quoteFor(goos, s string) string {
	safe := "/._-+:@"
	if goos == "windows" {
		safe += `\`
	}
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(safe, r))
	}) < 0 {
		return s
	}
	if goos == "windows" {
		// cmd.exe takes only double quotes, and Windows file names
		// cannot contain one; PowerShell reads "..." the same way.
		return `"` + s + `"`
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// find returns the one account matching query: an exact (case-insensitive)
// label, issuer, name or nickname wins; else the single account whose
// fields contain it. Several matches are an error that lists them.
func find(v *vault.Vault, query string) (accounts.Account, error) {
	all := v.Accounts()
	var exact, partial []accounts.Account
	for _, a := range all {
		switch {
		case strings.EqualFold(a.Label(), query), strings.EqualFold(a.Issuer, query),
			strings.EqualFold(a.Name, query), strings.EqualFold(a.Nickname, query):
			exact = append(exact, a)
		case a.Matches(query):
			partial = append(partial, a)
		}
	}
	m := exact
	if len(m) == 0 {
		m = partial
	}
	switch len(m) {
	case 1:
		return m[0], nil
	case 0:
		return accounts.Account{}, fmt.Errorf("no account matches %q", query)
	}
	labels := make([]string, len(m))
	for i := range m {
		labels[i] = m[i].Label()
	}
	return accounts.Account{}, fmt.Errorf("%q matches %d accounts: %s; be more specific", query, len(m), strings.Join(labels, ", "))
}

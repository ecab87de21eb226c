package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/vault"
)

func vaultCommands(t map[string]command) {
	t["init"] = command{
		summary: "create the encrypted vault",
		usage:   "init [--keyring] [--backup-dir DIR] [--vault PATH] [--password-stdin]",
		run:     runInit,
	}
	t["list"] = command{
		summary: "list the accounts in the vault with their current codes",
		usage:   "list [--json] [--vault PATH] [--password-stdin]",
		run:     runList,
	}
	t["code"] = command{
		summary: "print the current code of a vault account (or of an otpauth URI)",
		usage:   "code QUERY [--time T] [--vault PATH] [--password-stdin]\n       nidan code --uri URI [--time T]",
		run:     runCode,
	}
	t["add"] = command{
		summary: "add accounts to the vault from otpauth URIs or flags",
		usage:   "add URI... | add --issuer I --name N --secret S [--digits D] [--period P] [--algorithm A] [--type T] [--counter C]  [--vault PATH] [--password-stdin]",
		run:     runAdd,
	}
	t["rm"] = command{
		summary: "remove one account from the vault",
		usage:   "rm QUERY [--vault PATH] [--password-stdin]",
		run:     runRemove,
	}
	t["passwd"] = command{
		summary: "change the vault password",
		usage:   "passwd [--vault PATH] [--password-stdin]  (stdin: old, then new; or NIDAN_PASSWORD and NIDAN_NEW_PASSWORD)",
		run:     runPasswd,
	}
	t["keyring"] = command{
		summary: "turn unlocking with the OS keyring on or off",
		usage:   "keyring on|off [--vault PATH] [--password-stdin]",
		run:     runKeyring,
	}
}

func runInit(e *Env, args []string) error {
	fs := newFlags("init")
	vf := addVaultFlags(fs)
	useKeyring := fs.Bool("keyring", false, "also unlock with the OS keyring")
	backupDir := fs.String("backup-dir", "", "folder for automatic backups (default: backups/ beside the vault)")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	path, err := vf.vaultPath(e)
	if err != nil {
		return err
	}
	if vault.Exists(path) {
		return fmt.Errorf("a vault already exists at %s", path)
	}
	pw, err := vf.newPassword(e, "NIDAN_PASSWORD")
	if err != nil {
		return err
	}
	opts := e.VaultOptions
	opts.BackupDir = *backupDir
	v, err := vault.Create(path, pw, opts)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "created %s\nbackups go to %s\n", path, v.BackupDir())
	if *useKeyring {
		if err := v.SetKeyring(true); err != nil {
			fmt.Fprintf(e.Stderr, "nidan: keyring unlock not turned on (%s); the password unlocks the vault\n", oneLine(err.Error()))
		} else {
			fmt.Fprintln(e.Stdout, "keyring unlock is on")
		}
	}
	return nil
}

// listEntry is one row of `list --json`.
type listEntry struct {
	ID          string `json:"id"`
	Issuer      string `json:"issuer"`
	Name        string `json:"name"`
	Type        string `json:"type"`
	Code        string `json:"code,omitempty"` // absent for HOTP: showing one uses it up
	SecondsLeft int    `json:"seconds_left,omitempty"`
}

func runList(e *Env, args []string) error {
	fs := newFlags("list")
	vf := addVaultFlags(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	at := fs.String("time", "", "unix seconds or RFC 3339 (default now)")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	t, err := ParseTime(*at, time.Now())
	if err != nil {
		return err
	}
	v, err := vf.open(e)
	if err != nil {
		return err
	}
	defer v.Lock()
	entries := []listEntry{}
	for _, a := range v.Accounts() {
		le := listEntry{ID: a.ID, Issuer: a.Issuer, Name: a.Name, Type: string(a.Type)}
		if a.Type != accounts.HOTP {
			c, err := a.CodeAt(t)
			if err != nil {
				return fmt.Errorf("%s: %w", a.Label(), err)
			}
			le.Code, le.SecondsLeft = c.Current, c.SecondsLeft()
		}
		entries = append(entries, le)
	}
	if *asJSON {
		enc := json.NewEncoder(e.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(entries)
	}
	tw := tabwriter.NewWriter(e.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ISSUER\tNAME\tCODE\tLEFT")
	for _, le := range entries {
		code, left := le.Code, fmt.Sprintf("%ds", le.SecondsLeft)
		if le.Type == string(accounts.HOTP) {
			code, left = "(hotp: nidan code)", "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", orDefault(le.Issuer, "-"), orDefault(le.Name, "-"), code, left)
	}
	return tw.Flush()
}

// runCode prints the code of one vault account; with --uri it is the
// vault-less `code --uri URI` of core.go. For HOTP the counter is advanced
// and saved before the code is printed.
func runCode(e *Env, args []string) error {
	fs := newFlags("code")
	vf := addVaultFlags(fs)
	uri := fs.String("uri", "", "otpauth URI instead of a vault account")
	at := fs.String("time", "", "unix seconds or RFC 3339 (default now)")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *uri != "" {
		return runCodeURI(e, args)
	}
	if len(rest) != 1 {
		return usagef("need --uri URI, or one QUERY (part of an issuer or account name) for a vault account")
	}
	t, err := ParseTime(*at, time.Now())
	if err != nil {
		return err
	}
	v, err := vf.open(e)
	if err != nil {
		return err
	}
	defer v.Lock()
	a, err := find(v.Vault, rest[0])
	if err != nil {
		return err
	}
	if a.Type == accounts.HOTP {
		if a, err = v.NextHOTP(a.ID); err != nil {
			return err
		}
	} else if err := v.MarkUsed(a.ID, t); err != nil {
		return err
	}
	c, err := a.CodeAt(t)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.Stdout, c.Current)
	return nil
}

func runAdd(e *Env, args []string) error {
	fs := newFlags("add")
	vf := addVaultFlags(fs)
	af := addAccountFlags(fs)
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	var add []accounts.Account
	if *af.secret != "" || *af.issuer != "" || *af.name != "" {
		if len(rest) > 0 {
			return usagef("give URIs or account flags, not both")
		}
		a, err := af.account()
		if err != nil {
			return err
		}
		add = append(add, a)
	}
	for _, s := range rest {
		as, _, err := accounts.FromText(s)
		if err != nil {
			return err
		}
		add = append(add, as...)
	}
	if len(add) == 0 {
		return usagef("need otpauth:// URIs or --secret with --issuer or --name")
	}
	return addAccounts(e, vf, add)
}

func printMerge(e *Env, r vault.MergeReport) {
	fmt.Fprintf(e.Stdout, "added %d", r.Added)
	if r.Updated > 0 {
		fmt.Fprintf(e.Stdout, ", updated %d", r.Updated)
	}
	if r.Duplicates > 0 {
		fmt.Fprintf(e.Stdout, ", %d already in the vault", r.Duplicates)
	}
	fmt.Fprintln(e.Stdout)
}

func runRemove(e *Env, args []string) error {
	fs := newFlags("rm")
	vf := addVaultFlags(fs)
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("need one QUERY")
	}
	v, err := vf.open(e)
	if err != nil {
		return err
	}
	defer v.Lock()
	a, err := find(v.Vault, rest[0])
	if err != nil {
		return err
	}
	bs, _ := v.Backups()
	if err := v.Delete(a.ID); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "removed %s\n", a.Label())
	if len(bs) > 0 {
		fmt.Fprintf(e.Stdout, "it is still in the backup %s\n", bs[0].Path)
	}
	return nil
}

func runPasswd(e *Env, args []string) error {
	fs := newFlags("passwd")
	vf := addVaultFlags(fs)
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	path, err := vf.vaultPath(e)
	if err != nil {
		return err
	}
	old, err := vf.password(e, "NIDAN_PASSWORD", "Current password", false)
	if err != nil {
		return err
	}
	v, err := vault.Open(path, old, e.VaultOptions)
	if errors.Is(err, vault.ErrCorrupt) || errors.Is(err, vault.ErrUnsupportedVersion) {
		return damaged(e, path, err)
	}
	if err != nil {
		return err
	}
	defer v.Lock()
	pw, err := vf.newPassword(e, "NIDAN_NEW_PASSWORD")
	if err != nil {
		return err
	}
	if err := v.ChangePassword(old, pw); err != nil {
		return err
	}
	fmt.Fprintln(e.Stdout, "password changed; older backups still open with the password they were made with")
	return nil
}

func runKeyring(e *Env, args []string) error {
	fs := newFlags("keyring")
	vf := addVaultFlags(fs)
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 || (rest[0] != "on" && rest[0] != "off") {
		return usagef("need on or off")
	}
	v, err := vf.open(e)
	if err != nil {
		return err
	}
	defer v.Lock()
	on := rest[0] == "on"
	if err := v.SetKeyring(on); err != nil {
		if errors.Is(err, vault.ErrKeyringUnavailable) {
			return fmt.Errorf("%w; the password still unlocks the vault", err)
		}
		return err
	}
	fmt.Fprintf(e.Stdout, "keyring unlock is %s\n", strings.ToLower(rest[0]))
	return nil
}

package cli

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/formats"
	"github.com/nidan-auth/nidan/internal/atomicfile"
	"github.com/nidan-auth/nidan/vault"
)

func backupCommands(t map[string]command) {
	t["backup"] = command{
		summary: "write an encrypted backup now, list backups, or set the backup folder",
		usage:   "backup [--out PATH|-] [--list] [--set-dir DIR] [--vault PATH] [--password-stdin]",
		run:     runBackup,
	}
	t["restore"] = command{
		summary: "merge a Nidan backup into the vault, or rebuild a missing or damaged vault from it",
		usage:   "restore FILE [--vault PATH] [--password-stdin]",
		run:     runRestore,
	}
	t["import"] = command{
		summary: "import accounts from another app's export (format detected)",
		usage:   "import FILE [--dry-run] [--format " + strings.Join(formats.Names(formats.Readers()), "|") + "] [--vault PATH] [--password-stdin]",
		run:     runImport,
	}
	t["export"] = command{
		summary: "export the accounts (" + strings.Join(formats.Names(formats.Writers()), ", ") + ")",
		usage:   "export --format " + strings.Join(formats.Names(formats.Writers()), "|") + " --out PATH [--vault PATH] [--password-stdin]",
		run:     runExport,
	}
}

func runBackup(e *Env, args []string) error {
	fs := newFlags("backup")
	vf := addVaultFlags(fs)
	out := fs.String("out", "", "write the backup to this file (- = standard output) instead of the backup folder")
	list := fs.Bool("list", false, "list the automatic backups, newest first")
	setDir := fs.String("set-dir", "", "make this the backup folder (kept in the vault; \"default\" = beside the vault)")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	v, err := vf.open(e)
	if err != nil {
		return err
	}
	defer v.Lock()
	switch {
	case *setDir != "":
		dir := *setDir
		if dir == "default" {
			dir = ""
		}
		if err := v.SetBackupDir(dir); err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "backups now go to %s\n", v.BackupDir())
	case *list:
		bs, err := v.Backups()
		if err != nil {
			return err
		}
		for _, b := range bs {
			fmt.Fprintf(e.Stdout, "%s  %s  %d bytes\n", b.Time.Local().Format("2006-01-02 15:04:05"), b.Path, b.Size)
		}
	case *out == "-":
		return v.Backup(e.Stdout)
	case *out != "":
		var buf bytes.Buffer
		if err := v.Backup(&buf); err != nil {
			return err
		}
		if err := atomicfile.Write(*out, buf.Bytes(), 0o600); err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "wrote %s; it opens with the vault password\n", *out)
	default:
		b, err := v.BackupNow()
		if err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "wrote %s; it opens with the vault password\n", b.Path)
	}
	return nil
}

// runRestore merges a backup into the vault. If there is no vault, or it is
// damaged, it builds a new one from the backup under the backup's password;
// a damaged file is moved aside, never overwritten.
func runRestore(e *Env, args []string) error {
	fs := newFlags("restore")
	vf := addVaultFlags(fs)
	rest, data, err := parseFileArg(fs, args, "one backup FILE")
	if err != nil {
		return err
	}
	if !vault.IsNidanBackup(data) {
		return fmt.Errorf("%s is not a Nidan backup; for other apps' files use: nidan import %s", rest[0], shellQuote(rest[0]))
	}
	path, err := vf.vaultPath(e)
	if err != nil {
		return err
	}
	v, err := vf.open(e)
	if err == nil {
		defer v.Lock()
		accts, err := readBackupTrying(e, vf, data, v.password)
		if err != nil {
			return err
		}
		r, err := v.Add(accts...)
		if err != nil {
			return err
		}
		printMerge(e, r)
		return nil
	}
	if vault.Exists(path) && !errors.Is(err, vault.ErrCorrupt) && !errors.Is(err, vault.ErrUnsupportedVersion) {
		return err
	}
	pw, err := vf.password(e, "NIDAN_PASSWORD", "Password of the backup", false)
	if err != nil {
		return err
	}
	accts, err := vault.ReadBackup(bytes.NewReader(data), pw)
	if err != nil {
		return err
	}
	if vault.Exists(path) {
		aside := fmt.Sprintf("%s.damaged-%s", path, time.Now().UTC().Format("20060102-150405"))
		if err := os.Rename(path, aside); err != nil {
			return fmt.Errorf("move the damaged vault aside: %w", err)
		}
		fmt.Fprintf(e.Stdout, "the damaged vault is kept as %s\n", aside)
	}
	nv, err := vault.Create(path, pw, e.VaultOptions)
	if err != nil {
		return err
	}
	defer nv.Lock()
	r, err := nv.Add(accts...)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "restored %d accounts into %s; it opens with the backup's password\n", r.Added, path)
	return nil
}

// readBackupTrying opens a backup with the vault's password if we have it,
// else (or if that fails) NIDAN_IMPORT_PASSWORD or a prompt.
func readBackupTrying(e *Env, vf *vaultFlags, data, vaultPW []byte) ([]accounts.Account, error) {
	if len(vaultPW) > 0 {
		accts, err := vault.ReadBackup(bytes.NewReader(data), vaultPW)
		if !errors.Is(err, accounts.ErrWrongPassword) {
			return accts, err
		}
	}
	pw, err := importPassword(e, vf, "Password of the backup")()
	if err != nil {
		return nil, err
	}
	return vault.ReadBackup(bytes.NewReader(data), pw)
}

// importPassword asks for the password of a file being imported:
// NIDAN_IMPORT_PASSWORD, --password-stdin's next line, or a prompt.
func importPassword(e *Env, vf *vaultFlags, prompt string) func() ([]byte, error) {
	return func() ([]byte, error) {
		if p := e.Getenv("NIDAN_IMPORT_PASSWORD"); p != "" {
			return []byte(p), nil
		}
		return vf.password(e, "", prompt, false)
	}
}

// parseFileArg parses flags, requires exactly one file argument (need says
// what it is) and reads that file.
func parseFileArg(fs *flag.FlagSet, args []string, need string) ([]string, []byte, error) {
	rest, err := parseFlags(fs, args)
	if err != nil {
		return nil, nil, err
	}
	if len(rest) != 1 {
		return nil, nil, usagef("need %s", need)
	}
	data, err := formats.ReadFile(rest[0])
	return rest, data, err
}

func runImport(e *Env, args []string) error {
	fs := newFlags("import")
	vf := addVaultFlags(fs)
	format := fs.String("format", "", "the file's format (default: detected)")
	dryRun := fs.Bool("dry-run", false, "show what would be added, updated and skipped, and change nothing")
	rest, data, err := parseFileArg(fs, args, "one FILE")
	if err != nil {
		return err
	}
	v, err := vf.open(e)
	if err != nil {
		return err
	}
	defer v.Lock()
	var accts []accounts.Account
	var partial *formats.ImportError
	if *format == "nidan" || (*format == "" && vault.IsNidanBackup(data)) {
		accts, err = readBackupTrying(e, vf, data, v.password)
	} else {
		accts, err = formats.Import(data, *format, importPassword(e, vf, "Password of "+filepath.Base(rest[0])))
		if errors.As(err, &partial) && len(accts) > 0 {
			err = nil
		}
	}
	if err != nil {
		return err
	}
	if *dryRun {
		r, err := v.Preview(accts...)
		if err != nil {
			return err
		}
		printPreview(e, accts, r, partial)
		return nil
	}
	r, err := v.Add(accts...)
	if err != nil {
		return err
	}
	printMerge(e, r)
	if partial != nil {
		return fmt.Errorf("some entries were skipped: %w", partial)
	}
	return nil
}

// printPreview lists, for --dry-run, what an import would do with each
// account and each entry of the file that cannot be imported.
func printPreview(e *Env, accts []accounts.Account, r vault.MergeReport, partial *formats.ImportError) {
	fmt.Fprintf(e.Stdout, "would add %d, update %d, skip %d already in the vault", r.Added, r.Updated, r.Duplicates)
	if partial != nil {
		fmt.Fprintf(e.Stdout, "; %d entries cannot be imported", len(partial.Entries))
	}
	fmt.Fprintln(e.Stdout, "; nothing was changed")
	what := map[vault.Outcome]string{vault.Added: "add", vault.Updated: "update", vault.Duplicate: "skip (already in the vault)"}
	for i, o := range r.Outcomes {
		fmt.Fprintf(e.Stdout, "  %s: %s\n", what[o], accts[i].Label())
	}
	if partial != nil {
		for _, ee := range partial.Entries {
			fmt.Fprintf(e.Stdout, "  cannot import %s\n", ee.Error())
		}
	}
}

func runExport(e *Env, args []string) error {
	fs := newFlags("export")
	vf := addVaultFlags(fs)
	writers := strings.Join(formats.Names(formats.Writers()), ", ")
	format := fs.String("format", "", writers)
	out := fs.String("out", "", "file to write (- = standard output for plain text); for a format of several files a folder")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usagef("need --out PATH")
	}
	f, ok := formats.Lookup(*format)
	if !ok || !f.CanWrite() {
		return usagef("need --format %s", writers)
	}
	// Standard output is for text a person pipes on, not binary or encrypted files.
	if *out == "-" && (!f.Plaintext || f.WritesFolder()) {
		return usagef("only a plain-text format can go to standard output")
	}
	v, err := vf.open(e)
	if err != nil {
		return err
	}
	defer v.Lock()
	if f.Plaintext {
		fmt.Fprintln(e.Stderr, "nidan: warning: this export holds your secrets in plain text; anyone who reads it can make your codes. Delete it after use.")
	}
	accts := v.Accounts()
	if f.WritesFolder() {
		if err := os.MkdirAll(*out, 0o700); err != nil {
			return err
		}
		paths, err := f.WriteDir(*out, accts)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "wrote %d files to %s\n", len(paths), *out)
		return nil
	}
	var pw []byte
	if f.WritePassword == formats.PasswordRequired {
		if pw, err = vf.password(e, "NIDAN_EXPORT_PASSWORD", "Password for the exported file", true); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf, v, pw); err != nil {
		return err
	}
	if *out == "-" {
		_, err := io.Copy(e.Stdout, &buf)
		return err
	}
	if err := atomicfile.Write(*out, buf.Bytes(), 0o600); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "exported %d accounts to %s\n", len(accts), *out)
	return nil
}

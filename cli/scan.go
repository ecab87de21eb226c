package cli

import (
	"errors"
	"fmt"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/scanner"
)

func scanCommands(t map[string]command) {
	t["scan"] = command{
		summary: "read QR codes from image files, the screen, the clipboard or a camera",
		usage:   "scan [--raw] [--add] FILE…",
		run:     runScan,
	}
}

// scanned is what one source yielded: its name for messages and its codes.
type scanned struct {
	source string
	texts  []string
}

func runScan(e *Env, args []string) error {
	fs := newFlags("scan")
	raw := fs.Bool("raw", false, "print the raw text of each QR code")
	add := fs.Bool("add", false, "add the accounts found to the vault")
	vf := addVaultFlags(fs)
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(files) == 0:
		return usagef("name image files")
	case *raw && *add:
		return usagef("--raw prints codes; it cannot be combined with --add")
	}
	results, err := scanFiles(e, files)
	if err != nil {
		return err
	}

	found := 0
	var all []accounts.Account
	for _, r := range results {
		for _, text := range r.texts {
			found++
			if *raw {
				fmt.Fprintln(e.Stdout, text)
				continue
			}
			accts, m, err := accounts.FromText(text)
			if err != nil {
				fmt.Fprintf(e.Stderr, "nidan scan: %s: %v\n", r.source, err)
				continue
			}
			if m != nil && m.BatchSize > 1 {
				fmt.Fprintf(e.Stderr, "nidan scan: %s: Google Authenticator export, code %s; scan the others too\n", r.source, m.Part())
			}
			all = append(all, accts...)
		}
	}
	if found == 0 {
		return fmt.Errorf("%w", scanner.ErrNoCode)
	}
	if *raw {
		return nil
	}
	if len(all) == 0 {
		return errors.New("no authenticator account among the QR codes found")
	}
	if *add {
		return addAccounts(e, vf, all)
	}
	for i := range all {
		fmt.Fprintln(e.Stdout, all[i].URI())
	}
	return nil
}

// scanFiles decodes each file; a file without a code is reported and the
// others still scanned, but a file that cannot be read stops the command.
func scanFiles(e *Env, files []string) ([]scanned, error) {
	var out []scanned
	for _, f := range files {
		rs, err := scanner.DecodeFile(f)
		if errors.Is(err, scanner.ErrNoCode) {
			fmt.Fprintf(e.Stderr, "nidan scan: %s: no QR code found\n", f)
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, scanned{source: f, texts: scanner.Texts(rs)})
	}
	return out, nil
}

// addAccounts adds accounts to the vault and says what was added.
func addAccounts(e *Env, vf *vaultFlags, accts []accounts.Account) error {
	v, err := vf.open(e)
	if err != nil {
		return err
	}
	defer v.Lock()
	r, err := v.Add(accts...)
	if err != nil {
		return err
	}
	printMerge(e, r)
	return nil
}

package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/scanner"
)

func scanCommands(t map[string]command) {
	t["scan"] = command{
		summary: "read QR codes from image files, the screen, the clipboard or a camera",
		usage:   "scan [--raw] [--add] FILE… | --screen | --clipboard | --camera [--device D] [--timeout T]",
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
	screen := fs.Bool("screen", false, "capture every screen")
	clip := fs.Bool("clipboard", false, "read the image on the clipboard")
	camera := fs.Bool("camera", false, "read camera frames until a code is found")
	device := fs.String("device", "", "camera device (Linux: default /dev/video0)")
	timeout := fs.Duration("timeout", 60*time.Second, "how long --camera looks for a code")
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	sources := 0
	for _, on := range []bool{len(files) > 0, *screen, *clip, *camera} {
		if on {
			sources++
		}
	}
	switch {
	case sources == 0:
		return usagef("name image files, or use --screen, --clipboard or --camera")
	case sources > 1:
		return usagef("scan files, --screen, --clipboard or --camera: one source at a time")
	case *raw && *add:
		return usagef("--raw prints codes; it cannot be combined with --add")
	}
	var results []scanned
	switch {
	case *screen:
		results, err = fromSource("screen", func() ([]scanner.Result, error) { return scanner.ScanScreens() })
	case *clip:
		results, err = fromSource("clipboard", func() ([]scanner.Result, error) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			return scanner.ScanClipboard(ctx)
		})
	case *camera:
		results, err = fromSource("camera", func() ([]scanner.Result, error) { return scanCamera(e, *device, *timeout) })
	default:
		results, err = scanFiles(e, files)
	}
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

// fromSource runs one non-file source; finding no code there is an error
// of its own (exit status 1), not a per-file note.
func fromSource(name string, scan func() ([]scanner.Result, error)) ([]scanned, error) {
	rs, err := scan()
	if err != nil {
		return nil, err
	}
	return []scanned{{source: name, texts: scanner.Texts(rs)}}, nil
}

// scanCamera reads frames from the camera until a code shows or the
// timeout passes.
func scanCamera(e *Env, device string, timeout time.Duration) ([]scanner.Result, error) {
	cam, err := scanner.OpenCamera(device)
	if err != nil {
		return nil, err
	}
	defer cam.Close()
	fmt.Fprintf(e.Stderr, "nidan scan: hold the QR code up to the camera (up to %s)…\n", timeout)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return scanner.ScanCamera(ctx, cam)
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

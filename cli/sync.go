package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/nidan-auth/nidan/syncfolder"
	"github.com/nidan-auth/nidan/vault"
)

// This file is `nidan sync`: the vault kept in step with other devices
// through a sync folder (package syncfolder, docs/vault-format.md).

func syncCommands(t map[string]command) {
	t["sync"] = command{
		summary: "sync the vault with other devices through a folder (Syncthing, Nextcloud, Dropbox, …)",
		usage: "sync [--watch] | sync set DIR | sync join DIR | sync status | sync remove DEVICE | sync off" +
			" [--vault PATH] [--password-stdin]",
		run: runSync,
	}
}

func runSync(e *Env, args []string) error {
	fs := newFlags("sync")
	vf := addVaultFlags(fs)
	watch := fs.Bool("watch", false, "keep running and merge every change in the folder (until interrupted)")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	sub, arg := "", ""
	if len(rest) > 0 {
		sub = rest[0]
	}
	switch sub {
	case "set", "join", "remove":
		if len(rest) != 2 {
			return usagef("sync %s needs one argument", sub)
		}
		arg = rest[1]
	case "", "status", "off":
		if len(rest) > 1 {
			return usagef("unexpected argument %q", rest[1])
		}
	default:
		return usagef("unknown sync command %q (set, join, status, remove, off)", sub)
	}
	if *watch && sub != "" {
		return usagef("--watch goes with plain `nidan sync`")
	}
	if sub == "join" {
		return runSyncJoin(e, vf, arg)
	}
	u, err := vf.unlock(e)
	if err != nil {
		return err
	}
	defer u.Lock()
	switch sub {
	case "set":
		rep, err := syncfolder.Set(u.Vault, arg, time.Now())
		if err != nil && !errors.Is(err, vault.ErrRekeyed) {
			return err
		}
		fmt.Fprintf(e.Stdout, "syncing through %s as device %s\n", u.SyncDir(), u.Device())
		printReport(e, rep)
		return nil
	case "status":
		return printStatus(e, u)
	case "remove":
		return removeDevice(e, u, arg)
	case "off":
		if err := u.SetSyncDir(""); err != nil {
			return err
		}
		fmt.Fprintln(e.Stdout, "sync is off; the folder's files are left as they are")
		return nil
	}
	if u.SyncDir() == "" {
		return syncfolder.ErrNotSyncing
	}
	if err := syncNow(e, vf, u, true); err != nil {
		return err
	}
	if !*watch {
		return nil
	}
	return watchFolder(e, vf, u)
}

// syncNow merges the folder in; when the password was changed on another
// device it asks for the new one (interactive) or says how to carry on.
func syncNow(e *Env, vf *vaultFlags, u *unlocked, interactive bool) error {
	rep, err := syncfolder.Sync(u.Vault, time.Now())
	if errors.Is(err, vault.ErrRekeyed) && interactive {
		pw, perr := vf.password(e, "NIDAN_NEW_PASSWORD", "The password was changed on another device; new password", false)
		if perr != nil {
			return perr
		}
		rep, err = syncfolder.AdoptNewPassword(u.Vault, pw, time.Now())
	}
	if errors.Is(err, vault.ErrRekeyed) {
		return fmt.Errorf("%w; run `nidan sync` to enter it", err)
	}
	if err != nil {
		return err
	}
	printReport(e, rep)
	return nil
}

// pullSync is what every vault command does after unlocking: take in what
// the other devices wrote, so `nidan list` shows the merged accounts. A
// failure is a warning: the local vault still works.
func pullSync(e *Env, u *unlocked) {
	if u.SyncDir() == "" {
		return
	}
	rep, err := syncfolder.Sync(u.Vault, time.Now())
	if err != nil {
		fmt.Fprintf(e.Stderr, "nidan: sync: %s\n", oneLine(err.Error()))
	}
	// What came in goes to stderr, so scripts reading stdout see only
	// the command's own output.
	printReport(&Env{Stdout: e.Stderr}, rep)
}

func runSyncJoin(e *Env, vf *vaultFlags, dir string) error {
	path, err := vf.vaultPath(e)
	if err != nil {
		return err
	}
	if vault.Exists(path) {
		return fmt.Errorf("a vault already exists at %s: to sync it, use `nidan sync set %s`; to take the synced vault instead, "+
			"export this one (`nidan export --format nidan --out FILE`), move it away, join, then `nidan import FILE`", path, dir)
	}
	pw, err := vf.password(e, "NIDAN_PASSWORD", "Password of the synced vault", false)
	if err != nil {
		return err
	}
	v, rep, err := syncfolder.Join(path, dir, pw, e.VaultOptions, time.Now())
	if err != nil {
		return err
	}
	defer v.Lock()
	fmt.Fprintf(e.Stdout, "joined: %s now syncs through %s as device %s (%d accounts)\n", path, v.SyncDir(), v.Device(), len(v.Accounts()))
	printReport(e, rep)
	return nil
}

// printReport says what a sync took in from whom and what it removed.
func printReport(e *Env, rep syncfolder.Report) {
	for _, f := range rep.Files {
		switch {
		case f.Outcome == syncfolder.Merged && !f.Delta.Empty():
			fmt.Fprintf(e.Stdout, "from %s: %s\n", f.Name, describeDelta(f))
		case f.Outcome != syncfolder.Merged && f.Outcome != syncfolder.Own:
			msg := string(f.Outcome)
			if f.Err != nil {
				msg += ": " + oneLine(f.Err.Error())
			}
			fmt.Fprintf(e.Stdout, "%s: %s\n", f.Name, msg)
		}
	}
	for _, n := range rep.Deleted {
		fmt.Fprintf(e.Stdout, "removed %s (merged)\n", n)
	}
}

func describeDelta(f syncfolder.FileResult) string {
	var parts []string
	for _, p := range []struct {
		what  string
		names []string
	}{{"added", f.Delta.Added}, {"changed", f.Delta.Changed}, {"deleted", f.Delta.Deleted}} {
		if len(p.names) > 0 {
			parts = append(parts, p.what+" "+strings.Join(p.names, ", "))
		}
	}
	return strings.Join(parts, "; ")
}

func printStatus(e *Env, u *unlocked) error {
	ds, err := syncfolder.Status(u.Vault)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "sync folder: %s\n", u.SyncDir())
	for _, d := range ds {
		name := d.Name
		if name == "" {
			name = "(unnamed)"
		}
		state := "never wrote"
		if !d.LastWrote.IsZero() {
			state = "last wrote " + d.LastWrote.Local().Format("2006-01-02 15:04:05") + " (" + ago(time.Since(d.LastWrote)) + ")"
		}
		switch {
		case d.Removed:
			state = "removed"
		case d.Self:
			name += " (this device)"
		}
		fmt.Fprintf(e.Stdout, "%-28s %s  %s\n", name, d.ID, state)
	}
	if err := u.SyncWriteError(); err != nil {
		fmt.Fprintf(e.Stdout, "warning: %s\n", oneLine(err.Error()))
	}
	return nil
}

// ago says how long ago in the largest whole unit.
func ago(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d s ago", max(0, int(d.Seconds())))
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d.Hours()))
	}
	return fmt.Sprintf("%d days ago", int(d.Hours()/24))
}

// removeDevice removes a device named by id (or its start) or name.
func removeDevice(e *Env, u *unlocked, which string) error {
	ds, err := syncfolder.Status(u.Vault)
	if err != nil {
		return err
	}
	var match []syncfolder.DeviceStatus
	for _, d := range ds {
		if strings.HasPrefix(d.ID, strings.ToLower(which)) || strings.EqualFold(d.Name, which) {
			match = append(match, d)
		}
	}
	switch len(match) {
	case 0:
		return fmt.Errorf("no device %q (see nidan sync status)", which)
	case 1:
	default:
		return fmt.Errorf("%q matches %d devices; give more of the id", which, len(match))
	}
	if err := u.RemoveDevice(match[0].ID); err != nil {
		return err
	}
	if _, err := syncfolder.Sync(u.Vault, time.Now()); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "removed %s (%s): its files are ignored from now on\n", match[0].Name, match[0].ID)
	return nil
}

// watchFolder merges every change in the folder until interrupted.
func watchFolder(e *Env, vf *vaultFlags, u *unlocked) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Fprintf(e.Stdout, "watching %s (Ctrl+C stops)\n", filepath.Clean(u.SyncDir()))
	return syncfolder.Watch(ctx, u.SyncDir(), syncfolder.WatchOptions{}, func(bool) {
		if err := syncNow(e, vf, u, false); err != nil {
			fmt.Fprintf(e.Stderr, "nidan: sync: %s\n", oneLine(err.Error()))
			return
		}
	})
}

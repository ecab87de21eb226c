package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/nidan-auth/nidan/syncfolder"
	"github.com/nidan-auth/nidan/vault"
)

// folderSync keeps the unlocked vault in step with the sync folder
// (package syncfolder): a watch merges every change within about a second,
// and a status line under the list says "Synced · 2 devices · 10 s ago";
// tapping it shows what came from which device. All its fields are used
// on the UI goroutine only; the watch's syncs hand their reports over with
// fyne.Do.
type folderSync struct {
	u       *ui
	stop    context.CancelFunc
	bar     *widget.Button
	lastOK  time.Time
	devices int
	err     error
	history []string // newest first, at most historyLen
	asking  bool     // the new-password dialog is open
}

const historyLen = 12

// syncBar is the status line the list screen shows under the accounts;
// hidden while the vault does not sync.
func (u *ui) syncBar() fyne.CanvasObject {
	s := u.folderSync()
	s.bar = &widget.Button{Importance: widget.LowImportance, Alignment: widget.ButtonAlignLeading, OnTapped: s.onHistory}
	s.refreshBar()
	return s.bar
}

func (u *ui) folderSync() *folderSync {
	if u.fsync == nil {
		u.fsync = &folderSync{u: u}
	}
	return u.fsync
}

// startFolderSync runs when a vault is unlocked: the watch, then one sync
// as soon as the watch is in place, so that no change arriving meanwhile
// waits for the poll (in tests, which call syncNow themselves, the sync
// alone).
func (u *ui) startFolderSync() {
	s := u.folderSync()
	s.stopWatch()
	v := u.vault
	if v == nil || v.SyncDir() == "" {
		s.refreshBar()
		return
	}
	if u.opts.Sync {
		s.syncNow()
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.stop = cancel
	dir := v.SyncDir()
	started := func() {
		fyne.Do(func() {
			if u.vault == v {
				s.syncNow()
			}
		})
	}
	// applyLater takes a sync done on the watch's goroutine in on the UI's,
	// unless the vault was locked (or another unlocked) meanwhile.
	applyLater := func(rep syncfolder.Report, err error) {
		fyne.Do(func() {
			if u.vault == v {
				s.apply(rep, err)
			}
		})
	}
	go func() {
		err := syncfolder.Watch(ctx, dir, syncfolder.WatchOptions{Poll: 10 * time.Second, Started: started}, func(polled bool) {
			rep, err := syncfolder.Sync(v, time.Now())
			applyLater(rep, err)
			// The sync test tells a merge the folder's change started
			// from one the poll would have made anyway.
			how := "after a change"
			if polled {
				how = "on the poll"
			}
			trace(fmt.Sprintf("synced %s: changed %v, error %v", how, rep.Changed, err))
		})
		if err != nil {
			// No watch: sync once anyway, and show why changes will not
			// come in by themselves if the sync itself went well.
			rep, serr := syncfolder.Sync(v, time.Now())
			if serr == nil {
				serr = err
			}
			applyLater(rep, serr)
		}
	}()
}

// stopFolderSync ends the watch (on lock and on quit).
func (u *ui) stopFolderSync() {
	if u.fsync != nil {
		u.fsync.stopWatch()
	}
}

func (s *folderSync) stopWatch() {
	if s.stop != nil {
		s.stop()
		s.stop = nil
	}
}

// syncNow merges the folder in the background and shows the outcome.
func (s *folderSync) syncNow() {
	v := s.u.vault
	if v == nil {
		return
	}
	var rep syncfolder.Report
	var err error
	s.u.background(func() { rep, err = syncfolder.Sync(v, s.u.now()) }, func() {
		if s.u.vault == v {
			s.apply(rep, err)
		}
	})
}

// apply takes in one sync's report: the history, the status line, the
// list if accounts came in, and the password prompt if the password was
// changed on another device.
func (s *folderSync) apply(rep syncfolder.Report, err error) {
	u := s.u
	if u.vault == nil {
		return
	}
	st := u.vault.State()
	s.devices = 0
	for _, d := range st.Devices {
		if d.Removed.IsZero() {
			s.devices++
		}
	}
	for _, f := range rep.Files {
		if f.Outcome != syncfolder.Merged || f.Delta.Empty() {
			continue
		}
		from := f.Device
		if d, ok := st.Device(f.Device); ok && d.Name != "" {
			from = d.Name
		}
		line := u.now().Local().Format("15:04") + "  " + lang.X("sync.from", "From {{.Device}}: {{.What}}",
			map[string]any{"Device": from, "What": describeDelta(f.Delta.Added, f.Delta.Changed, f.Delta.Deleted)})
		s.history = append([]string{line}, s.history[:min(len(s.history), historyLen-1)]...)
	}
	s.err = err
	if err == nil || errors.Is(err, vault.ErrRekeyed) {
		s.lastOK = u.now()
	}
	if rep.Changed && u.list != nil {
		u.list.reload()
	}
	s.refreshBar()
	if errors.Is(err, vault.ErrRekeyed) && !s.asking {
		s.askNewPassword()
	}
}

func describeDelta(added, changed, deleted []string) string {
	var parts []string
	if len(added) > 0 {
		parts = append(parts, lang.X("sync.added", "added {{.Names}}", map[string]any{"Names": strings.Join(added, ", ")}))
	}
	if len(changed) > 0 {
		parts = append(parts, lang.X("sync.changed", "changed {{.Names}}", map[string]any{"Names": strings.Join(changed, ", ")}))
	}
	if len(deleted) > 0 {
		parts = append(parts, lang.X("sync.deleted", "deleted {{.Names}}", map[string]any{"Names": strings.Join(deleted, ", ")}))
	}
	return strings.Join(parts, "; ")
}

// statusText is the status line: "Synced · 2 devices · 10 s ago", or what
// is wrong.
func (s *folderSync) statusText() string {
	switch {
	case s.err != nil && errors.Is(s.err, vault.ErrRekeyed):
		return lang.L("Sync paused: the password was changed on another device")
	case s.err != nil:
		return lang.X("sync.failed", "Sync failed: {{.Err}}", map[string]any{"Err": s.err.Error()})
	case s.lastOK.IsZero():
		return lang.L("Syncing…")
	}
	return lang.X("sync.status", "Synced · {{.N}} devices · {{.Ago}}", map[string]any{"N": fmt.Sprint(s.devices), "Ago": agoText(s.u.now().Sub(s.lastOK))})
}

func agoText(d time.Duration) string {
	switch {
	case d < 5*time.Second:
		return lang.L("just now")
	case d < time.Minute:
		return lang.X("sync.agoSeconds", "{{.N}} s ago", map[string]any{"N": fmt.Sprint(int(d.Seconds()))})
	case d < time.Hour:
		return lang.X("sync.agoMinutes", "{{.N}} min ago", map[string]any{"N": fmt.Sprint(int(d.Minutes()))})
	}
	return lang.X("sync.agoHours", "{{.N}} h ago", map[string]any{"N": fmt.Sprint(int(d.Hours()))})
}

func (s *folderSync) refreshBar() {
	if s.bar == nil {
		return
	}
	if s.u.vault == nil || s.u.vault.SyncDir() == "" {
		s.bar.Hide()
		return
	}
	s.bar.SetText(s.statusText())
	s.bar.Importance = widget.LowImportance
	if s.err != nil {
		s.bar.Importance = widget.WarningImportance
	}
	s.bar.Show()
	s.bar.Refresh()
}

// onHistory shows the devices and what came from which.
func (s *folderSync) onHistory() {
	u := s.u
	if u.vault == nil {
		return
	}
	var b strings.Builder
	if ds, err := syncfolder.Status(u.vault); err == nil {
		for _, d := range ds {
			name := d.Name
			if d.Self {
				name = lang.X("sync.thisDevice", "{{.Name}} (this device)", map[string]any{"Name": name})
			}
			when := lang.L("never wrote")
			if d.Removed {
				when = lang.L("removed")
			} else if !d.LastWrote.IsZero() {
				when = agoText(u.now().Sub(d.LastWrote))
			}
			fmt.Fprintf(&b, "%s — %s\n", name, when)
		}
	}
	b.WriteString("\n")
	if len(s.history) == 0 {
		b.WriteString(lang.L("Nothing came from other devices since Nidan was unlocked."))
	}
	for _, h := range s.history {
		b.WriteString(h + "\n")
	}
	u.showMessage(lang.L("Sync"), strings.TrimSpace(b.String()))
}

// askNewPassword asks for the password set on another device and adopts
// that device's key.
func (s *folderSync) askNewPassword() {
	u := s.u
	s.asking = true
	pw := widget.NewPasswordEntry()
	items := []*widget.FormItem{
		{Text: lang.L("New password"), Widget: pw, HintText: lang.L("The password of this vault was changed on another device. Enter the new one to keep syncing.")},
	}
	d := dialog.NewForm(lang.L("Sync"), lang.L("Continue"), lang.L("Later"), items, func(ok bool) {
		s.asking = false
		v := u.vault
		if !ok || v == nil {
			return
		}
		p := []byte(pw.Text)
		pw.SetText("")
		var rep syncfolder.Report
		var err error
		u.background(func() { rep, err = syncfolder.AdoptNewPassword(v, p, u.now()) }, func() {
			clear(p)
			if err != nil {
				u.showError("Could not take the new password", err, vaultHint(err))
				return
			}
			s.apply(rep, nil)
		})
	}, u.win)
	fitDialog(d, u.win, 440)
	d.Show()
}

// syncSettings is the Settings entry: the folder, or a button to choose
// one, and a button to stop.
func (s *settingsScreen) syncSettings() *widget.FormItem {
	u := s.u
	status := wrapped(&widget.Label{Importance: widget.LowImportance}) // a path, or a sentence
	stop := &widget.Button{Text: lang.L("Stop syncing")}
	show := func() {
		if dir := u.vault.SyncDir(); dir != "" {
			status.SetText(dir)
			stop.Show()
		} else {
			status.SetText(lang.L("Off. Choose a folder that Syncthing, Nextcloud, Dropbox or OneDrive keeps in step on your computers."))
			stop.Hide()
		}
	}
	choose := &widget.Button{Text: lang.L("Choose sync folder…")}
	choose.OnTapped = func() {
		dialog.ShowFolderOpen(func(lu fyne.ListableURI, err error) {
			if err != nil || lu == nil || u.vault == nil {
				return
			}
			v, dir := u.vault, lu.Path()
			var serr error
			u.background(func() { _, serr = syncfolder.Set(v, dir, u.now()) }, func() {
				if serr != nil && !errors.Is(serr, vault.ErrRekeyed) {
					u.showError("Could not sync through this folder", serr, lang.L("Nothing was changed. A folder can hold only one vault's files."))
				}
				show()
				u.startFolderSync()
			})
		}, u.win)
	}
	stop.OnTapped = func() {
		if err := u.vault.SetSyncDir(""); err != nil {
			u.showError("Could not stop syncing", err, vaultHint(err))
		}
		u.stopFolderSync()
		u.folderSync().refreshBar()
		show()
	}
	show()
	return &widget.FormItem{Text: lang.L("Sync"), Widget: hinted(container.NewVBox(status, container.NewHBox(choose, stop)),
		lang.L("Only encrypted files go into the folder."))}
}

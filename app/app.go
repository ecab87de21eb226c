// Package app is Nidan's desktop GUI: windows, screens, dialogs, small
// widgets and translations. It is the only package that imports Fyne. It
// holds no crypto, parsing or file I/O of its own: accounts does the vault,
// codes and formats, scanner turns images into strings.
//
// Each screen is a small struct in its own file with a build method and onX
// handlers. The ui struct ties them together: it owns the window, the open
// vault, the 1 Hz ticker and the timers that clear the clipboard and lock.
package app

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/assets"
	"github.com/nidan-auth/nidan/internal/brandlogo"
	"github.com/nidan-auth/nidan/internal/single"
	"github.com/nidan-auth/nidan/scanner"
	"github.com/nidan-auth/nidan/vault"
)

// AppID is the reverse-DNS identifier Fyne keys preferences and storage on.
const AppID = "io.github.nidan.Nidan"

// Options are the parts of the app that tests and tools replace.
type Options struct {
	VaultPath string        // "" = $NIDAN_VAULT, else vault.DefaultPath()
	Vault     vault.Options // KDF cost, backup folder, keyring
	Version   string
	Language  string // "" = the language preference; tests and screenshots set it

	// Sync makes background work, timers and the ticker run only when a
	// test calls them (ui.runTimers, ui.tick), so tests under -race never
	// race the test goroutine. The real app leaves it false.
	Sync bool
	// Now is the clock; nil = time.Now.
	Now func() time.Time
	// TrayHost reports whether a tray shows the icon; nil asks the desktop.
	TrayHost func() bool
	// Camera opens the camera's frame source; nil = the V4L2 device
	// (scanner.OpenCamera). Tests play recorded frames through it.
	Camera func() (scanner.FrameSource, error)
	// Logos is the brand-logo catalogue; nil = the built-in one. Tests
	// share one, so that each window does not decode it again.
	Logos *brandlogo.Catalog
}

// ErrNoDisplay is returned by Run where no window can be shown.
var ErrNoDisplay = errors.New("no display found, so the desktop app cannot open its window")

// Run opens the desktop app and returns when it quits. A second launch on
// the same vault asks the running one to show its window and returns nil.
func Run(version string) error {
	if err := checkDisplay(); err != nil {
		return err
	}
	if os.Getenv("GOGC") == "" {
		// The window idles with a small, steady heap: collecting at 50 %
		// growth rather than 100 % kept ~5 MB less resident with 1 000
		// accounts, at no CPU cost to tell while idle (docs/gui.md).
		debug.SetGCPercent(50)
	}
	// One copy per data folder: two processes on one vault would each hold
	// their own copy of it and overwrite each other's changes.
	var raise func()
	var mu sync.Mutex
	if dir, err := desktopDataDir(); err == nil {
		inst, err := single.Acquire(dir, func() {
			mu.Lock()
			f := raise
			mu.Unlock()
			if f != nil {
				fyne.Do(f)
			}
		})
		switch {
		case errors.Is(err, single.ErrRunning):
			return nil
		case errors.Is(err, single.ErrNotAnswering):
			return showOtherCopyHung(err)
		case err != nil:
			fyne.LogError("single instance", err) // run anyway: better two than none
		default:
			defer inst.Close()
		}
	}
	a := fyneapp.NewWithID(AppID)
	a.SetIcon(appIcon)
	w := a.NewWindow("Nidan")
	u, err := newUI(a, w, Options{Version: version})
	if err != nil {
		fyne.LogError("start", err)
	}
	mu.Lock()
	raise = u.raise
	mu.Unlock()
	w.Resize(fyne.NewSize(480, 640))
	w.SetMaster()
	u.startSimulator()
	u.start()
	a.Lifecycle().SetOnStarted(func() { trace("ready") })
	w.ShowAndRun()
	u.shutdown()
	return nil
}

// ErrOtherCopyHung is returned by Run when another copy of the app holds
// the vault but does not answer: this launch told the user and did not
// open the vault beside it.
var ErrOtherCopyHung = errors.New("another Nidan is already running but does not respond; close it (or end it in the task manager) and start Nidan again")

// showOtherCopyHung says, in a window of its own, why this launch opens
// nothing: a user who clicks the icon and sees no window would try again
// and again. It returns ErrOtherCopyHung once the window is closed, so the
// command line says it too.
func showOtherCopyHung(cause error) error {
	trace("other copy hung")
	a := fyneapp.NewWithID(AppID)
	a.SetIcon(appIcon)
	applyLanguage(settings{p: a.Preferences()}.language())
	w := a.NewWindow("Nidan")
	msg := widget.NewLabel(lang.L("Nidan is already running, but it does not respond, so this window cannot open your vault beside it. Close the other Nidan window (or end Nidan in the task manager), then start Nidan again."))
	msg.Wrapping = fyne.TextWrapWord
	quit := widget.NewButton(lang.L("Close"), a.Quit)
	quit.Importance = widget.HighImportance
	// In a scroll, the wrapping label takes the window's width instead of
	// growing the window to the height of its narrowest wrap.
	w.SetContent(container.NewPadded(container.NewBorder(nil, container.NewHBox(layout.NewSpacer(), quit), nil, nil, container.NewVScroll(wrapped(msg)))))
	w.Canvas().SetOnTypedKey(func(k *fyne.KeyEvent) {
		if k.Name == fyne.KeyEscape || k.Name == fyne.KeyReturn || k.Name == fyne.KeyEnter {
			a.Quit()
		}
	})
	w.Resize(fyne.NewSize(460, 200))
	w.CenterOnScreen()
	w.ShowAndRun()
	return fmt.Errorf("%w (%v)", ErrOtherCopyHung, cause)
}

// desktopDataDir is the folder of the vault a desktop launch opens.
func desktopDataDir() (string, error) {
	if p := os.Getenv("NIDAN_VAULT"); p != "" {
		return filepath.Dir(p), nil
	}
	p, err := vault.DefaultPath()
	if err != nil {
		return "", err
	}
	return filepath.Dir(p), nil
}

// raise brings the window back (from the tray, minimised or behind
// others) when a second launch asks for it.
func (u *ui) raise() {
	if u.hidden {
		u.hidden = false
		if u.vault != nil {
			u.startTicker()
		}
	}
	u.win.Show()
	u.win.RequestFocus()
	trace("raised")
}

// appIcon is shown by the window, the tray and the task bar; packages carry
// the same file through FyneApp.toml.
var appIcon = fyne.NewStaticResource("nidan.png", assets.IconPNG)

// lockIcon is the padlock on the list's lock button, in the theme's
// foreground colour (a new resource each call: buttons own their icon).
func lockIcon() fyne.Resource {
	return theme.NewThemedResource(fyne.NewStaticResource("lock.svg", assets.LockSVG))
}

// ui is the running app: one window whose content is the current screen.
type ui struct {
	app   fyne.App
	win   fyne.Window
	opts  Options
	prefs settings

	path  string
	vault *vault.Vault // nil while locked or before first launch

	list        *listScreen
	locked      *unlockScreen // the lock screen while it is on show
	clip        *clipGuard
	ticker      *ticker
	timers      *timers
	idle        *idleLock
	hidden      bool // hidden to the tray: the ticker is stopped
	trayOn      bool
	trayIconSet bool // the tray shows trayIcon (updateTray)

	screen       fyne.CanvasObject // the screen on show, under the toasts' layer
	toasts       *toaster
	tips         *tipper
	dialogs      []*openDialog  // shown, the top last: Escape and Enter answer the top one
	back         func()         // what Escape and the back arrow do on this screen; nil: the list
	enter        func()         // what Enter does on this screen with nothing focused; nil: nothing
	clipboard    fyne.Clipboard // the app's; the X clipboard in the phone simulation
	inBackground bool           // a phone app in the background (mobile.go)
	pickers      int            // system pickers open, which background the app
	fsync        *folderSync    // the sync folder's watch and status (sync.go)
	watchStop    func()         // ends the vault file's watch (vaultwatch.go)
	logos        *logos         // brand logos (avatar.go)
}

func newUI(a fyne.App, w fyne.Window, opts Options) (*ui, error) {
	u := &ui{app: a, win: w, opts: opts, clipboard: a.Clipboard()}
	u.prefs = settings{p: a.Preferences()}
	u.timers = newTimers(opts.Sync)
	u.clip = &clipGuard{u: u}
	u.toasts = newToaster(u)
	u.tips = newTipper()
	u.idle = &idleLock{u: u}
	u.logos = newLogos(opts.Logos, opts.Sync, u.onLogosReady)
	if opts.Language != "" {
		applyLanguage(opts.Language)
	} else {
		applyLanguage(u.prefs.language())
	}
	u.applyTheme()
	path, err := u.vaultPath()
	u.path = path
	return u, err
}

func (u *ui) now() time.Time {
	if u.opts.Now != nil {
		return u.opts.Now()
	}
	return time.Now()
}

func (u *ui) vaultPath() (string, error) {
	if u.opts.VaultPath != "" {
		return u.opts.VaultPath, nil
	}
	if p := os.Getenv("NIDAN_VAULT"); p != "" {
		return p, nil
	}
	if fyne.CurrentDevice().IsMobile() {
		// Android and iOS have no user config folder for us; the app's
		// own storage is private to it and is a real file path.
		root := u.app.Storage().RootURI()
		if root == nil {
			return "", errors.New("no app storage on this device")
		}
		return filepath.Join(root.Path(), "vault.nidan"), nil
	}
	return vault.DefaultPath()
}

// vaultOptions are the options every open and create uses; the backup folder
// comes from the settings when the user chose one.
func (u *ui) vaultOptions() vault.Options {
	o := u.opts.Vault
	if o.BackupDir == "" {
		o.BackupDir = u.prefs.backupDir()
	}
	return o
}

// start shows the first screen: first launch, or the lock screen (which
// tries the keyring first where the user enabled it).
func (u *ui) start() {
	u.setupWindow()
	if u.path == "" || !vault.Exists(u.path) {
		w := &welcomeScreen{u: u}
		u.show(w.build())
		u.enter = w.onStart
		return
	}
	u.showLocked(true)
}

func (u *ui) shutdown() {
	u.clip.clear()
	u.stopTicker()
	u.stopFolderSync()
	u.stopVaultWatch()
	if u.vault != nil {
		u.vault.Lock()
		u.vault = nil
	}
}

// show replaces the window content with one screen.
func (u *ui) show(o fyne.CanvasObject) {
	// Unfocus first: a new content gets a new focus manager, and the old
	// focused entry would never hear FocusLost, so its cursor would keep
	// animating (repainting the window) for as long as the app runs.
	u.win.Canvas().Unfocus()
	u.back = nil
	u.enter = nil
	u.locked = nil
	u.screen = o
	u.tips.hide(nil)
	// The toasts' and tooltips' layers lie over every screen (toast.go,
	// tooltip.go).
	u.win.SetContent(container.NewStack(o, u.toasts.layer, u.tips.layer))
}

// unlocked is called once a vault is open: it shows the list and starts the
// ticker and the idle lock.
func (u *ui) unlocked(v *vault.Vault) {
	u.vault = v
	u.list = &listScreen{u: u, book: accounts.NewCodebook()}
	u.show(u.list.build())
	u.startTicker()
	u.idle.touch()
	u.updateTray()
	u.list.focus()
	trace("unlocked")
	u.startFolderSync()
	u.startVaultWatch()
}

// showList returns to the account list after another screen.
func (u *ui) showList() {
	if u.vault == nil {
		u.showLocked(false)
		return
	}
	if u.list == nil {
		u.list = &listScreen{u: u, book: accounts.NewCodebook()}
		u.list.build()
	} else {
		u.list.reload()
	}
	u.show(u.list.content)
	u.list.focus()
	u.updateTray()
	trace("screen list")
}

// dropList forgets the list screen, to be built again when next shown
// (after a change of theme or language).
func (u *ui) dropList() {
	if u.list != nil {
		u.list.clear()
		u.list = nil
	}
}

// lock wipes the vault from memory and shows the lock screen. Nothing secret
// stays in the window: the list and its rows are dropped.
func (u *ui) lock() {
	u.stopTicker()
	u.stopFolderSync()
	u.stopVaultWatch()
	u.idle.stop()
	u.clip.clear() // a code left on the clipboard outlives the lock otherwise
	if u.list != nil {
		u.list.clear()
		u.list = nil
	}
	if u.vault != nil {
		u.vault.Lock()
		u.vault = nil
	}
	// Dialogs (a QR code, an edit) must not outlive the lock.
	ovs := u.win.Canvas().Overlays()
	for top := ovs.Top(); top != nil; top = ovs.Top() {
		ovs.Remove(top)
	}
	u.dialogs = nil
	u.toasts.hide() // an Undo must not outlive the vault it would write to
	u.showLocked(false)
	u.updateTray()
	trace("locked")
}

func (u *ui) showLocked(tryKeyring bool) {
	s := &unlockScreen{u: u}
	u.show(s.build())
	u.locked = s
	s.focus()
	if tryKeyring && s.keyring {
		s.onKeyring()
	}
}

// vaultHasKeyring reads the vault file's header (no key needed): a keyring
// slot there means it opens with the OS keyring, whoever turned that on
// (the app, or `nidan keyring on`). The vault is the one truth for both.
func (u *ui) vaultHasKeyring() bool {
	info, err := vault.PeekFile(u.path)
	return err == nil && info.Keyring
}

// background runs work off the UI goroutine and done back on it. With
// Options.Sync (tests) both run at once, in order.
func (u *ui) background(work func(), done func()) {
	if u.opts.Sync {
		work()
		done()
		return
	}
	go func() {
		work()
		fyne.Do(done)
		// Unlocking runs Argon2id over 64 MiB; hand that memory back to
		// the system now rather than minutes later.
		debug.FreeOSMemory()
	}()
}

// showError tells the user what went wrong and what to do, and logs it
// without secrets.
func (u *ui) showError(context string, err error, hint string) {
	fyne.LogError(context, err)
	msg := lang.L(context)
	if hint != "" {
		msg += "\n\n" + hint
	}
	u.showMessage(lang.L("Something went wrong"), msg)
}

// vaultHint is what to tell the user about a vault error.
func vaultHint(err error) string {
	switch {
	case errors.Is(err, accounts.ErrWrongPassword):
		return lang.L("The password is not right. Nothing was changed.")
	case errors.Is(err, vault.ErrCorrupt):
		return lang.L("The file is damaged; your vault is unchanged. Restore a backup from Settings › Backups.")
	case errors.Is(err, vault.ErrUnsupportedVersion):
		return lang.L("This file was made by a newer Nidan. Update Nidan and try again.")
	}
	return lang.L("Your vault is unchanged. Try again; if it keeps happening, restart Nidan.")
}

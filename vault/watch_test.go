package vault

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/nidan-auth/nidan/accounts"
)

// watching opens a second Vault on path (the GUI beside the CLI's v) and
// follows the file with Watch; each call of onChange lands on the channel.
func watching(t *testing.T, path string, opts WatchOptions) (*Vault, <-chan error) {
	t.Helper()
	gui, err := Open(path, []byte("correct horse"), testOpts(t))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	changes := make(chan error, 16)
	done := make(chan error, 1)
	go func() { done <- gui.Watch(ctx, opts, func(err error) { changes <- err }) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Watch: %v", err)
		}
	})
	return gui, changes
}

func waitChange(t *testing.T, changes <-chan error, what string) error {
	t.Helper()
	select {
	case err := <-changes:
		return err
	case <-time.After(10 * time.Second):
		t.Fatalf("Watch reported no change after %s", what)
		return nil
	}
}

func TestWatchFollowsAnotherProcess(t *testing.T) {
	cli, path := newTestVault(t)
	h := accounts.New(accounts.HOTP, "Bank", "bob", []byte("12345678901234567890"))
	if _, err := cli.Add(h); err != nil {
		t.Fatal(err)
	}
	// A long poll: only the file system's events can pass this test.
	gui, changes := watching(t, path, WatchOptions{Poll: time.Hour})
	time.Sleep(200 * time.Millisecond) // the watch is set up

	// The CLI shows (and so uses) the code at counter 0: the GUI's copy
	// must hold counter 1 without saving anything itself.
	if shown, err := cli.NextHOTP(h.ID); err != nil || shown.Counter != 0 {
		t.Fatalf("NextHOTP = %d, %v", shown.Counter, err)
	}
	if err := waitChange(t, changes, "the CLI advanced a counter"); err != nil {
		t.Fatalf("onChange(%v)", err)
	}
	if a, _ := gui.Account(h.ID); a.Counter != 1 {
		t.Fatalf("GUI's counter = %d after the CLI used code 0, want 1", a.Counter)
	}

	// An account the CLI adds shows up too.
	if _, err := cli.Add(testAccount(t, "ACME", "carol", "JBSWY3DPEHPK3PXP")); err != nil {
		t.Fatal(err)
	}
	if err := waitChange(t, changes, "the CLI added an account"); err != nil {
		t.Fatalf("onChange(%v)", err)
	}
	if n := len(gui.Accounts()); n != 2 {
		t.Fatalf("GUI has %d accounts, want 2", n)
	}

	// The GUI's own save is no news to it; the CLI then sees it at its
	// next save, so the counter only goes up.
	if shown, err := gui.NextHOTP(h.ID); err != nil || shown.Counter != 1 {
		t.Fatalf("GUI NextHOTP = %d, %v; want counter 1", shown.Counter, err)
	}
	select {
	case err := <-changes:
		t.Fatalf("the vault's own save was reported as a change (%v)", err)
	case <-time.After(time.Second):
	}
	if shown, err := cli.NextHOTP(h.ID); err != nil || shown.Counter != 2 {
		t.Fatalf("CLI NextHOTP = %d, %v; want counter 2", shown.Counter, err)
	}
	if err := waitChange(t, changes, "the CLI used code 2"); err != nil {
		t.Fatal(err)
	}
	if a, _ := gui.Account(h.ID); a.Counter != 3 {
		t.Fatalf("GUI's counter = %d, want 3", a.Counter)
	}
}

func TestWatchReportsRekeyOnce(t *testing.T) {
	cli, path := newTestVault(t)
	_, changes := watching(t, path, WatchOptions{Poll: 50 * time.Millisecond})
	time.Sleep(200 * time.Millisecond)
	if err := cli.ChangePassword([]byte("correct horse"), []byte("pw2")); err != nil {
		t.Fatal(err)
	}
	if err := waitChange(t, changes, "a password change"); !errors.Is(err, ErrRekeyed) {
		t.Fatalf("onChange(%v), want ErrRekeyed", err)
	}
	// The fast poll looks many times more; the same error is not repeated.
	select {
	case err := <-changes:
		t.Fatalf("reported again: %v", err)
	case <-time.After(500 * time.Millisecond):
	}
}

// TestWatchTakesInEarlierSave: a save another process made between this
// vault's opening and its watch's start is taken in as the watch starts,
// with no event to follow and the poll an hour away.
func TestWatchTakesInEarlierSave(t *testing.T) {
	cli, path := newTestVault(t)
	gui, err := Open(path, []byte("correct horse"), testOpts(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cli.Add(testAccount(t, "ACME", "carol", "JBSWY3DPEHPK3PXP")); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	changes := make(chan error, 4)
	done := make(chan error, 1)
	go func() { done <- gui.Watch(ctx, WatchOptions{Poll: time.Hour}, func(err error) { changes <- err }) }()
	// Windows cannot remove a folder that is still watched.
	t.Cleanup(func() { cancel(); <-done })
	if err := waitChange(t, changes, "a save before the watch"); err != nil {
		t.Fatalf("onChange(%v)", err)
	}
	if n := len(gui.Accounts()); n != 1 {
		t.Fatalf("GUI has %d accounts, want 1", n)
	}
}

// TestWatchEndsOnLock locks the vault both before the watch is likely in
// place and after: a poll that finds the file unchanged must still see the
// Lock (CI once had the later case by chance, and the watch ran on).
func TestWatchEndsOnLock(t *testing.T) {
	for _, wait := range []time.Duration{0, 300 * time.Millisecond} {
		t.Run(wait.String(), func(t *testing.T) { testWatchEndsOnLock(t, wait) })
	}
}

func testWatchEndsOnLock(t *testing.T, wait time.Duration) {
	v, _ := newTestVault(t)
	done := make(chan error, 1)
	go func() {
		done <- v.Watch(context.Background(), WatchOptions{Poll: 20 * time.Millisecond}, func(error) {})
	}()
	time.Sleep(wait)
	v.Lock()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Watch went on after Lock")
	}
}

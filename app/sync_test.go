package app

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nidan-auth/nidan/syncfolder"
	"github.com/nidan-auth/nidan/vault"
)

// TestSyncStatusAndHistory: an unlocked window whose vault syncs takes in
// another device's account, shows "Synced · 2 devices · …" under the list
// and names the device in its history; a password changed on the other
// device pauses sync and says so.
func TestSyncStatusAndHistory(t *testing.T) {
	u, now := newTestUI(t)
	dir := t.TempDir()
	opts := u.vaultOptions()
	opts.DeviceName = "laptop"
	v, err := vault.Create(u.path, []byte(testPassword), opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := syncfolder.Set(v, dir, *now); err != nil {
		t.Fatal(err)
	}
	u.setupWindow()
	u.unlocked(v)
	s := u.folderSync()
	if !s.bar.Visible() || !strings.HasPrefix(s.bar.Text, "Synced · 1 devices") {
		t.Fatalf("status line %q (visible %v)", s.bar.Text, s.bar.Visible())
	}

	other, _, err := syncfolder.Join(filepath.Join(t.TempDir(), "vault.nidan"), dir, []byte(testPassword),
		vault.Options{KDF: testKDF, DeviceName: "desktop"}, *now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Add(testAccount(t, "GitLab", "me", "JBSWY3DPEHPK3PXQ")); err != nil {
		t.Fatal(err)
	}
	s.syncNow() // what the watch does when the desktop's file changes
	if len(u.list.shown) != 1 || u.list.shown[0].Issuer != "GitLab" {
		t.Fatalf("list after the sync: %+v", u.list.shown)
	}
	if got := s.bar.Text; got != "Synced · 2 devices · just now" {
		t.Fatalf("status line %q", got)
	}
	*now = now.Add(10 * time.Second)
	s.refreshBar()
	if got := s.bar.Text; got != "Synced · 2 devices · 10 s ago" {
		t.Fatalf("status line %q", got)
	}
	if len(s.history) != 1 || !strings.Contains(s.history[0], "From desktop: added GitLab (me)") {
		t.Fatalf("history %q", s.history)
	}

	if err := other.ChangePassword([]byte(testPassword), []byte("another password")); err != nil {
		t.Fatal(err)
	}
	s.asking = true // keep the prompt closed; its flow is syncfolder's AdoptNewPassword
	s.syncNow()
	if got := s.bar.Text; !strings.Contains(got, "password was changed on another device") {
		t.Fatalf("status line after a password change elsewhere: %q", got)
	}
	u.lock()
	if s.stop != nil {
		t.Fatal("the watch outlived the lock")
	}
}

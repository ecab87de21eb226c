package syncfolder

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/vault"
)

var testKDF = vault.KDFParams{Time: 1, Memory: 64, Threads: 1}

const pw = "correct horse"

type device struct {
	t    testing.TB
	name string
	v    *vault.Vault
}

func opts(name string) vault.Options {
	return vault.Options{KDF: testKDF, DeviceName: name}
}

// newDevice makes a device with a fresh vault syncing through dir.
func newDevice(t testing.TB, name, dir string) *device {
	t.Helper()
	v, err := vault.Create(filepath.Join(t.TempDir(), "vault.nidan"), []byte(pw), opts(name))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Set(v, dir, time.Now()); err != nil {
		t.Fatal(err)
	}
	return &device{t: t, name: name, v: v}
}

// joinDevice makes a device that joins the vault in dir.
func joinDevice(t testing.TB, name, dir string) *device {
	t.Helper()
	v, _, err := Join(filepath.Join(t.TempDir(), "vault.nidan"), dir, []byte(pw), opts(name), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return &device{t: t, name: name, v: v}
}

func (d *device) sync() Report {
	d.t.Helper()
	rep, err := Sync(d.v, time.Now())
	if err != nil {
		d.t.Fatalf("%s: sync: %v", d.name, err)
	}
	return rep
}

func (d *device) add(issuer, secret string) accounts.Account {
	d.t.Helper()
	a, err := accounts.ParseURI("otpauth://totp/" + issuer + ":me?secret=" + secret + "&issuer=" + issuer)
	if err != nil {
		d.t.Fatal(err)
	}
	if _, err := d.v.Add(a); err != nil {
		d.t.Fatal(err)
	}
	return a
}

func (d *device) issuers() []string {
	var out []string
	for _, a := range d.v.Accounts() {
		out = append(out, a.Issuer)
	}
	slices.Sort(out)
	return out
}

func TestTwoDevicesConverge(t *testing.T) {
	dir := t.TempDir()
	a := newDevice(t, "laptop", dir)
	gh := a.add("GitHub", "JBSWY3DPEHPK3PXP")
	b := joinDevice(t, "desktop", dir)
	if got := b.issuers(); !slices.Equal(got, []string{"GitHub"}) {
		t.Fatalf("joined device has %v", got)
	}
	// Concurrent changes on both, then each syncs twice.
	a.add("GitLab", "JBSWY3DPEHPK3PXQ")
	b.add("Example", "JBSWY3DPEHPK3PXR")
	if err := b.v.Delete(gh.ID); err != nil {
		t.Fatal(err)
	}
	a.sync()
	b.sync()
	a.sync()
	want := []string{"Example", "GitLab"}
	if got, got2 := a.issuers(), b.issuers(); !slices.Equal(got, want) || !slices.Equal(got2, want) {
		t.Fatalf("after syncing: %v and %v, want %v", got, got2, want)
	}
	// Only ciphertext in the folder: no secret, issuer or name.
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Fatalf("folder holds %d files, want one per device", len(entries))
	}
	for _, e := range entries {
		data, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		for _, s := range []string{"GitLab", "Example", "JBSWY3DP", "laptop", "desktop"} {
			if strings.Contains(string(data), s) {
				t.Fatalf("%s holds %q in plain text", e.Name(), s)
			}
		}
	}
	st, err := Status(a.v)
	if err != nil || len(st) != 2 || !st[0].Self || st[0].Name != "laptop" || st[1].Name != "desktop" || st[1].LastWrote.IsZero() {
		t.Fatalf("status: %+v, %v", st, err)
	}
	// Nothing new: a sync writes nothing, so two watchers never answer
	// each other forever.
	if rep := a.sync(); rep.Wrote || rep.Changed {
		t.Fatalf("idle sync wrote %v changed %v", rep.Wrote, rep.Changed)
	}
}

func TestConflictCopiesMergedAndRemoved(t *testing.T) {
	dir := t.TempDir()
	a := newDevice(t, "laptop", dir)
	a.add("GitHub", "JBSWY3DPEHPK3PXP")
	own := filepath.Join(dir, FileName(a.v.Device()))
	// A clone of this vault on another computer (same device id) wrote the
	// same file; each sync client kept the other side as a copy.
	clonePath := filepath.Join(t.TempDir(), "vault.nidan")
	copyFile(t, a.v.Path(), clonePath)
	clone, err := vault.Open(clonePath, []byte(pw), opts("clone"))
	if err != nil {
		t.Fatal(err)
	}
	names := []string{
		FileName(a.v.Device())[:len("nidan-")+16] + ".sync-conflict-20260102-030405-ABCDEFG.nidan",
		FileName(a.v.Device())[:len("nidan-")+16] + " (Alice's conflicted copy 2026-01-02).nidan",
		FileName(a.v.Device())[:len("nidan-")+16] + " (conflicted copy 2026-01-02 030405).nidan",
		FileName(a.v.Device())[:len("nidan-")+16] + "-DESKTOP.nidan",
	}
	for i, n := range names {
		x, err := accounts.ParseURI("otpauth://totp/Copy" + string(rune('A'+i)) + ":me?secret=JBSWY3DPEHPK3PX" + string(rune('A'+i)))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := clone.Add(x); err != nil {
			t.Fatal(err)
		}
		data, err := clone.SyncFileBytes()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, n), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// And a file of another vault, which must be refused and left alone.
	other := newDevice(t, "stranger", t.TempDir())
	otherData, _ := other.v.SyncFileBytes()
	foreign := filepath.Join(dir, FileName(other.v.Device()))
	if err := os.WriteFile(foreign, otherData, 0o600); err != nil {
		t.Fatal(err)
	}
	rep := a.sync()
	if len(rep.Deleted) != len(names) {
		t.Fatalf("deleted %v, want the %d conflict copies", rep.Deleted, len(names))
	}
	if got := a.issuers(); len(got) != 5 {
		t.Fatalf("after merging the copies: %v", got)
	}
	refused := false
	for _, f := range rep.Files {
		if f.Name == filepath.Base(foreign) {
			refused = f.Outcome == Refused && errors.Is(f.Err, vault.ErrOtherVault)
		}
	}
	if !refused {
		t.Fatalf("another vault's file was not refused: %+v", rep.Files)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Fatalf("folder: %d files left", len(entries))
	}
	if _, err := os.Stat(foreign); err != nil {
		t.Fatal("another vault's file was touched")
	}
	if _, err := os.Stat(own); err != nil {
		t.Fatal(err)
	}
	// Set refuses a folder of another vault.
	if _, err := Set(other.v, dir, time.Now()); !errors.Is(err, vault.ErrOtherVault) {
		t.Fatalf("Set on another vault's folder: %v", err)
	}
}

func TestPasswordChangedOnAnotherDevice(t *testing.T) {
	dir := t.TempDir()
	a := newDevice(t, "laptop", dir)
	a.add("GitHub", "JBSWY3DPEHPK3PXP")
	b := joinDevice(t, "desktop", dir)
	if err := a.v.ChangePassword([]byte(pw), []byte("new horse")); err != nil {
		t.Fatal(err)
	}
	a.add("GitLab", "JBSWY3DPEHPK3PXQ")
	a.sync()
	b.add("Example", "JBSWY3DPEHPK3PXR")
	if _, err := Sync(b.v, time.Now()); !errors.Is(err, vault.ErrRekeyed) {
		t.Fatalf("sync after the password changed elsewhere: %v", err)
	}
	if !RekeyedElsewhere(b.v.Path()) || RekeyedElsewhere(a.v.Path()) {
		t.Fatal("RekeyedElsewhere does not see which device is behind")
	}
	if _, err := AdoptNewPassword(b.v, []byte(pw), time.Now()); !errors.Is(err, accounts.ErrWrongPassword) {
		t.Fatalf("old password accepted as the new one: %v", err)
	}
	if _, err := AdoptNewPassword(b.v, []byte("new horse"), time.Now()); err != nil {
		t.Fatal(err)
	}
	a.sync()
	want := []string{"Example", "GitHub", "GitLab"}
	if got, got2 := a.issuers(), b.issuers(); !slices.Equal(got, want) || !slices.Equal(got2, want) {
		t.Fatalf("after adopting the new key: %v and %v", got, got2)
	}
	if _, err := vault.Open(b.v.Path(), []byte("new horse"), opts("desktop")); err != nil {
		t.Fatalf("the new password does not open the other device's vault: %v", err)
	}
}

func TestRemovedDevice(t *testing.T) {
	dir := t.TempDir()
	a := newDevice(t, "laptop", dir)
	b := joinDevice(t, "old phone", dir)
	a.sync()
	if err := a.v.RemoveDevice(b.v.Device()); err != nil {
		t.Fatal(err)
	}
	rep := a.sync()
	if !slices.Contains(rep.Deleted, FileName(b.v.Device())) {
		t.Fatalf("removed device's file not deleted: %+v", rep)
	}
	b.add("Late", "JBSWY3DPEHPK3PXP")
	if _, err := Sync(b.v, time.Now()); !errors.Is(err, ErrDeviceRemoved) {
		t.Fatalf("removed device synced: %v", err)
	}
	a.sync()
	if len(a.issuers()) != 0 {
		t.Fatal("a removed device's account came in")
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// liveWatch is what the GUI runs while unlocked: a device whose folder
// watch (the poll an hour away) merges every change, and another device
// writing into the same folder. merged says, per merge that changed the
// first device, whether the poll started it.
func liveWatch(t testing.TB) (a, other *device, merged <-chan bool) {
	dir := t.TempDir()
	a = newDevice(t, "laptop", dir)
	other = joinDevice(t, "desktop", dir)
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan bool, 10)
	ready, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		Watch(ctx, dir, WatchOptions{Poll: time.Hour, Started: func() { close(ready) }}, func(polled bool) {
			if rep, err := Sync(a.v, time.Now()); err == nil && rep.Changed {
				ch <- polled
			}
		})
	}()
	// Windows cannot remove a folder that is still watched.
	t.Cleanup(func() { cancel(); <-done })
	<-ready
	return a, other, ch
}

// TestLiveMergeOnChange: another device's change is merged because its
// file changed, not on the poll. How soon is BenchmarkLiveMerge's figure;
// the wait below only ends a test whose change never arrives.
func TestLiveMergeOnChange(t *testing.T) {
	a, b, merged := liveWatch(t)
	start := time.Now()
	b.add("GitLab", "JBSWY3DPEHPK3PXQ")
	select {
	case polled := <-merged:
		t.Logf("merged %v after the change", time.Since(start).Round(time.Millisecond))
		if polled {
			t.Fatal("merged by the poll, want by the change")
		}
		if got := a.issuers(); !slices.Equal(got, []string{"GitLab"}) {
			t.Fatalf("after the live merge: %v", got)
		}
	case <-time.After(time.Minute):
		t.Fatal("the change was not merged")
	}
}

// BenchmarkLiveMerge measures what the GUI's watch takes from another
// device writing its file to this device holding the change: the issue's
// "within 2 s" (ms/merge; the watch's settle time, 300 ms, is most of it).
func BenchmarkLiveMerge(b *testing.B) {
	_, other, merged := liveWatch(b)
	var total time.Duration
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		other.add(fmt.Sprintf("Service%d", i), "JBSWY3DPEHPK3PXQ")
		select {
		case <-merged:
		case <-time.After(time.Minute):
			b.Fatal("a change was not merged")
		}
		total += time.Since(start)
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/merge")
}

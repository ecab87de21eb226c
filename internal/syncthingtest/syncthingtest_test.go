package syncthingtest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestTwoInstancesSync: a file written into one folder shows up in the
// other; while paused it does not; after resuming it does.
func TestTwoInstancesSync(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c, err := Start(ctx, t.TempDir(), 2)
	if errors.Is(err, ErrNoSyncthing) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	a, b := c.Instances[0], c.Instances[1]
	write := func(dir, name, s string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	waitFile := func(dir, name, want string, limit time.Duration) bool {
		err := poll(ctx, limit, func() (bool, error) {
			got, err := os.ReadFile(filepath.Join(dir, name))
			return err == nil && string(got) == want, nil
		})
		return err == nil
	}
	write(a.Folder, "one.txt", "1")
	if !waitFile(b.Folder, "one.txt", "1", 30*time.Second) {
		t.Fatalf("file did not arrive; logs:\n%s\n%s", a.Log(), b.Log())
	}
	if err := c.Pause(ctx); err != nil {
		t.Fatal(err)
	}
	write(a.Folder, "two.txt", "2")
	if waitFile(b.Folder, "two.txt", "2", 4*time.Second) {
		t.Fatal("a file crossed a paused link")
	}
	if err := c.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	if !waitFile(b.Folder, "two.txt", "2", 30*time.Second) {
		t.Fatal("file did not arrive after resuming")
	}
}

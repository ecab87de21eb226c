package syncfolder

import (
	"encoding/base32"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/internal/crashtest"
	"github.com/nidan-auth/nidan/vault"
)

// TestCrashDuringSync kills a process with SIGKILL at random moments while
// it changes its vault and syncs in a loop, merging conflict copies that
// keep appearing. After every kill the vault opens, every file in the sync
// folder opens, and every account is somewhere: none that a conflict copy
// brought is lost because the copy was deleted before its contents were
// safe. NIDAN_CRASH_ROUNDS scales it.

const crashEnvVault, crashEnvDir = "NIDAN_TEST_SYNC_CRASH_VAULT", "NIDAN_TEST_SYNC_CRASH_DIR"

func TestMain(m *testing.M) {
	if os.Getenv(crashEnvVault) != "" {
		crashChild()
		return
	}
	os.Exit(m.Run())
}

func TestCrashDuringSync(t *testing.T) {
	rounds := 25
	if n, err := strconv.Atoi(os.Getenv("NIDAN_CRASH_ROUNDS")); err == nil {
		rounds = n
	}
	dir := t.TempDir()
	a := newDevice(t, "crashing", dir)
	a.add("Start", "JBSWY3DPEHPK3PXP")
	// The clone writes conflict copies: its state, named as a sync client
	// names the losing side of a conflict.
	clone := joinDevice(t, "clone", dir)
	if err := clone.v.SetSyncDir(t.TempDir()); err != nil {
		t.Fatal(err)
	}
	a.v.Lock()
	want := map[string]bool{"Start": true}
	childSaved := 0
	for round := range rounds {
		issuer := fmt.Sprintf("Copy %d", round)
		clone.add(issuer, b32(fmt.Sprintf("copy secret %d", round)))
		want[issuer] = true
		data, err := clone.v.SyncFileBytes()
		if err != nil {
			t.Fatal(err)
		}
		name := FileName(clone.v.Device())[:len("nidan-")+16] + fmt.Sprintf(".sync-conflict-20260102-030405-R%04d.nidan", round)
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}

		env := []string{crashEnvVault + "=" + a.v.Path(), crashEnvDir + "=" + dir, fmt.Sprintf("NIDAN_TEST_ROUND=%d", round)}
		for _, l := range crashtest.KillChild(t, env, 60*time.Millisecond) {
			if s, ok := strings.CutPrefix(l, "saved "); ok {
				want[s] = true
				childSaved++
			}
		}

		// Every file opens, and together they hold every account.
		v, err := vault.Open(a.v.Path(), []byte(pw), opts("crashing"))
		if err != nil {
			t.Fatalf("round %d: the vault does not open after SIGKILL: %v", round, err)
		}
		have := map[string]bool{}
		for _, x := range v.Accounts() {
			have[x.Issuer] = true
		}
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if _, ok := ParseName(e.Name()); !ok {
				continue
			}
			data, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			f, err := v.OpenSyncFile(data)
			if err != nil {
				t.Fatalf("round %d: %s does not open after SIGKILL: %v", round, e.Name(), err)
			}
			for _, x := range f.State.Accounts {
				have[x.Issuer] = true
			}
		}
		for w := range want {
			if !have[w] {
				t.Fatalf("round %d: %q is nowhere after SIGKILL", round, w)
			}
		}
		v.Lock()
	}
	// A last clean sync brings everything into the vault.
	v, err := vault.Open(a.v.Path(), []byte(pw), opts("crashing"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Sync(v, time.Now()); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, x := range v.Accounts() {
		if want[x.Issuer] {
			n++
		}
	}
	if n != len(want) {
		t.Fatalf("after a clean sync the vault has %d of the %d accounts", n, len(want))
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "*.tmp-*")); len(m) > 1 {
		t.Errorf("temporary files pile up: %v", m)
	}
	t.Logf("%d rounds killed mid-sync; %d accounts the child reported saved, %d conflict copies; none lost", rounds, childSaved, rounds)
}

func b32(s string) string {
	return strings.TrimRight(base32.StdEncoding.EncodeToString([]byte(s)), "=")
}

// crashChild opens the vault, then adds an account and syncs, forever,
// reporting each account once Add has returned.
func crashChild() {
	v, err := vault.Open(os.Getenv(crashEnvVault), []byte(pw), opts("crashing"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "crash child:", err)
		os.Exit(1)
	}
	fmt.Println("ready")
	round := os.Getenv("NIDAN_TEST_ROUND")
	for i := 0; ; i++ {
		issuer := fmt.Sprintf("Child %s-%d", round, i)
		a, err := accounts.ParseURI("otpauth://totp/" + strings.ReplaceAll(issuer, " ", "%20") + ":me?secret=" + b32(issuer))
		if err == nil {
			_, err = v.Add(a)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "crash child:", err)
			os.Exit(1)
		}
		fmt.Printf("saved %s\n", a.Issuer)
		if _, err := Sync(v, time.Now()); err != nil {
			fmt.Fprintln(os.Stderr, "crash child:", err)
			os.Exit(1)
		}
	}
}

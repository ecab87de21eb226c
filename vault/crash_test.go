package vault

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nidan-auth/nidan/internal/crashtest"
)

// TestCrashSafeSave proves the save path: a child process saves in a loop
// and is killed with SIGKILL at a random moment; after every kill the vault
// must open with the password and hold either the last generation the child
// reported saved or the one it was writing. NIDAN_CRASH_ROUNDS scales it
// (`make soak` runs thousands).

const crashChildEnv = "NIDAN_TEST_CRASH_CHILD" // the vault path, in the child

const crashPassword = "crash test"

func TestCrashSafeSave(t *testing.T) {
	rounds := 200
	if s := os.Getenv("NIDAN_CRASH_ROUNDS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("NIDAN_CRASH_ROUNDS=%q", s)
		}
		rounds = n
	}
	path := filepath.Join(t.TempDir(), "vault.nidan")
	v, err := Create(path, []byte(crashPassword), Options{KDF: testKDF})
	if err != nil {
		t.Fatal(err)
	}
	a := testAccount(t, "Crash", "gen", "JBSWY3DPEHPK3PXP")
	a.Nickname = "gen-0"
	if _, err := v.Add(a, testAccount(t, "Other", "x", "JBSWY3DPEHPK3PXQ")); err != nil {
		t.Fatal(err)
	}
	saved := 0 // the generation the vault is known to hold
	kills := map[string]int{}
	for round := range rounds {
		for _, l := range crashtest.KillChild(t, []string{crashChildEnv + "=" + path}, 8*time.Millisecond) {
			if n, ok := strings.CutPrefix(l, "saved "); ok {
				saved, _ = strconv.Atoi(n)
			}
		}
		w, err := Open(path, []byte(crashPassword), Options{KDF: testKDF})
		if err != nil {
			t.Fatalf("round %d: vault does not open after SIGKILL: %v", round, err)
		}
		accts := w.Accounts()
		if len(accts) != 2 {
			t.Fatalf("round %d: %d accounts", round, len(accts))
		}
		got, _ := strconv.Atoi(strings.TrimPrefix(accts[0].Nickname, "gen-"))
		switch got {
		case saved:
			kills["old"]++
		case saved + 1:
			kills["new"]++
			saved = got
		default:
			if got > saved && runtime.GOOS == "windows" {
				// Newer than reported is no lost save: under Wine a
				// killed child's last lines on the pipe can go
				// missing. Older would be (below, on every system).
				t.Logf("round %d: vault holds generation %d, the child reported %d: its last reports were lost", round, got, saved)
				kills["unreported"]++
				saved = got
				break
			}
			t.Fatalf("round %d: vault holds generation %d; the child had saved %d", round, got, saved)
		}
		w.Lock()
	}
	t.Logf("%d rounds, %d generations saved; after the kill the vault held the last reported save %d times, the one being written %d times (later than reported: %d)",
		rounds, saved, kills["old"], kills["new"], kills["unreported"])
	if m, _ := filepath.Glob(path + ".tmp-*"); len(m) > 1 {
		t.Errorf("temp files pile up: %v", m)
	}
}

// crashChild is the child's side: open the vault and save forever,
// reporting each generation on stdout once Update has returned.
func crashChild() {
	path := os.Getenv(crashChildEnv)
	v, err := Open(path, []byte(crashPassword), Options{KDF: testKDF})
	if err != nil {
		fmt.Fprintln(os.Stderr, "crash child:", err)
		os.Exit(1)
	}
	a := v.Accounts()[0]
	gen, _ := strconv.Atoi(strings.TrimPrefix(a.Nickname, "gen-"))
	fmt.Println("ready")
	for {
		gen++
		a.Nickname = fmt.Sprintf("gen-%d", gen)
		if err := v.Update(a); err != nil {
			fmt.Fprintln(os.Stderr, "crash child:", err)
			os.Exit(1)
		}
		fmt.Printf("saved %d\n", gen)
	}
}

//go:build syncthing

package syncfolder

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/internal/syncthingtest"
	"github.com/nidan-auth/nidan/vault"
)

// TestSoakThroughSyncthing is `make soak-sync` (NIDAN_SOAK_OPS=1000;
// `make test-sync` runs a shorter one): three devices, each with its own
// vault and its own real Syncthing instance, watching their folders as the
// GUI does while unlocked. Random adds, edits, deletes and HOTP uses land
// on random devices while the link between the instances is cut and
// restored at random. At the end every device must hold the same accounts,
// with none lost (added and never deleted) and none resurrected (deleted).
func TestSoakThroughSyncthing(t *testing.T) {
	ops := 150
	if n, err := strconv.Atoi(os.Getenv("NIDAN_SOAK_OPS")); err == nil {
		ops = n
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	cluster, err := syncthingtest.Start(ctx, t.TempDir(), 3)
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Stop()

	var devs []*vault.Vault
	first := newDevice(t, "device-0", cluster.Instances[0].Folder).v
	devs = append(devs, first)
	for i := 1; i < 3; i++ {
		folder := cluster.Instances[i].Folder
		waitUntil(t, 60*time.Second, func() bool {
			_, err := os.Stat(filepath.Join(folder, FileName(first.Device())))
			return err == nil
		})
		devs = append(devs, joinDevice(t, fmt.Sprintf("device-%d", i), folder).v)
	}
	var wg sync.WaitGroup
	watchCtx, stopWatch := context.WithCancel(ctx)
	var syncErrs sync.Map
	for i, v := range devs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			Watch(watchCtx, v.SyncDir(), WatchOptions{Settle: 200 * time.Millisecond, Poll: 5 * time.Second}, func(bool) {
				if _, err := Sync(v, time.Now()); err != nil {
					syncErrs.Store(i, err)
				}
			})
		}()
	}

	seed := uint64(time.Now().UnixNano())
	if n, err := strconv.ParseUint(os.Getenv("NIDAN_SOAK_SEED"), 10, 64); err == nil {
		seed = n
	}
	r := rand.New(rand.NewPCG(seed, 7))
	t.Logf("NIDAN_SOAK_SEED=%d", seed)
	added, deleted := map[string]bool{}, map[string]bool{}
	paused, pauses := false, 0
	counts := map[string]int{}
	for op := range ops {
		if r.IntN(60) == 0 {
			if paused {
				err = cluster.Resume(ctx)
			} else {
				err = cluster.Pause(ctx)
				pauses++
			}
			if err != nil {
				t.Fatal(err)
			}
			paused = !paused
		}
		if r.IntN(25) == 0 {
			time.Sleep(time.Duration(r.IntN(1500)) * time.Millisecond)
		}
		v := devs[r.IntN(len(devs))]
		live := v.Accounts()
		switch k := r.IntN(100); {
		case k < 40 || len(live) == 0:
			typ := accounts.TOTP
			if r.IntN(3) == 0 {
				typ = accounts.HOTP
			}
			a := accounts.New(typ, fmt.Sprintf("Soak %d", op), "me", []byte(fmt.Sprintf("secret-%d-%d", op, r.Uint64())))
			if _, err := v.Add(a); err != nil {
				t.Fatal(err)
			}
			added[a.ID] = true
			counts["add"]++
		case k < 60:
			a := live[r.IntN(len(live))]
			a.Nickname = fmt.Sprintf("edited %d", op)
			if err := v.Update(a); err != nil && !isGone(err) {
				t.Fatal(err)
			}
			counts["edit"]++
		case k < 75:
			a := live[r.IntN(len(live))]
			if err := v.Delete(a.ID); err != nil && !isGone(err) {
				t.Fatal(err)
			}
			deleted[a.ID] = true
			counts["delete"]++
		default:
			for _, a := range live {
				if a.Type == accounts.HOTP {
					if _, err := v.NextHOTP(a.ID); err != nil && !isGone(err) {
						t.Fatal(err)
					}
					counts["hotp"]++
					break
				}
			}
		}
	}
	if paused {
		if err := cluster.Resume(ctx); err != nil {
			t.Fatal(err)
		}
	}
	done := time.Now()
	var lists [3][]string
	converged := false
	for time.Since(done) < 2*time.Minute {
		for i, v := range devs {
			lists[i] = summary(v)
		}
		if slices.Equal(lists[0], lists[1]) && slices.Equal(lists[0], lists[2]) {
			converged = true
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	stopWatch()
	wg.Wait()
	syncErrs.Range(func(k, v any) bool { t.Errorf("device %v: sync: %v", k, v); return true })
	have := map[string]bool{}
	for _, v := range devs {
		for _, a := range v.Accounts() {
			have[a.ID] = true
		}
	}
	lost, resurrected := 0, 0
	for id := range added {
		if !deleted[id] && !have[id] {
			lost++
		}
	}
	for id := range deleted {
		if have[id] {
			resurrected++
		}
	}
	t.Logf("%d operations %v, %d link pauses; converged %v (%.1f s after the last); %d accounts; lost %d, resurrected %d",
		ops, counts, pauses, converged, time.Since(done).Seconds(), len(lists[0]), lost, resurrected)
	if !converged || lost > 0 || resurrected > 0 {
		t.Fatalf("converged %v, lost %d, resurrected %d", converged, lost, resurrected)
	}
}

// isGone is an edit of an account that a sync deleted meanwhile.
func isGone(err error) bool { return err != nil && errors.Is(err, vault.ErrNoAccount) }

func summary(v *vault.Vault) []string {
	var out []string
	for _, a := range v.Accounts() {
		out = append(out, fmt.Sprintf("%s|%s|%d", a.ID, a.Nickname, a.Counter))
	}
	slices.Sort(out)
	return out
}

func waitUntil(t *testing.T, limit time.Duration, f func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !f() {
		if time.Now().After(deadline) {
			t.Fatal("gave up waiting")
		}
		time.Sleep(200 * time.Millisecond)
	}
}

package app

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"fyne.io/fyne/v2"
)

// benchEnv turns on the timing line that scripts/bench-ui.sh reads.
const benchEnv = "NIDAN_BENCH"

// init records every allocation when a heap profile is asked for: the
// default sampling (one per 512 kB) is too coarse to tell apart the few
// megabytes this profile is for.
func init() {
	if os.Getenv(benchEnv+"_HEAPPROFILE") != "" {
		runtime.MemProfileRate = 1
	}
}

// benchFirstFrame prints how long the first frame of the list took after
// the vault opened. An animation's ticks run once per frame in the driver's
// draw loop, before that frame is painted; the second tick comes after the
// first frame with the list was painted, so the figure errs on the slow
// side by at most one frame.
func benchFirstFrame(opened, submitted time.Time) {
	if os.Getenv(benchEnv) == "" {
		return
	}
	ticks := 0
	var a *fyne.Animation
	a = fyne.NewAnimation(time.Second, func(float32) {
		ticks++
		if ticks == 2 {
			now := time.Now()
			fmt.Fprintf(os.Stderr, "bench: first_frame_ms=%.1f unlock_total_ms=%.1f\n",
				float64(now.Sub(opened).Microseconds())/1000, float64(now.Sub(submitted).Microseconds())/1000)
			a.Stop()
		}
	})
	a.Start()
	if p := os.Getenv(benchEnv + "_CPUPROFILE"); p != "" {
		f, err := os.Create(p)
		if err == nil && pprof.StartCPUProfile(f) == nil {
			time.AfterFunc(15*time.Second, func() { pprof.StopCPUProfile(); f.Close() })
		}
	}
	// The live heap 15 s after the first frame: what the idle RSS carries
	// (go tool pprof -sample_index=inuse_space). A profile shows the heap
	// as of the collection before last, hence two; they also hand garbage
	// back, so the RSS of a profiled run reads low.
	if p := os.Getenv(benchEnv + "_HEAPPROFILE"); p != "" {
		time.AfterFunc(15*time.Second, func() {
			runtime.GC()
			runtime.GC()
			if f, err := os.Create(p); err == nil {
				_ = pprof.WriteHeapProfile(f)
				f.Close()
			}
		})
	}
}

// traceEnv makes the app print "nidan-trace: EVENT" lines on standard error
// at the moments the real-window tests (app/realwin) wait for: the window
// is up, the vault unlocked or locked, a dialog or screen shown.
const traceEnv = "NIDAN_TRACE"

func trace(event string) {
	if os.Getenv(traceEnv) != "" {
		fmt.Fprintf(os.Stderr, "nidan-trace: %s\n", event)
	}
}

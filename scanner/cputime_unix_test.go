//go:build linux || darwin

package scanner

import (
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// processCPU is the user + system time this process has used so far.
func processCPU() time.Duration {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds a cpu-ms/op metric, the process CPU time per iteration:
// on a machine shared with other work, wall time per op grows with the
// load, CPU time much less.
func reportCPU(b *testing.B, start time.Duration) {
	if b.N > 0 {
		b.ReportMetric(float64(processCPU()-start)/float64(b.N)/1e6, "cpu-ms/op")
	}
}

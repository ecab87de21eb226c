//go:build !linux && !darwin

package scanner

import (
	"testing"
	"time"
)

func processCPU() time.Duration { return 0 }

// reportCPU is a no-op where the process CPU time is not read.
func reportCPU(*testing.B, time.Duration) {}

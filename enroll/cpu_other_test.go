//go:build !unix

package enroll

import "time"

func processCPU() (time.Duration, bool) { return 0, false }

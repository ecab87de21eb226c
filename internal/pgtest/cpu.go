package pgtest

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// clockTick is USER_HZ, the unit of /proc/PID/stat's times: 100 on every
// Linux architecture Go supports.
const clockTick = 10 * time.Millisecond

// CPUTime returns the processor time (user and system) the server's
// processes have used so far: the postmaster and every process it started
// (backends, WAL writer, checkpointer), the live ones and the ones that
// exited. Benchmarks take it before and after to tell the server's share of
// the work from the client's. Linux only (/proc).
func (s *Server) CPUTime() (time.Duration, error) {
	pm, err := postmasterPID(filepath.Join(s.Dir, "data"))
	if err != nil {
		return 0, err
	}
	own, err := procTimes(pm)
	if err != nil {
		return 0, err
	}
	total := own.self + own.children // children: exited backends it waited for
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0, err
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == pm {
			continue
		}
		t, err := procTimes(pid)
		if err != nil || t.ppid != pm {
			continue // gone meanwhile, or not the server's
		}
		total += t.self
	}
	return total * clockTick, nil
}

type times struct {
	ppid           int
	self, children time.Duration // in clock ticks
}

// procTimes reads ppid, utime+stime and cutime+cstime from /proc/PID/stat.
func procTimes(pid int) (times, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return times{}, err
	}
	// The command name (field 2) is in parentheses and may hold spaces.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return times{}, errors.New("pgtest: malformed /proc stat")
	}
	f := bytes.Fields(b[i+1:]) // f[0] is field 3 (state)
	if len(f) < 15 {
		return times{}, errors.New("pgtest: short /proc stat")
	}
	n := func(k int) int64 { v, _ := strconv.ParseInt(string(f[k-3]), 10, 64); return v }
	return times{ppid: int(n(4)), self: time.Duration(n(14) + n(15)), children: time.Duration(n(16) + n(17))}, nil
}

//go:build unix

package syncthingtest

import (
	"os/exec"
	"syscall"
)

const unixLike = true

// ownGroup starts cmd in a process group of its own, so that killGroup
// also ends the children Syncthing starts.
func ownGroup(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} }

func killGroup(cmd *exec.Cmd) { syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }

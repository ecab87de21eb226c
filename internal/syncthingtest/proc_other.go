//go:build !unix

package syncthingtest

import "os/exec"

// No instance is started here (Start refuses first).
const unixLike = false

func ownGroup(*exec.Cmd) {}

func killGroup(cmd *exec.Cmd) { cmd.Process.Kill() }

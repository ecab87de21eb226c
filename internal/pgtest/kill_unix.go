//go:build unix

package pgtest

import "syscall"

const unixLike = true

func kill(pid int, sig syscall.Signal) error { return syscall.Kill(pid, sig) }

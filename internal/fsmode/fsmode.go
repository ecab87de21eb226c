// Package fsmode tells tests which permission bits os.Stat reports for a
// file Nidan created with a given mode, so that one assertion holds on
// every system: Unix keeps the mode as given; Windows has no mode bits
// (a file's privacy comes from the ACL of the user's profile folder, which
// admits only that user) and Go reports 0666, or 0444 for a read-only
// file, plus 0111 for a folder.
package fsmode

import (
	"io/fs"
	"runtime"
)

// Reported is the permission bits os.Stat reports for a file (or, with
// dir, a folder) created with perm.
func Reported(perm fs.FileMode, dir bool) fs.FileMode {
	if runtime.GOOS != "windows" {
		return perm
	}
	m := fs.FileMode(0o444)
	if perm&0o200 != 0 {
		m = 0o666
	}
	if dir {
		m |= 0o111
	}
	return m
}

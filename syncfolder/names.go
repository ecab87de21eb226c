package syncfolder

import (
	"regexp"
	"strings"

	"github.com/nidan-auth/nidan/vault"
)

// FileName is the name of a device's own file in the sync folder.
func FileName(device string) string { return vault.SyncFileName(device) }

// candidate matches every name a sync client may give a device's file: the
// file itself or a conflict copy with anything between the device id and
// the extension. The content decides whether it is really ours.
var candidate = regexp.MustCompile(`^nidan-([0-9a-f]{16})(.*)\.nidan$`)

// oneDrive matches the "-COMPUTERNAME" (and "-COMPUTERNAME-2") that
// OneDrive appends to the losing side of a conflict.
var oneDrive = regexp.MustCompile(`^-[^ ()]+(-\d+)?$`)

// Name is what a file name in the sync folder says about the file.
type Name struct {
	Device   string // the device whose file it is (or was copied from)
	Conflict bool   // a conflict copy, not the device's file itself
	Client   string // for a conflict copy, which sync client's pattern it follows
}

// ParseName reports whether name is a device file or a conflict copy of
// one. Hidden files (temporary files of Nidan and of sync clients) never
// are.
func ParseName(name string) (Name, bool) {
	m := candidate.FindStringSubmatch(name)
	if m == nil {
		return Name{}, false
	}
	n := Name{Device: m[1], Conflict: m[2] != ""}
	if n.Conflict {
		n.Client = clientOf(m[2])
	}
	return n, true
}

// clientOf names the sync client whose conflict-copy pattern rest follows,
// so the history can say where a copy came from.
func clientOf(rest string) string {
	switch {
	case strings.HasPrefix(rest, ".sync-conflict-"):
		return "Syncthing"
	case strings.Contains(rest, "'s conflicted copy"):
		return "Dropbox"
	case strings.Contains(rest, "(conflicted copy") || strings.Contains(rest, "_conflict-"):
		return "Nextcloud"
	case oneDrive.MatchString(rest):
		return "OneDrive"
	}
	return "sync client"
}

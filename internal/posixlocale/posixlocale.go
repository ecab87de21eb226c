// Package posixlocale keeps Fyne from logging "Error parsing user locale C"
// on every start (and so on every CLI command) where the locale is the
// POSIX default, as in containers, CI and cron.
//
// Fyne's lang package reads the locale in its own init. Go initializes
// packages in import-path order once their imports are ready, so this
// package, which needs only "os", runs before golang.org/x/text and hence
// before fyne.io/fyne/v2/lang. It sets only LC_MESSAGES, and only when the
// message locale is C or POSIX, to the language those locales print anyway.
package posixlocale

import (
	"os"
	"strings"
)

func init() {
	loc := ""
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if loc = os.Getenv(v); loc != "" {
			break
		}
	}
	base, _, _ := strings.Cut(loc, ".")
	if base == "" || base == "C" || base == "POSIX" {
		if os.Getenv("LC_ALL") != "" {
			return // LC_ALL overrides LC_MESSAGES; leave a deliberate setting alone
		}
		os.Setenv("LC_MESSAGES", "en_US.UTF-8")
	}
}

#!/bin/sh
# check-mobile.sh — make sure the non-GUI packages (all that the mobile app links besides app/) still compile
# for Android and iOS, so desktop-only code (keyring daemons, screen capture,
# xclip, tray) stays behind build tags or runtime checks. Type-checks only:
# a real mobile build needs the Android NDK or Xcode (docs/install.md).
#   - android/arm64: go vet, as Go sees Android.
#   - ios/arm64: Go refuses to build for iOS without cgo, and cgo needs
#     Xcode's clang, so vet as darwin/arm64 with the ios tag (the files
#     GOOS=ios selects, except any named *_ios.go).
#   - Both: list the non-standard packages with cgo files as each OS sees
#     them with cgo on (as in a real build); there must be none, because
#     their C would need that platform's SDK and most desktop C libraries
#     (X11, CoreGraphics display capture) do not exist there.
# app/ is not checked: Fyne's mobile driver is cgo against the NDK/Xcode.
set -eu
cd "$(dirname "$0")/.."

# Every package of the module that does not link Fyne, so new packages
# (vault/, formats/, replica/, ...) are checked as soon as they exist; not
# the desktop build tools (internal/tools, scripts/).
pkgs=$(go list -f '{{.ImportPath}} {{join .Deps " "}}' ./... |
	awk '$0 !~ / fyne\.io\/fyne\// { print $1 }' |
	grep -v -e '/internal/tools/' -e '/scripts/' | tr '\n' ' ')
[ -n "$pkgs" ] || { echo "check-mobile: no packages found" >&2; exit 2; }
pkgs=" $pkgs"

echo "== android/arm64: go vet$pkgs"
GOOS=android GOARCH=arm64 CGO_ENABLED=0 go vet $pkgs
echo "== ios/arm64 (as darwin/arm64 -tags ios): go vet$pkgs"
GOOS=darwin GOARCH=arm64 CGO_ENABLED=0 go vet -tags ios $pkgs

fail=0
for os in android ios; do
	cgo=$(GOOS=$os GOARCH=arm64 CGO_ENABLED=1 go list -deps \
		-f '{{if and .CgoFiles (not .Standard)}}{{.ImportPath}}{{end}}' $pkgs | sort -u)
	if [ -n "$cgo" ]; then
		echo "$os: these packages have C that needs the $os SDK; put them behind build tags:"
		echo "$cgo" | sed 's/^/  /'
		fail=1
	fi
done
[ "$fail" = 0 ] && echo "== mobile: ok"
exit "$fail"

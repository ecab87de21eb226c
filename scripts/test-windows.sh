#!/bin/sh
# test-windows.sh — run Nidan for Windows under Wine, as CI's Windows suite
# (`make test-windows`, called by .ci/run). Everything runs in a private Wine
# prefix on a private Xvfb display, both in a temp dir removed at the end:
#
#   1. the Go tests of every package that does not import Fyne, cross-built
#      for windows/amd64 (`go test -c`) and run by Wine; tests that skip say
#      why, and the summary lists every one by name
#   2. dist/nidan.exe used the way a Windows user would (scripts/wine-user.sh)
#   3. nidan.exe from cmd.exe in a console: output, redirection, pipes,
#      %ERRORLEVEL% (scripts/wine-console.sh)
#   4. the desktop app opened, unlocked, copying a code, raised by a second
#      launch and quit (scripts/wine-gui.sh)
#   5. the NSIS installer installed, started and uninstalled silently
#      (PARTS=installer, make test-windows-installer)
#
# Logs and the GUI screenshot go to $LOGDIR (build/test-windows).
#
# Wine 8 (Debian 12) lacks two things Windows 10 has and Go 1.26 uses; the
# harness supplies them, and neither ever reaches a package:
#   - bcryptprimitives.dll with ProcessPrng, without which a Go program
#     refuses to start: internal/tools/winshim, built here with mingw-w64
#     and copied into the prefix's system32.
#   - FileDispositionInformationEx (POSIX delete), which os.RemoveAll uses
#     and Wine answers with STATUS_NOT_IMPLEMENTED where Go expects
#     STATUS_INVALID_INFO_CLASS before falling back to a plain delete, so
#     every t.TempDir cleanup would fail. The test binaries are built with
#     a -overlay of Go's internal/syscall/windows that also falls back on
#     that status (what Go does on Windows versions that lack the class).
set -eu
cd "$(dirname "$0")/.."
root=$PWD

scripts/deps.sh build windows

WINE=${WINE:-/usr/lib/wine/wine64}
WINESERVER=${WINESERVER:-/usr/lib/wine/wineserver}
CC_WINDOWS=${CC_WINDOWS:-x86_64-w64-mingw32-gcc}
LOGDIR=${LOGDIR:-$root/build/test-windows}
export WINE WINESERVER LOGDIR
mkdir -p "$LOGDIR"
rm -f "$LOGDIR"/*.log "$LOGDIR"/*.png

work=$(mktemp -d "${TMPDIR:-/tmp}/nidan-wine.XXXXXX")
export WINEPREFIX="$work/prefix" WINEARCH=win64 WINEDEBUG=-all
# No Mono or Gecko installer prompts: nothing here needs .NET or MSHTML.
export WINEDLLOVERRIDES="mscoree,mshtml="
# Go's caches stay warm while HOME is a scratch one.
GOCACHE=$(go env GOCACHE) GOMODCACHE=$(go env GOMODCACHE) GOPATH=$(go env GOPATH)
export GOCACHE GOMODCACHE GOPATH
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_CACHE_HOME="$work/home/.cache"
mkdir -p "$HOME"

xvfb_pid= wm_pid=
cleanup() {
	"$WINESERVER" -k 2>/dev/null || true
	[ -n "$wm_pid" ] && kill "$wm_pid" 2>/dev/null
	[ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# PARTS picks what runs (default go user console gui): go (the Go tests),
# user (nidan.exe's commands), console (from cmd.exe in a console), gui
# (the desktop app), installer (the NSIS installer; make
# test-windows-installer). PKGS narrows the go part to
# some packages while iterating (PKGS=./scanner/ PARTS=go).
PARTS=${PARTS:-go user console gui}
want() { case " $PARTS " in *" $1 "*) return 0 ;; esac; return 1; }

step() { echo "== $*"; }
fail() { echo "test-windows: FAIL: $*" >&2; exit 1; }

# --- a private X display with a window manager -------------------------------
step "private Xvfb display + openbox"
exec 8>"$work/displayfd"
Xvfb -displayfd 8 -screen 0 1280x800x24 -nolisten tcp -noreset >"$LOGDIR/xvfb.log" 2>&1 &
xvfb_pid=$!
exec 8>&-
for _ in $(seq 100); do [ -s "$work/displayfd" ] && break; sleep 0.1; done
[ -s "$work/displayfd" ] || fail "Xvfb did not start (see $LOGDIR/xvfb.log)"
DISPLAY=:$(head -n 1 "$work/displayfd")
export DISPLAY
openbox >"$LOGDIR/openbox.log" 2>&1 &
wm_pid=$!

# --- the Wine prefix ---------------------------------------------------------
step "Wine prefix ($("$WINE" --version)) with the ProcessPrng shim"
t0=$(date +%s)
"$WINE" wineboot -i </dev/null >"$LOGDIR/wineboot.log" 2>&1 || fail "wineboot (see $LOGDIR/wineboot.log)"
"$WINESERVER" -w
sys32="$WINEPREFIX/drive_c/windows/system32"
[ -d "$sys32" ] || fail "wineboot made no $sys32"
"$CC_WINDOWS" -shared -O2 -s -Wall -Werror -o "$sys32/bcryptprimitives.dll" \
	internal/tools/winshim/bcryptprimitives.c -ladvapi32
echo "prefix ready in $(($(date +%s) - t0)) s"

# wine_run DIR EXE ARGS... — run a Windows program in DIR; stdout and
# stderr are the caller's. Wine maps / to Z:, so Unix paths work.
wine_run() {
	(cd "$1" && shift && "$WINE" "$@")
}

# --- the Go tests ------------------------------------------------------------
if want go; then
step "Go tests for windows/amd64 under Wine"
# The overlay sits at a fixed path, so Go's build cache keeps the patched
# standard library between runs.
overlay="$root/.cache/test-windows/overlay"
mkdir -p "$overlay"
atw=$(go env GOROOT)/src/internal/syscall/windows/at_windows.go
grep -q 'STATUS_NOT_SUPPORTED: *// the file system' "$atw" ||
	fail "$atw changed: update the RemoveAll overlay in scripts/test-windows.sh"
sed 's|^\(\t*\)STATUS_NOT_SUPPORTED: *// the file system|\1NTStatus(0xC0000002), // STATUS_NOT_IMPLEMENTED: Wine 8 lacks the class (test harness overlay)\n&|' \
	"$atw" >"$overlay/at_windows.go"
printf '{"Replace":{"%s":"%s"}}\n' "$atw" "$overlay/at_windows.go" >"$overlay/overlay.json"

# Every package with tests that does not import Fyne (app/ and main need a
# GL driver and are covered by the GUI run below).
pkgs=$(GOOS=windows CGO_ENABLED=0 go list -e \
	-f '{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}}|{{.Dir}}|{{range .Deps}}{{if eq . "fyne.io/fyne/v2"}}fyne{{end}}{{end}}{{end}}' ${PKGS:-./...} |
	grep -v '|fyne$' | grep .)
mkdir -p "$work/bin"
failed="" skipped="$LOGDIR/skipped.txt"
: >"$skipped"
for line in $pkgs; do
	pkg=${line%%|*} rest=${line#*|}
	dir=${rest%%|*}
	name=$(echo "${pkg#github.com/nidan-auth/nidan/}" | tr / _)
	exe="$work/bin/$name.test.exe"
	t0=$(date +%s)
	log="$LOGDIR/go-$name.log"
	if ! GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go test -c -overlay "$overlay/overlay.json" -o "$exe" "$pkg" >"$log" 2>&1; then
		echo "  FAIL $pkg: the test binary does not build for windows/amd64"
		sed 's/^/    /' "$log" | head -20
		failed="$failed $pkg"
		continue
	fi
	[ -f "$exe" ] || { echo "  $pkg: no test binary"; continue; }
	if wine_run "$dir" "$exe" -test.v -test.count=1 -test.timeout 10m >"$log" 2>&1; then
		status=ok
	else
		status=FAIL failed="$failed $pkg"
	fi
	passes=$(grep -c '^ *--- PASS' "$log" || true)
	skips=$(grep -c '^ *--- SKIP' "$log" || true)
	echo "  $status $pkg ($passes passed, $skips skipped, $(($(date +%s) - t0)) s)"
	# A skip's reason is the test's last log line before "--- SKIP: Name".
	awk -v pkg="${pkg#github.com/nidan-auth/nidan/}" '
		/^ *=== (RUN|CONT|PAUSE|NAME)/ { reason = "(no reason given)"; next }
		/^ *--- SKIP: / { print pkg "." $3 ": " reason; next }
		/^ +[^ ].*\.go:[0-9]+: / { reason = $0; sub(/^ +/, "", reason) }
	' "$log" >>"$skipped"
	[ "$status" = ok ] || grep -E '^ *--- FAIL|^ +[a-z_]+\.go:[0-9]+:|^panic|FAIL' "$log" | head -40
done
if [ -s "$skipped" ]; then
	echo "  skipped under Wine, by name and reason:"
	sed 's/^/    /' "$skipped"
fi
[ -z "$failed" ] || fail "Go tests under Wine:$failed (logs in $LOGDIR)"
fi

# --- nidan.exe as a user ------------------------------------------------------
if want user; then
	scripts/wine-user.sh "$work" || fail "nidan.exe under Wine (logs in $LOGDIR)"
fi

if want console; then
	scripts/wine-console.sh "$work" || fail "nidan.exe from cmd.exe under Wine (logs in $LOGDIR)"
fi

if want gui; then
	scripts/wine-gui.sh "$work" || fail "the desktop app under Wine (logs and screenshots in $LOGDIR)"
fi

if want installer; then
	scripts/wine-installer.sh "$work" || fail "the installer under Wine (logs in $LOGDIR)"
fi

echo "== test-windows: all passed (logs in $LOGDIR)"

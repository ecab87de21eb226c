#!/bin/sh
# wine-console.sh WORK — dist/nidan.exe run from cmd.exe in a console, the
# way a Windows user types commands, in the Wine prefix and on the X
# display scripts/test-windows.sh set up (WINEPREFIX, DISPLAY, WINE, LOGDIR
# come from it).
#
# nidan.exe is a GUI-subsystem program (no console window when the app
# opens), so cmd.exe starts it with no standard handles and its commands
# must attach to cmd's console to be seen (main_windows.go). Output to a
# pipe or a file would not show whether that works, so each command runs
# in a console of its own made by internal/tools/wincon, which reads the
# console's screen back: the screen must show the output, and the exit
# status must reach cmd's %ERRORLEVEL%. Redirection (> and 2>) and pipes
# inside cmd must get the output instead of the screen. Wine's cmd.exe,
# unlike Windows', hands its console handles to a GUI program, so nidan.exe
# is also started with no handles at all (wincon -bare), as on Windows.
#
# PowerShell is not part of Wine 8, so it is not tested here; it starts
# programs the way cmd does (the same console, no handles for a GUI
# program) and nidan.exe does nothing different for it.
set -eu
cd "$(dirname "$0")/.."
work=${1:?usage: wine-console.sh WORK (run by scripts/test-windows.sh)}
exe=$PWD/dist/nidan.exe
[ -f "$exe" ] || { echo "wine-console: $exe missing (make package-windows)" >&2; exit 1; }
export LANG=C.UTF-8 LC_ALL=C.UTF-8
u="$work/console"
mkdir -p "$u"
GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go build -o "$u/wincon.exe" ./internal/tools/wincon
cp "$exe" "$u/nidan.exe"
cd "$u"

bad() {
	printf 'wine-console: FAIL: %s\n' "$*" >&2
	[ -s screen ] && sed 's/^/  screen: /' screen >&2
	exit 1
}
ok() { printf '  ok: %s\n' "$*"; }
# on_console TITLE ARGS... — run wincon.exe ARGS; the screen goes to
# ./screen (and to the log under TITLE), the exit status to $st.
on_console() {
	title=$1
	shift
	st=0
	"$WINE" wincon.exe "$@" >screen 2>wincon.err || st=$?
	[ "$st" != 125 ] || { cat wincon.err >&2; bad "wincon could not run: $title"; }
	{ echo "$title"; cat screen; echo "(exit status $st)"; } >>"$LOGDIR/nidan-console.log"
}
# console LINE — LINE run by cmd /c in a new console.
console() { on_console "C:\\> $1" cmd /c "$1"; }
# bare ARGS... — nidan.exe ARGS started with no standard handles at all.
bare() { on_console "(no standard handles) nidan.exe $*" -bare nidan.exe "$@"; }
shows() { grep -qF -- "$1" screen || bad "the console does not show '$1' after: $2"; }
lacks() { ! grep -qF -- "$1" screen || bad "the console shows '$1' after: $2"; }

echo "== nidan.exe from cmd.exe in a console"
: >"$LOGDIR/nidan-console.log"
echo "PowerShell: not tested (Wine 8 has no powershell.exe); it starts nidan.exe as cmd.exe does" |
	tee -a "$LOGDIR/nidan-console.log" | sed 's/^/  /'
export NIDAN_VAULT='C:\users\Public\nidan-console\vault.nidan' NIDAN_PASSWORD="console password"
"$WINE" nidan.exe init >/dev/null 2>&1 || bad "nidan init"
"$WINE" nidan.exe add --issuer GitHub --name alice --secret JBSWY3DPEHPK3PXP >/dev/null 2>&1 || bad "nidan add"

line='nidan.exe version & echo status %ERRORLEVEL%'
console "$line"
[ "$st" = 0 ] || bad "$line: exit $st"
shows "nidan " "$line"
shows "status 0" "$line"
ok "version: '$(grep '^nidan ' screen)' on the console, %ERRORLEVEL% 0"

line='nidan.exe list & echo status %ERRORLEVEL%'
console "$line"
shows "GitHub" "$line"
shows "status 0" "$line"
ok "list: the account on the console, %ERRORLEVEL% 0"

# Errors on the console too, with Linux's exit statuses.
line='nidan.exe nosuch & echo status %ERRORLEVEL%'
console "$line"
shows 'nidan: unknown command "nosuch"' "$line"
shows "status 2" "$line"
ok "a usage mistake: the message on the console, %ERRORLEVEL% 2"
line='set NIDAN_PASSWORD=wrong& nidan.exe list & echo status %ERRORLEVEL%'
console "$line"
shows "wrong password" "$line"
shows "status 1" "$line"
ok "a wrong password: the message on the console, %ERRORLEVEL% 1"
# The status is cmd's own exit status as well.
console 'nidan.exe nosuch'
[ "$st" = 2 ] || bad "cmd /c nidan.exe nosuch exited $st, want 2"
ok "cmd /c nidan.exe nosuch exits 2"

# What Windows gives a GUI program started from a console: no standard
# handles at all (wincon -bare). Wine's cmd.exe passes its own on, so only
# this shows that nidan.exe attaches to the console by itself.
bare version
[ "$st" = 0 ] || bad "nidan.exe version with no handles: exit $st"
shows "nidan " "nidan.exe version with no handles"
bare list
[ "$st" = 0 ] || bad "nidan.exe list with no handles: exit $st"
shows "GitHub" "nidan.exe list with no handles"
bare nosuch
[ "$st" = 2 ] || bad "nidan.exe nosuch with no handles: exit $st, want 2"
shows 'nidan: unknown command "nosuch"' "nidan.exe nosuch with no handles"
ok "started with no standard handles (as Windows starts a GUI program): output and errors on the console, exit 0 and 2"

# Redirection inside cmd: the output goes to the file, not the screen.
line='nidan.exe list > out.txt & echo status %ERRORLEVEL%'
console "$line"
grep -q GitHub out.txt || bad "$line: out.txt lacks the account"
lacks "GitHub" "$line"
shows "status 0" "$line"
line='nidan.exe nosuch 2> err.txt & echo status %ERRORLEVEL%'
console "$line"
grep -q 'unknown command' err.txt || bad "$line: err.txt lacks the message"
lacks "unknown command" "$line"
shows "status 2" "$line"
ok "> out.txt and 2> err.txt get the output, the screen none of it"

# A pipe into another program (find), whose output goes to a file: the
# account reaches the file through the pipe, and nothing the screen.
# (Wine's find.exe takes the quotes Windows needs as part of the string.)
line='nidan.exe list | find GitHub > piped.txt & echo status %ERRORLEVEL%'
console "$line"
grep -q GitHub piped.txt || bad "$line: piped.txt lacks the account"
lacks "GitHub" "$line"
ok "nidan.exe list | find: the account through the pipe"
echo "== nidan.exe from cmd.exe: all passed"

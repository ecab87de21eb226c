#!/bin/sh
# wine-gui.sh WORK — the desktop app of dist/nidan.exe used the way a
# Windows user would, in the Wine prefix and on the X display (openbox)
# scripts/test-windows.sh set up (WINEPREFIX, DISPLAY, WINE, LOGDIR come
# from it): a vault made by the CLI with one TOTP account; the app opened,
# unlocked by typing the password, a click on the row copying the code
# (read through Wine's clipboard bridge with xclip and checked against
# oathtool); a second launch raising the first and exiting; Ctrl+Q ending
# the process. Screenshots go to $LOGDIR/gui-*.png.
#
# The app prints "nidan-trace: EVENT" lines (NIDAN_TRACE=1, app/bench.go)
# at the moments waited for here: window ready, password field focused,
# unlocked, raised, quit.
set -eu
cd "$(dirname "$0")/.."
work=${1:?usage: wine-gui.sh WORK (run by scripts/test-windows.sh)}
exe=$PWD/dist/nidan.exe
[ -f "$exe" ] || { echo "wine-gui: $exe missing (make package-windows)" >&2; exit 1; }
export LANG=C.UTF-8 LC_ALL=C.UTF-8
u="$work/gui"
mkdir -p "$u"
cd "$u"

password="unlock me by typing"
secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ
# A vault of its own, so what other parts added does not matter here; the
# app and the CLI both honour NIDAN_VAULT.
export NIDAN_VAULT='C:\users\Public\nidan-gui\vault.nidan'
gui_pid= second_pid=
stop_gui() {
	for p in $second_pid $gui_pid; do kill "$p" 2>/dev/null || true; done
}
trap stop_gui EXIT

bad() {
	printf 'wine-gui: FAIL: %s\n' "$*" >&2
	for f in gui.out second.out clip.txt xdo.err; do
		[ -s "$f" ] && sed "s/^/  $f: /" "$f" | tail -n 30 >&2
	done
	shot fail || true
	exit 1
}
ok() { printf '  ok: %s (%s s)\n' "$*" "$(($(date +%s) - t0))"; }
t0=$(date +%s)

# waitfor SECONDS WHAT CMD... — poll CMD every 0.2 s until it succeeds.
waitfor() {
	secs=$1 what=$2
	shift 2
	i=0
	while ! "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		[ "$i" -lt $((secs * 5)) ] || bad "waited ${secs} s for $what"
		sleep 0.2
	done
}
traced() { [ "$(grep -c "^nidan-trace: $1\$" gui.out)" -ge "${2:-1}" ]; }
# The app's window: visible, named exactly "Nidan".
find_window() { win=$(xdotool search --onlyvisible --name '^Nidan$' 2>/dev/null | head -n 1) && [ -n "$win" ]; }
# Bounded, and of the whole screen when the window is gone: ImageMagick's
# import, given a window id that no longer exists, falls back to asking for
# a click to pick a window and waits for it, which here is for ever.
shot() {
	target=root
	[ -n "${win:-}" ] && xdotool getwindowname "$win" >/dev/null 2>&1 && target=$win
	timeout 20 import -window "$target" "$LOGDIR/gui-$1.png" </dev/null
}

echo "== the desktop app (nidan.exe) under Wine"
NIDAN_PASSWORD=$password "$WINE" "$exe" init >cli.out 2>&1 || { cat cli.out >&2; bad "nidan init"; }
NIDAN_PASSWORD=$password "$WINE" "$exe" add "otpauth://totp/Example:alice@example.com?secret=$secret&issuer=Example" >cli.out 2>&1 ||
	{ cat cli.out >&2; bad "nidan add"; }
ok "a vault with one TOTP account made by the CLI"

# Opened as Explorer or the Start menu would: no arguments.
NIDAN_TRACE=1 "$WINE" "$exe" >gui.out 2>&1 &
gui_pid=$!
waitfor 60 "the Nidan window" find_window
waitfor 30 "the app to be ready" traced ready
waitfor 30 "the password field to take the focus" traced focused
xdotool windowactivate --sync "$win"
ok "window $win up, the password field focused"
shot locked

focused=$(grep -c '^nidan-trace: focused$' gui.out)
xdotool type --delay 40 "$password"
xdotool key Return
waitfor 30 "the vault to unlock" traced unlocked
waitfor 30 "the list to take the focus" traced focused $((focused + 1))
ok "unlocked by typing the password and Return"
sleep 1
shot list

# row_y SHOT X — the y of the tallest band of non-background pixels in the
# screenshot's column X: with one account that is its row (the toolbar's
# fields and buttons are half as tall). Found in the picture, not assumed,
# so a change of layout moves the click with the row.
row_y() {
	convert "$1" -crop "1x100000+$2+0" +repage -depth 8 txt:- | awk '
		NR > 1 { y = substr($1, 3) + 0; c[y] = $3; n = y }
		END {
			bg = c[n]; best = 0; start = -1
			for (y = 0; y <= n + 1; y++) {
				if (y <= n && c[y] != bg) { if (start < 0) start = y; continue }
				if (start >= 0 && y - start > best) { best = y - start; top = start }
				start = -1
			}
			if (best < 30) exit 1
			print top + int(best / 2)
		}'
}
geom=$(xdotool getwindowgeometry --shell "$win")
eval "$geom"
# A left click on the row copies its code.
from=$(date +%s)
rowx=$((WIDTH * 3 / 4))
rowy=$(row_y "$LOGDIR/gui-list.png" "$rowx") || bad "no account row in the list's screenshot (column x=$rowx)"
xdotool mousemove --window "$win" "$rowx" "$rowy"
sleep 0.2
xdotool click 1
code=
copied() {
	code=$(xclip -o -selection clipboard 2>/dev/null) || return 1
	printf '%s\n' "$code" >clip.txt
	t=$((from - 1))
	while [ "$t" -le $(($(date +%s) + 1)) ]; do
		[ "$code" = "$(oathtool --totp -b --now "@$t" "$secret")" ] && return 0
		t=$((t + 1))
	done
	return 1
}
waitfor 10 "the clipboard to hold the account's code (clip.txt holds what it had)" copied
ok "a click on the row copied $code, oathtool's code for that moment"
shot copied

# The process table: one nidan.exe, the app (the CLI runs have ended).
# Only this prefix's processes count (another Wine may run beside).
# nidan_procs [NAME] lists this prefix's NAME.exe processes (nidan.exe).
nidan_procs() {
	ps -eo pid=,args= | grep -i "${1:-nidan}\\.exe" | grep -v grep | while read -r pid args; do
		tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qxF "WINEPREFIX=$WINEPREFIX" && echo "$pid $args"
	done
	return 0
}
n=$(nidan_procs | wc -l)
[ "$n" = 1 ] || { nidan_procs >&2; bad "$n nidan.exe processes run, want the app's one"; }
ok "the process table holds one nidan.exe: $(nidan_procs | sed 's/  */ /g')"
# No console window for the app: it is a GUI-subsystem program, so no
# conhost.exe runs for it.
cons=$(nidan_procs conhost | wc -l)
[ "$cons" = 0 ] || { nidan_procs conhost >&2; bad "a console (conhost.exe) runs beside the app"; }
ok "no console (conhost.exe) beside the app"

# on_top: the app's window is the topmost client in openbox's stacking order.
on_top() {
	top=$(xprop -root _NET_CLIENT_LIST_STACKING | sed 's/.*[ ,]//')
	[ "$((top))" = "$win" ]
}

# A second launch asks the first to show itself and exits; the first comes
# to the front over another window.
xmessage -geometry +0+0 "another window over Nidan" 2>/dev/null &
other=$!
waitfor 10 "another window" sh -c 'xdotool search --onlyvisible --name "^xmessage$"'
xdotool windowactivate --sync "$(xdotool search --onlyvisible --name '^xmessage$' | head -n 1)"
! on_top || bad "the Nidan window is still on top of the other one"
raised=$(grep -c '^nidan-trace: raised$' gui.out || true)
NIDAN_TRACE=1 "$WINE" "$exe" >second.out 2>&1 &
second_pid=$!
gone() { ! kill -0 "$1" 2>/dev/null; }
waitfor 30 "the second launch to exit" gone "$second_pid"
st=0
wait "$second_pid" || st=$?
second_pid=
[ "$st" = 0 ] || bad "the second launch exited $st, want 0"
waitfor 10 "the first copy to be raised" traced raised $((raised + 1))
# Wine raises the window (it is on top of the stacking order again) but,
# as Windows does for a program in the background, leaves the keyboard
# focus where it was; the check is the stacking order.
waitfor 10 "the Nidan window on top of the other one" on_top
kill "$other" 2>/dev/null || true
n=$(nidan_procs | wc -l)
[ "$n" = 1 ] || { nidan_procs >&2; bad "after a second launch $n nidan.exe processes run, want 1"; }
ok "a second launch raised the first (on top of the other window again) and exited 0"
shot raised

# Ctrl+Q quits: the process ends and takes its code off the clipboard.
# Found again by name first: once in a few runs the X window id taken at
# start was gone by now though the app's window was up (Wine re-creates a
# window's X window at times), and xdotool failed with BadWindow.
was=$win
find_window || bad "no Nidan window before Ctrl+Q"
[ "$win" = "$was" ] || echo "  note: the app's X window changed from $was to $win (Wine)"
# The key-up can meet a window the key-down already closed: xdotool then
# fails with BadWindow though the app got Ctrl+Q, so the app's ending is
# what decides, and xdotool's complaint (xdo.err) is shown only if it did
# not end.
xdotool key --window "$win" ctrl+q >xdo.err 2>&1 || echo "xdotool: exit $?" >>xdo.err
waitfor 15 "nidan.exe to end after Ctrl+Q" gone "$gui_pid"
st=0
wait "$gui_pid" || st=$?
gui_pid=
[ "$st" = 0 ] || bad "the app exited $st after Ctrl+Q, want 0"
traced quit || bad "the app ended without its quit trace"
n=$(nidan_procs | wc -l)
[ "$n" = 0 ] || { nidan_procs >&2; bad "nidan.exe still in the process table after Ctrl+Q"; }
left=$(xclip -o -selection clipboard 2>/dev/null || true)
[ "$left" != "$code" ] || bad "the code is still on the clipboard after quitting"
ok "Ctrl+Q: the process ended (exit 0), none left, the code off the clipboard"
echo "== the desktop app under Wine: all passed"

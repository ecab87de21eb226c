#!/usr/bin/env bash
# bench-ui.sh — Nidan with N accounts (default 1000) beside a bare Fyne window,
# both under the same private Xvfb: first frame after unlock, idle CPU, RSS.
# Needs xvfb, xdotool (scripts/deps.sh ui). Uses a scratch HOME: never touches
# real data or the real keyring.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000}
IDLE=${IDLE:-20}      # seconds of idle CPU measurement
SETTLE=${SETTLE:-5}   # seconds to let each window settle first
GO=${GO:-go}
TAGS=${TAGS:-migrated_fynedo}

work=$(mktemp -d /tmp/nidan-bench-ui.XXXXXX)
xpid=""; apid=""
cleanup() {
	[ -n "$apid" ] && kill "$apid" 2>/dev/null || true
	[ -n "$xpid" ] && kill "$xpid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

echo "building…" >&2
$GO build -tags "$TAGS" -o "$work/nidan" .
$GO build -tags "$TAGS" -o "$work/bare" ./scripts/benchui/bare
$GO build -o "$work/genvault" ./scripts/benchui/genvault
export HOME=$work/home XDG_CONFIG_HOME=$work/home/.config XDG_CACHE_HOME=$work/home/.cache
mkdir -p "$XDG_CONFIG_HOME"
export NIDAN_VAULT=$work/vault/vault.nidan LANG=en_US.UTF-8
unset DBUS_SESSION_BUS_ADDRESS # no keyring: password unlock only
password="bench password $$"
"$work/genvault" -n "$N" -password "$password" -o "$NIDAN_VAULT" >&2

# Xvfb picks a free display number itself and writes it to fd 3 (a fixed
# number collides with other X servers on a shared machine).
exec 3>"$work/display"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 & xpid=$!
exec 3>&-
for _ in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.1; done
[ -s "$work/display" ] || { echo "Xvfb did not report a display number" >&2; exit 1; }
export DISPLAY=":$(head -n1 "$work/display")"

ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }   # utime+stime, clock ticks
rss_mb() { awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$1/status"; }
hz=$(getconf CLK_TCK)

# measure PID: prints "cpu_percent rss_mb" over IDLE seconds
measure() {
	local t0 t1
	t0=$(ticks "$1"); sleep "$IDLE"; t1=$(ticks "$1")
	echo "$(awk -v a="$t0" -v b="$t1" -v s="$IDLE" -v hz="$hz" 'BEGIN{printf "%.2f", 100*(b-a)/hz/s}') $(rss_mb "$1")"
}

"$work/bare" >/dev/null 2>&1 & apid=$!
sleep "$SETTLE"
read -r bare_cpu bare_rss < <(measure "$apid")
kill "$apid"; wait "$apid" 2>/dev/null || true; apid=""

NIDAN_BENCH_NOTICK=${NOTICK:-} NIDAN_BENCH=1 NIDAN_BENCH_CPUPROFILE=${CPUPROFILE:-} "$work/nidan" >/dev/null 2>"$work/nidan.log" & apid=$!
sleep "$SETTLE"
xdotool type --delay 20 "$password"
xdotool key Return
# Up to 60 s: Argon2id and the first frame take far longer on a loaded
# machine, and a figure missing is worse than a slow one.
for _ in $(seq 300); do grep -q '^bench:' "$work/nidan.log" && break; sleep 0.2; done
line=$(grep '^bench:' "$work/nidan.log") || { echo "bench-ui: no first frame 60 s after unlock" >&2; cat "$work/nidan.log" >&2; exit 1; }
first=$(sed -n 's/.*first_frame_ms=\([^ ]*\).*/\1/p' <<<"$line")
total=$(sed -n 's/.*unlock_total_ms=\([^ ]*\).*/\1/p' <<<"$line")
sleep "$SETTLE"
read -r app_cpu app_rss < <(measure "$apid")
kill "$apid"; wait "$apid" 2>/dev/null || true; apid=""

printf '\n%-34s %12s %12s\n' "Xvfb, $(nproc) cores, ${IDLE}s idle" "bare fyne" "Nidan ($N)"
printf '%-34s %12s %12s\n' "first frame after unlock (ms)" "-" "$first"
printf '%-34s %12s %12s\n' "  incl. Argon2id, Enter→frame (ms)" "-" "$total"
printf '%-34s %12s %12s\n' "idle CPU (%)" "$bare_cpu" "$app_cpu"
printf '%-34s %12s %12s\n' "RSS (MB)" "$bare_rss" "$app_rss"
awk -v f="$first" -v bc="$bare_cpu" -v ac="$app_cpu" -v br="$bare_rss" -v ar="$app_rss" 'BEGIN{
	ok = (f+0 < 500) && (ac <= 1.5*bc || ac-bc < 0.5) && (ar <= br+40)
	printf "targets: first frame < 500 ms, CPU <= 1.5x bare, RSS <= bare + 40 MB: %s\n", ok ? "met" : "NOT met"
}'

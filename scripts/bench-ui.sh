#!/usr/bin/env bash
# bench-ui.sh — Nidan with N accounts (default 1000) beside a bare Fyne window,
# each on a private Xvfb, measured over the same seconds: first frame after
# unlock, idle CPU, RSS.
# Needs xvfb, xdotool (scripts/deps.sh ui). Uses a scratch HOME: never touches
# real data or the real keyring.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000}
IDLE=${IDLE:-20}      # seconds of each idle CPU measurement
ROUNDS=${ROUNDS:-3}   # measurements of both apps side by side
SETTLE=${SETTLE:-5}   # seconds to let each window settle first
GO=${GO:-go}
TAGS=${TAGS:-migrated_fynedo}

work=$(mktemp -d /tmp/nidan-bench-ui.XXXXXX)
apid=""; bpid=""
# cleanup ends what the script started and removes its scratch folder,
# keeping the script's exit status. The apps write their preferences into
# the scratch HOME as they exit, so removing it before they are gone races
# them ("Directory not empty"): ask them to stop, wait up to 5 s, then
# force. Xvfb was started from a subshell (newx), so it is no child to
# `wait` for: poll it.
running() { # an exited child not yet waited for is a zombie (state Z)
	local state
	state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)
	[ -n "$state" ] && [ "$state" != Z ]
}
cleanup() {
	local rc=$? p pids
	set +e
	pids="$apid $bpid $(cat "$work/xpids" 2>/dev/null)"
	for p in $pids; do kill "$p" 2>/dev/null; done
	for _ in $(seq 50); do
		local alive=""
		for p in $pids; do running "$p" && alive=1; done
		[ -z "$alive" ] && break
		sleep 0.1
	done
	for p in $pids; do kill -KILL "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$work" || echo "bench-ui: could not remove $work" >&2
	exit "$rc"
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

# Each app gets an Xvfb of its own, so that typing the password cannot go
# to the wrong window; Xvfb picks a free display number itself and writes it
# to fd 3 (a fixed number collides with other X servers on a shared machine).
newx() { # newx NAME: starts an Xvfb, prints its DISPLAY
	exec 3>"$work/display.$1"
	Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
	exec 3>&-
	echo $! >>"$work/xpids"
	for _ in $(seq 100); do [ -s "$work/display.$1" ] && break; sleep 0.1; done
	[ -s "$work/display.$1" ] || { echo "Xvfb did not report a display number" >&2; exit 1; }
	echo ":$(head -n1 "$work/display.$1")"
}

ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }   # utime+stime, clock ticks
rss_mb() { awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$1/status"; }
hz=$(getconf CLK_TCK)
pct() { awk -v d="$1" -v s="$2" -v hz="$hz" 'BEGIN{printf "%.2f", 100*d/hz/s}'; }

bare_display=$(newx bare)
DISPLAY=$bare_display "$work/bare" >/dev/null 2>&1 & bpid=$!

export DISPLAY=$(newx nidan)
NIDAN_TRACE=1 NIDAN_BENCH_NOTICK=${NOTICK:-} NIDAN_BENCH=1 NIDAN_BENCH_CPUPROFILE=${CPUPROFILE:-} NIDAN_BENCH_HEAPPROFILE=${HEAPPROFILE:-} "$work/nidan" >/dev/null 2>"$work/nidan.log" & apid=$!
# Type only once the password field has the keyboard (50 ms after the
# lock screen shows): keys sent earlier are lost on a loaded machine.
for _ in $(seq 300); do grep -q 'nidan-trace: focused' "$work/nidan.log" && break; sleep 0.2; done
xdotool type --delay 20 "$password"
xdotool key Return
# Up to 60 s: Argon2id and the first frame take far longer on a loaded
# machine, and a figure missing is worse than a slow one.
for _ in $(seq 300); do grep -q '^bench:' "$work/nidan.log" && break; sleep 0.2; done
line=$(grep '^bench:' "$work/nidan.log") || { echo "bench-ui: no first frame 60 s after unlock" >&2; cat "$work/nidan.log" >&2; exit 1; }
first=$(sed -n 's/.*first_frame_ms=\([^ ]*\).*/\1/p' <<<"$line")
total=$(sed -n 's/.*unlock_total_ms=\([^ ]*\).*/\1/p' <<<"$line")
sleep "$SETTLE"

# Both apps over the same seconds, ROUNDS times: the machine's load then
# weighs on both alike, and the rounds show the spread.
bsum=0; asum=0
for r in $(seq "$ROUNDS"); do
	b0=$(ticks "$bpid"); a0=$(ticks "$apid")
	sleep "$IDLE"
	b1=$(ticks "$bpid"); a1=$(ticks "$apid")
	bsum=$((bsum + b1 - b0)); asum=$((asum + a1 - a0))
	printf 'round %d: idle CPU bare %s %%, Nidan %s %%; load average %s\n' "$r" \
		"$(pct $((b1 - b0)) "$IDLE")" "$(pct $((a1 - a0)) "$IDLE")" "$(cut -d' ' -f1-3 /proc/loadavg)"
done
bare_cpu=$(pct "$bsum" $((IDLE * ROUNDS))); app_cpu=$(pct "$asum" $((IDLE * ROUNDS)))
bare_rss=$(rss_mb "$bpid"); app_rss=$(rss_mb "$apid")

printf '\n%-34s %12s %12s\n' "Xvfb, $(nproc) cores, ${ROUNDS}x${IDLE}s idle" "bare fyne" "Nidan ($N)"
printf '%-34s %12s %12s\n' "first frame after unlock (ms)" "-" "$first"
printf '%-34s %12s %12s\n' "  incl. Argon2id, Enter→frame (ms)" "-" "$total"
printf '%-34s %12s %12s\n' "idle CPU (%)" "$bare_cpu" "$app_cpu"
printf '%-34s %12s %12s\n' "RSS (MB)" "$bare_rss" "$app_rss"
awk -v f="$first" -v bc="$bare_cpu" -v ac="$app_cpu" -v br="$bare_rss" -v ar="$app_rss" 'BEGIN{
	printf "idle CPU %.2fx bare, RSS bare + %.1f MB\n", ac/bc, ar-br
	ok = (f+0 < 500) && (ac <= 1.5*bc || ac-bc < 0.5) && (ar <= br+40)
	printf "targets: first frame < 500 ms, CPU <= 1.5x bare, RSS <= bare + 40 MB: %s\n", ok ? "met" : "NOT met"
}'

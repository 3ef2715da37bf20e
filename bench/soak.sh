#!/usr/bin/env bash
# Soak: one wire server (build/bench/soak_server) under 1,000 keep-alive HTTP connections (wrk,
# GET /) and 1,000 WebSocket echo connections (the kit's wsload on /ws, every echoed byte
# verified) at the same time for DURATION seconds, then SIGTERM while a probe keeps requests in
# flight. Prints and checks:
#   errors     wrk socket errors and non-2xx answers, wsload mismatched echoes, unexpected or
#              server-side closes and failed connects: must be 0
#   memory     the server's resident memory and open descriptors every SAMPLE seconds; growth
#              from the first sample after WARMUP to the last one under load: under 5%
#   descriptors after the load left: back to the count before it came (no leak)
#   shutdown   bench/soak_probe's requests at SIGTERM: completed, refused (never accepted) or
#              lost (sent, then the connection ended without the whole response): lost must be
#              0, and every request the server answered must have reached the probe
# Loopback only; raises the descriptor limit; pins the server and the load to different CPUs
# when taskset and two CPUs are there. Exit status 0 when everything passed.
#
#   bench/soak.sh [DURATION]          (default 60 seconds)
# Knobs (environment): PORT (8096), HTTP_CONNS (1000), WS_CONNS (1000), WS_SIZE (128 bytes),
# PROBE_CONNS (500), SAMPLE (10 s), WARMUP (max(20 s, DURATION/10)), GRACE_MS (5000, the
# server's shutdown grace), NICE (0: niceness of everything started), SERVER_CPU (0),
# LOAD_CPU (1), BUILD (build), WIRE_PEERS (/tmp/wire-peers: a built wsload is taken from there).
set -u
cd "$(dirname "$0")/.."
DURATION=${1:-${DURATION:-60}}
PORT=${PORT:-8096}
HTTP_CONNS=${HTTP_CONNS:-1000}
WS_CONNS=${WS_CONNS:-1000}
WS_SIZE=${WS_SIZE:-128}
PROBE_CONNS=${PROBE_CONNS:-500}
SAMPLE=${SAMPLE:-10}
WARMUP=${WARMUP:-$((DURATION / 10 > 20 ? DURATION / 10 : 20))}
GRACE_MS=${GRACE_MS:-5000}
NICE=${NICE:-0}
BUILD=${BUILD:-build}
KIT=${BENCH_KIT:-../shared/bench}
[ -d "$KIT" ] || KIT=/work/shared/bench
WIRE_PEERS=${WIRE_PEERS:-/tmp/wire-peers}

die() {
    echo "soak: $*" >&2
    exit 2
}

# ---------------------------------------------------------------- programs
command -v wrk >/dev/null || die "wrk is not installed (apt-get install wrk)"
make --no-print-directory "$BUILD/bench/soak_server" "$BUILD/bench/soak_probe" >/dev/null ||
    die "build failed"
wsload=$WIRE_PEERS/bin/wsload
if [ ! -x "$wsload" ]; then
    wsload=$BUILD/bench/kit-wsload
    if [ ! -x "$wsload" ] || [ "$KIT/tools/wsload.cpp" -nt "$wsload" ]; then
        g++ -O2 -std=c++17 "$KIT/tools/wsload.cpp" -o "$wsload" -lcrypto || die "cannot build wsload"
    fi
fi

# Each connection is a descriptor at both ends; the load and the server inherit this limit.
ulimit -n "$(ulimit -Hn)" 2>/dev/null
need=$((HTTP_CONNS + WS_CONNS + PROBE_CONNS + 100))
[ "$(ulimit -n)" -ge "$need" ] || die "ulimit -n is $(ulimit -n), need $need"

server_pin=() load_pin=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
    server_pin=(taskset -c "${SERVER_CPU:-0}")
    load_pin=(taskset -c "${LOAD_CPU:-1}")
fi
run_server=("${server_pin[@]}" nice -n "$NICE")
run_load=("${load_pin[@]}" nice -n "$NICE")

tmp=$(mktemp -d /tmp/wire-soak.XXXXXX)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    rm -rf "$tmp"
}
trap cleanup EXIT

# ---------------------------------------------------------------- server
"${run_server[@]}" "$BUILD/bench/soak_server" --port "$PORT" --grace-ms "$GRACE_MS" \
    >"$tmp/server.out" 2>"$tmp/server.err" &
spid=$!
pids+=("$spid")
for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
    sleep 0.1
done
kill -0 "$spid" 2>/dev/null || die "the server did not start: $(cat "$tmp/server.err")"
rss_of() { awk '/^VmRSS:/ { print $2 }' "/proc/$spid/status"; }
fds_of() { find "/proc/$spid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
fds_idle=$(fds_of)
echo "soak: ${DURATION}s, $HTTP_CONNS HTTP keep-alive (wrk GET /) + $WS_CONNS WebSocket echo" \
    "(wsload /ws, ${WS_SIZE} B, verified) on 127.0.0.1:$PORT; server pid $spid" \
    "${server_pin[*]:+(${server_pin[*]}, load ${load_pin[*]})}, nice $NICE"

# ---------------------------------------------------------------- load and samples
"${run_load[@]}" wrk -t 1 -c "$HTTP_CONNS" -d "${DURATION}s" --timeout 10s \
    "http://127.0.0.1:$PORT/" >"$tmp/wrk.out" 2>&1 &
wrk_pid=$!
"${run_load[@]}" "$wsload" --port "$PORT" --path /ws --mode echo --conns "$WS_CONNS" \
    --size "$WS_SIZE" --duration "$DURATION" --warmup 0 >"$tmp/ws.out" 2>"$tmp/ws.err" &
ws_pid=$!
pids+=("$wrk_pid" "$ws_pid")

times=() rss=() fds=()
t=0
while kill -0 "$wrk_pid" 2>/dev/null || kill -0 "$ws_pid" 2>/dev/null; do
    sleep "$SAMPLE"
    t=$((t + SAMPLE))
    # Only samples taken while both loads ran count towards growth.
    if kill -0 "$wrk_pid" 2>/dev/null && kill -0 "$ws_pid" 2>/dev/null; then
        times+=("$t") rss+=("$(rss_of)") fds+=("$(fds_of)")
        echo "  t=${t}s rss=${rss[-1]} kB fds=${fds[-1]}"
    fi
done
wait "$wrk_pid" "$ws_pid"
sleep 2
fds_after=$(fds_of)

# ---------------------------------------------------------------- errors
field() { grep -oE "(^| )$1=[^ ]*" "$2" | head -1 | cut -d= -f2; }
read -r e_connect e_read e_write e_timeout < <(grep -oE 'Socket errors: connect [0-9]+, read [0-9]+, write [0-9]+, timeout [0-9]+' \
    "$tmp/wrk.out" | grep -oE '[0-9]+' | tr '\n' ' ')
# wrk prints the line only when there was an error.
non2xx=$(grep -oE 'Non-2xx or 3xx responses: [0-9]+' "$tmp/wrk.out" | grep -oE '[0-9]+$')
requests=$(grep -oE '^ *[0-9]+ requests in' "$tmp/wrk.out" | grep -oE '[0-9]+' | head -1)
rps=$(grep -oE 'Requests/sec: *[0-9.]+' "$tmp/wrk.out" | grep -oE '[0-9.]+$')
http_errors=$((${e_connect:-0} + ${e_read:-0} + ${e_write:-0} + ${e_timeout:-0} + ${non2xx:-0}))
ws_open=$(field open "$tmp/ws.out")
ws_failed=$(field failed "$tmp/ws.out")
ws_bad=$(field bad "$tmp/ws.out")
ws_unexpected=$(field unexpected "$tmp/ws.out")
ws_closed=$(field closed "$tmp/ws.out")
ws_msgs=$(field msgs "$tmp/ws.out")
ws_rate=$(field msgs_per_s "$tmp/ws.out")
[ -n "$ws_open" ] || { ws_open=0; cat "$tmp/ws.err" >&2; }
ws_errors=$(( ${ws_failed:-1} + ${ws_bad:-1} + ${ws_unexpected:-1} + ${ws_closed:-1} +
    (ws_open == WS_CONNS ? 0 : 1) ))
[ -n "$requests" ] || cat "$tmp/wrk.out" >&2
echo "http: ${requests:-?} requests (${rps:-?}/s); socket errors connect ${e_connect:-0} read" \
    "${e_read:-0} write ${e_write:-0} timeout ${e_timeout:-0}; non-2xx ${non2xx:-0}"
echo "websocket: ${ws_open}/$WS_CONNS open, ${ws_msgs:-?} echoes (${ws_rate:-?}/s); failed" \
    "${ws_failed:-?} mismatched ${ws_bad:-?} unexpected ${ws_unexpected:-?} closed ${ws_closed:-?}"
verdict=PASS
errors=$((http_errors + ws_errors))
if [ "$errors" -ne 0 ] || [ -z "$requests" ]; then verdict=FAIL; fi
echo "errors: $errors $verdict"

# ---------------------------------------------------------------- growth
growth() {  # values...: percent from the first sample at or after WARMUP to the last
    local -a v=("$@")
    local first=-1 i
    for i in "${!times[@]}"; do
        if [ "${times[$i]}" -ge "$WARMUP" ]; then first=$i; break; fi
    done
    if [ "$first" -lt 0 ] || [ "$first" -ge $((${#v[@]} - 1)) ]; then echo "n/a"; return; fi
    awk -v a="${v[$first]}" -v b="${v[-1]}" 'BEGIN { printf "%.2f", (b - a) * 100 / a }'
}
check_growth() {  # name percent
    if [ "$2" = n/a ]; then
        echo "$1 growth: n/a (too few samples after the ${WARMUP}s warm-up) FAIL"
        verdict=FAIL
    elif awk -v g="$2" 'BEGIN { exit !(g < 5) }'; then
        echo "$1 growth after ${WARMUP}s warm-up: $2% PASS"
    else
        echo "$1 growth after ${WARMUP}s warm-up: $2% FAIL"
        verdict=FAIL
    fi
}
[ ${#rss[@]} -gt 0 ] && echo "rss kB: ${rss[*]}" && echo "fds: ${fds[*]}"
check_growth rss "$(growth "${rss[@]}")"
check_growth fds "$(growth "${fds[@]}")"
if [ "$fds_after" -le "$fds_idle" ]; then
    echo "fds before load $fds_idle, after it left $fds_after: PASS"
else
    echo "fds before load $fds_idle, after it left $fds_after: FAIL (leak)"
    verdict=FAIL
fi

# ---------------------------------------------------------------- shutdown under load
"${run_load[@]}" "$BUILD/bench/soak_probe" --port "$PORT" --conns "$PROBE_CONNS" \
    --max-seconds $((GRACE_MS / 1000 + 30)) >"$tmp/probe.out" 2>"$tmp/probe.err" &
probe_pid=$!
pids+=("$probe_pid")
sleep 2
kill -TERM "$spid"
t0=$(date +%s%N)
wait "$spid"
server_status=$?
t1=$(date +%s%N)
wait "$probe_pid"
handled=$(field probe_handled "$tmp/server.out")
sent=$(field sent "$tmp/probe.out")
completed=$(field completed "$tmp/probe.out")
lost=$(field lost "$tmp/probe.out")
shutdown_ms=$(((t1 - t0) / 1000000))
echo "shutdown: server exit $server_status after ${shutdown_ms} ms ($(field shutdown "$tmp/server.out"))"
echo "probe: $(sed -n 's/^RESULT //p' "$tmp/probe.out")"
undelivered=$((${handled:-0} - ${completed:-0}))
echo "in flight at SIGTERM: ${sent:-?} sent, ${completed:-?} completed, $(field refused "$tmp/probe.out")" \
    "connects refused, lost ${lost:-?}; server answered ${handled:-?} (undelivered $undelivered)"
if [ "${lost:-1}" -ne 0 ] || [ "$undelivered" -ne 0 ] || [ "$server_status" -ne 0 ] ||
    [ "$(field bad "$tmp/probe.out")" != 0 ] || [ "$(field pending_at_end "$tmp/probe.out")" != 0 ]; then
    echo "shutdown: FAIL"
    verdict=FAIL
else
    echo "shutdown: lost 0 PASS"
fi
echo "soak: $verdict"
[ "$verdict" = PASS ]

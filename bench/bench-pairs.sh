#!/usr/bin/env bash
# bench-pairs.sh: wire against the ceiling servers and uWebSockets, in short runs that take
# turns, cell by cell. bench-ceiling.sh runs each server in turn for seconds at a time; on a
# shared machine the host's own load drifts by a third within minutes, so two servers measured
# a minute apart differ by more than the servers do. Here every server of a cell is started
# once, side by side on the server core (an idle one sleeps), and the load generator visits
# them in rotation for short runs: PAIRS rounds, each a run of every server within seconds of
# the others, the first server of each round moving on by one so that no server always follows
# the same one. Each run counts requests (messages) per server CPU-second, as the kit does.
#
#   bash bench/bench-pairs.sh                       (HTTP and WebSocket cells, ~45 minutes)
#   PARTS=ws CONNS=1 SIZES=16 bash bench/bench-pairs.sh     (one cell, ~2 minutes)
#
# env: PAIRS=12 (rounds)  DURATION=2 (seconds a run)  PARTS="http ws"
#      HTTP_CONNS="10 100 1000"  PIPE_CONNS="10 100"  DEPTH=16 (pipelined cells)
#      CONNS="1 100 1000" SIZES="16 4096 65536" (WebSocket echo cells)
#      NICE=-10 (root)  PORT_BASE=8380  OUT=dir  UWS=$WIRE_PEERS/uws/bin
# Output: OUT/http/raw.csv and OUT/ws/raw.csv in the kit's columns, so that
#   python3 bench/ceiling/targets.py OUT
# scores them against the targets (a round there is one rotation here).
set -u
cd "$(dirname "$0")/.."
NAME=bench-pairs source bench/ceiling/prelude.sh
source "$KIT/lib.sh"
need_bin wsload || exit 1
command -v wrk >/dev/null || { echo "wrk missing - run $KIT/setup.sh" >&2; exit 1; }
PAIRS=${PAIRS:-12}
DURATION=${DURATION:-2}
PARTS=${PARTS:-"http ws"}
DEPTH=${DEPTH:-16}
PORT_BASE=${PORT_BASE:-8380}
UWS=${UWS:-$WIRE_PEERS/uws/bin}
OUT=${OUT:-/tmp/wire-bench-results/pairs-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT/http" "$OUT/ws"
echo "results and logs: $OUT (load average before: $(cut -d' ' -f1-3 /proc/loadavg))"

SIDS=()
stop_all() {
    local sid
    for sid in "${SIDS[@]}"; do kill -TERM -- "-$sid" 2>/dev/null; done
    sleep 0.5
    for sid in "${SIDS[@]}"; do
        kill -KILL -- "-$sid" 2>/dev/null
        wait "$sid" 2>/dev/null
    done
    SIDS=()
}
trap 'stop_all; exit 130' INT TERM
trap 'stop_all' EXIT

# Starts every server of NAMES/CMDS/PORTS, each in its own session on the server core.
start_all() {
    local i pre=("${PRIO[@]}" taskset -c "$SERVER_CORE") tries
    for i in "${!NAMES[@]}"; do
        if port_open "${PORTS[$i]}"; then
            log "port ${PORTS[$i]} already in use"
            return 1
        fi
        PORT=${PORTS[$i]} WORKERS=1 GOMAXPROCS=1 "${pre[@]}" setsid bash -c \
            "ulimit -n \$(ulimit -Hn) 2>/dev/null; ${CMDS[$i]}" \
            >"$OUT/server-${NAMES[$i]}.log" 2>&1 </dev/null &
        SIDS[$i]=$!
        for tries in $(seq 1 100); do
            port_open "${PORTS[$i]}" && break
            sleep 0.1
        done
    done
    sleep 0.5
}

# Server CPU time of a session in nanoseconds, from each thread's schedstat (not 10 ms ticks).
session_cpu_ns() {
    local p sum=0 t
    for p in $(ps -o pid= -s "$1" 2>/dev/null); do
        for t in /proc/"$p"/task/*/schedstat; do
            read -r v _ <"$t" 2>/dev/null && sum=$((sum + v))
        done
    done
    echo "$sum"
}

# One WebSocket echo run against server i: wsload measures the server's CPU itself.
ws_run() {  # i conns size round
    local i=$1 c=$2 s=$3 r=$4 f line
    f=$OUT/ws/wsload-${NAMES[$i]}-c$c-s$s-r$r.txt
    "${PRIO[@]}" taskset -c "$CLIENT_CORE" "$WIRE_PEERS/bin/wsload" --port "${PORTS[$i]}" \
        --mode echo --conns "$c" --size "$s" --duration "$DURATION" --warmup 0.5 \
        --server-sid "${SIDS[$i]}" >"$f" 2>&1
    line=$(grep '^RESULT' "$f" | tail -1)
    echo "ws,${NAMES[$i]},echo,$c,$s,$r,$(kv "$line" msgs_per_s),$(kv "$line" p99_us),$(kv "$line" server_cpu)" \
        >>"$OUT/ws/raw.csv"
}

# One wrk run against server i; the server's CPU from schedstat around it.
http_run() {  # i kind conns round
    local i=$1 kind=$2 c=$3 r=$4 f lua=() t0 t1 c0 c1 reqs p99
    f=$OUT/http/wrk-${NAMES[$i]}-$kind-c$c-r$r.txt
    [ "$kind" != plain ] && lua=(-s "$KIT/tools/pipeline.lua")
    c0=$(session_cpu_ns "${SIDS[$i]}"); t0=$(date +%s%N)
    "${PRIO[@]}" taskset -c "$CLIENT_CORE" wrk -t1 -c"$c" -d"${DURATION}s" --timeout 5s \
        --latency "${lua[@]}" "http://127.0.0.1:${PORTS[$i]}/" ${lua:+$DEPTH} >"$f" 2>&1
    c1=$(session_cpu_ns "${SIDS[$i]}"); t1=$(date +%s%N)
    reqs=$(awk '/requests in/{print $1}' "$f")
    p99=$(awk '$1=="99%"{v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) sub(/ms$/,"",v); else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; print v; exit}' "$f")
    # rps and server_cpu over the same wall time, so that their ratio is requests per CPU-second
    awk -v n="${reqs:-0}" -v t=$((t1 - t0)) -v cpu=$((c1 - c0)) -v s="${NAMES[$i]}" -v k="$kind" \
        -v c="$c" -v r="$r" -v p="${p99:-nan}" \
        'BEGIN{printf "http,%s,pinned,%s,%s,%s,%.1f,%s,%.3f\n", s, k, c, r, n/(t/1e9), p, cpu/t}' \
        >>"$OUT/http/raw.csv"
}

# Runs `body` (ws_run or http_run with its cell arguments) PAIRS times over every server.
rotate() {  # label body args...
    local label=$1 r k i n=${#NAMES[@]}; shift
    for r in $(seq 1 "$PAIRS"); do
        for k in $(seq 0 $((n - 1))); do
            i=$(((r + k) % n))
            "$@" "$i" "$r"
        done
    done
    log "$label done"
}
ws_cell() { ws_run "$3" "$1" "$2" "$4"; }          # conns size i round
http_cell() { http_run "$3" "$1" "$2" "$4"; }      # kind conns i round

if [[ " $PARTS " == *" http "* ]]; then
    NAMES=(wire-uring wire ceiling-epoll ceiling-uring nginx)
    CMDS=("env WIRE_LOOP=uring $B/examples/hello_server --port \$PORT"
        "env WIRE_LOOP=epoll $B/examples/hello_server --port \$PORT"
        "$B/bench/ceiling_http_epoll --port \$PORT" "$B/bench/ceiling_http_uring --port \$PORT"
        "$KIT/servers/nginx.sh")
    PORTS=($((PORT_BASE)) $((PORT_BASE + 1)) $((PORT_BASE + 2)) $((PORT_BASE + 3)) $((PORT_BASE + 4)))
    if [ -x "$UWS/uws-http" ]; then
        NAMES+=(uws); CMDS+=("$UWS/uws-http"); PORTS+=($((PORT_BASE + 5)))
    fi
    echo "bench,server,mode,kind,conns,round,rps,lat_p99_ms,server_cpu" >"$OUT/http/raw.csv"
    start_all || exit 1
    for i in "${!NAMES[@]}"; do  # a warm-up, not counted
        wrk -t1 -c50 -d1s "http://127.0.0.1:${PORTS[$i]}/" >/dev/null 2>&1
    done
    for c in ${HTTP_CONNS:-10 100 1000}; do
        rotate "http plain c=$c" http_cell plain "$c"
    done
    for c in ${PIPE_CONNS-10 100}; do
        rotate "http pipe$DEPTH c=$c" http_cell "pipe$DEPTH" "$c"
    done
    stop_all
fi

if [[ " $PARTS " == *" ws "* ]]; then
    NAMES=(wire-event-uring wire-event ceiling-epoll ceiling-uring)
    CMDS=("env WIRE_LOOP=uring $B/examples/ws_event_echo_server --port \$PORT"
        "env WIRE_LOOP=epoll $B/examples/ws_event_echo_server --port \$PORT"
        "$B/bench/ceiling_ws_epoll --port \$PORT" "$B/bench/ceiling_ws_uring --port \$PORT")
    PORTS=($((PORT_BASE + 10)) $((PORT_BASE + 11)) $((PORT_BASE + 12)) $((PORT_BASE + 13)))
    if [ -x "$UWS/uws-ws" ]; then
        NAMES+=(uws); CMDS+=("$UWS/uws-ws"); PORTS+=($((PORT_BASE + 14)))
    fi
    echo "bench,server,mode,conns,size,round,msgs_per_s,p99_us,server_cpu" >"$OUT/ws/raw.csv"
    start_all || exit 1
    for c in ${CONNS:-1 100 1000}; do
        for s in ${SIZES:-16 4096 65536}; do
            rotate "ws echo $c x $s" ws_cell "$c" "$s"
        done
    done
    stop_all
fi
python3 bench/ceiling/targets.py "$OUT"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

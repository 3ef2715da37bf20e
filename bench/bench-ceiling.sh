#!/usr/bin/env bash
# bench-ceiling.sh: how far can ANY server go on this machine? The ceiling servers
# (bench/ceiling_*.cpp: one recv, one send, no user-space work, on epoll and on raw io_uring)
# beside wire and the peers, in the same interleaved rounds of the shared kit, as ratios of
# requests (messages) per server CPU-second to nginx (gorilla): wire's performance targets are
# such ratios (>= 1.35x nginx at every concurrency; >= 2x / 4x / 5x gorilla at 16 B / 4 KiB /
# 64 KiB). If the ceiling servers miss a target, no server reaches it here.
#
#   bash bench/bench-ceiling.sh                    (about 25 minutes with the defaults)
#   ROUNDS=3 DURATION=3 bash bench/bench-ceiling.sh   (a quick look, ~10 minutes)
#
# env: ROUNDS=3 DURATION (seconds per run; default 10 for HTTP, 5 for WebSocket, as the kit)
#      HTTP_CONNS="10 100 1000"  PIPE_CONNS= (e.g. "10 100" adds the kit's pipelined runs)
#      CONNS="1 100 1000" SIZES="16 4096 65536" (WebSocket echo)
#      PARTS="http ws" (one of them to run only that)  GO=1 adds Go net/http to the HTTP runs
#      NICE=-10 (root: outrank other load, as the kit allows)  PORT_BASE=8280  OUT=dir
# Runs pool: python3 bench/ceiling/ratios.py RUN1/http/raw.csv,RUN2/http/raw.csv nginx wire ...
# Not part of `make bench` (it is long, and measures the machine more than wire): under make it
# says so and exits, unless CEILING=1.
set -u
cd "$(dirname "$0")/.."
if [ -n "${MAKELEVEL:-}" ] && [ "${CEILING:-0}" != 1 ]; then
    echo "bench-ceiling: skipped under make (run bash bench/bench-ceiling.sh, or CEILING=1 make bench)"
    exit 0
fi
KIT=${BENCH_KIT:-}
for k in ../shared/bench ../../shared/bench /work/shared/bench; do
    [ -z "$KIT" ] && [ -f "$k/lib.sh" ] && KIT=$k
done
[ -n "$KIT" ] || { echo "bench kit (shared/bench) not found; set BENCH_KIT" >&2; exit 1; }
export WIRE_PEERS=${WIRE_PEERS:-/tmp/wire-peers}
BUILD=${BUILD:-build}
B=$PWD/$BUILD
make --no-print-directory -j2 "$BUILD/examples/hello_server" "$BUILD/examples/ws_event_echo_server" \
    "$BUILD/bench/ceiling_http_epoll" "$BUILD/bench/ceiling_http_uring" \
    "$BUILD/bench/ceiling_ws_epoll" "$BUILD/bench/ceiling_ws_uring" >/dev/null || exit 1
export ROUNDS=${ROUNDS:-3}
HTTP_DURATION=${DURATION:-10}
WS_DURATION=${DURATION:-5}
PORT_BASE=${PORT_BASE:-8280}
PARTS=${PARTS:-"http ws"}
OUT=${OUT:-/tmp/wire-bench-results/ceiling-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
echo "results and logs: $OUT (load average before: $(cut -d' ' -f1-3 /proc/loadavg))"

if [[ " $PARTS " == *" http "* ]]; then
    servers=("$B/examples/hello_server --port \$PORT" "$PORT_BASE" wire
        "$B/bench/ceiling_http_epoll --port \$PORT" "$((PORT_BASE + 1))" ceiling-epoll
        "$B/bench/ceiling_http_uring --port \$PORT" "$((PORT_BASE + 2))" ceiling-uring
        "$KIT/servers/nginx.sh" "$((PORT_BASE + 3))" nginx)
    names=(wire ceiling-epoll ceiling-uring)
    if [ "${GO:-0}" = 1 ] && [ -x "$WIRE_PEERS/bin/gohttp" ]; then
        servers+=("\$WIRE_PEERS/bin/gohttp -port \$PORT" "$((PORT_BASE + 4))" go)
        names+=(go)
    fi
    echo "## HTTP keep-alive, wrk (log: $OUT/http.log)"
    DURATION=$HTTP_DURATION CONNS=${HTTP_CONNS:-"10 100 1000"} PIPE_CONNS=${PIPE_CONNS-} \
        OUT=$OUT/http "$KIT/http-bench.sh" "${servers[@]}" >"$OUT/http.log" 2>&1
    python3 bench/ceiling/ratios.py "$OUT/http/raw.csv" nginx "${names[@]}" --target 1.35
fi

if [[ " $PARTS " == *" ws "* ]]; then
    servers=("$B/examples/ws_event_echo_server --port \$PORT" "$((PORT_BASE + 10))" wire-event
        "$B/bench/ceiling_ws_epoll --port \$PORT" "$((PORT_BASE + 11))" ceiling-epoll
        "$B/bench/ceiling_ws_uring --port \$PORT" "$((PORT_BASE + 12))" ceiling-uring
        "\$WIRE_PEERS/bin/gows -port \$PORT" "$((PORT_BASE + 13))" gorilla)
    echo "## WebSocket echo, wsload (log: $OUT/ws.log)"
    DURATION=$WS_DURATION CONNS=${CONNS:-"1 100 1000"} \
        SIZES=${SIZES:-"16 4096 65536"} FANOUT_CONNS= OUT=$OUT/ws \
        "$KIT/ws-bench.sh" "${servers[@]}" >"$OUT/ws.log" 2>&1
    python3 bench/ceiling/ratios.py "$OUT/ws/raw.csv" gorilla wire-event ceiling-epoll \
        ceiling-uring --targets 16=2,4096=4,65536=5
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

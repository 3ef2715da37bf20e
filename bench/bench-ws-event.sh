#!/usr/bin/env bash
# bench-ws-event.sh: the event-driven WebSocket server (examples/ws_event_echo_server.cpp) beside
# gorilla/websocket in one run, with the shared kit (../shared/bench/ws-bench.sh, idle-mem.sh):
#   1. echo msgs/s and msgs per server CPU-second, CONNS x SIZES, server pinned (1 worker);
#      fan-out to FANOUT_CONNS /broadcast receivers; medians of ROUNDS, ratios to gorilla
#   2. server RSS per idle connection (KIND=ws: after the handshake and after one echo)
# Targets (ratio to gorilla, msgs per server CPU-second): >= 2x at 16 B, >= 4x at 4 KiB,
# >= 5x at 64 KiB, fan-out >= 17x; <= 512 B per idle connection.
# env: ROUNDS=3 DURATION=5 CONNS="1 100 1000" SIZES="16 4096 65536" FANOUT_CONNS=1000
#      IDLE_N=10000 (0 skips the memory test) PORT_BASE=8190 OUT=dir
# A quick run: ROUNDS=1 DURATION=3 CONNS=100 IDLE_N=2000 bench/bench-ws-event.sh
set -u
cd "$(dirname "$0")/.."
KIT=${BENCH_KIT:-}
for k in ../shared/bench ../../shared/bench /work/shared/bench; do
    [ -z "$KIT" ] && [ -f "$k/lib.sh" ] && KIT=$k
done
[ -n "$KIT" ] || { echo "bench kit (shared/bench/ws-bench.sh) not found; set BENCH_KIT" >&2; exit 1; }
PEERS=${WIRE_PEERS:-/tmp/wire-peers}
BUILD=${BUILD:-build}
SERVER=$PWD/$BUILD/examples/ws_event_echo_server
[ -x "$SERVER" ] || make --no-print-directory "$BUILD/examples/ws_event_echo_server" >/dev/null || exit 1
PORT_BASE=${PORT_BASE:-8190}
STAMP=$(date +%Y%m%d-%H%M%S)
OUT=${OUT:-/tmp/wire-bench-results/ws-event-$STAMP}
mkdir -p "$OUT"

servers=("$SERVER --port \$PORT" "$PORT_BASE" wire-event)
if [ -x "$PEERS/bin/gows" ]; then
    servers+=("\$WIRE_PEERS/bin/gows -port \$PORT" "$((PORT_BASE + 1))" gorilla)
else
    echo "gorilla peer missing ($PEERS/bin/gows): measuring wire alone" >&2
fi
export WIRE_PEERS=$PEERS

echo "## echo and fan-out (log: $OUT/ws)"
OUT=$OUT/ws "$KIT/ws-bench.sh" "${servers[@]}" >"$OUT/ws.log" 2>&1
if [ -f "$OUT/ws/raw.csv" ]; then
    ratio=()
    [ -x "$PEERS/bin/gows" ] && ratio=(--ratio-to gorilla)
    python3 "$KIT/tools/summarize.py" "${ratio[@]}" "$OUT/ws/raw.csv"
else
    tail -20 "$OUT/ws.log"
fi

IDLE_N=${IDLE_N:-10000}
if [ "$IDLE_N" -gt 0 ]; then
    echo "## idle connections, N=$IDLE_N (log: $OUT/idle)"
    KIND=ws N=$IDLE_N ROUNDS=${IDLE_ROUNDS:-1} OUT=$OUT/idle "$KIT/idle-mem.sh" "${servers[@]}" \
        >"$OUT/idle.log" 2>&1
    [ -f "$OUT/idle/raw.csv" ] && python3 "$KIT/tools/summarize.py" "$OUT/idle/raw.csv"
fi

#!/usr/bin/env bash
# Blocking-Conn echo beside gorilla/websocket in the same run: examples/ws_echo_server (Upgrader +
# Conn; "wire" runs a fiber per connection, "wire-threads" a thread per connection) and the kit's
# gorilla echo server ($WIRE_PEERS/bin/gows), all loaded by ../shared/bench/ws-bench.sh (wsload,
# every byte verified). Reports echo round trips per second and per server CPU-second for 1 and
# 100 connections at 16 B and 64 KiB; the target is not to trail gorilla. Knobs: ROUNDS
# (3), DURATION (5), CONNS, SIZES, FANOUT_CONNS (empty: skip fan-out), OUT (results dir), as in
# ws-bench.sh; THREADS=0 skips the thread-per-connection server.
# Quick look: ROUNDS=1 DURATION=3 bench/bench-ws.sh
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
KIT=${BENCH_KIT:-../shared/bench}
[ -d "$KIT" ] || KIT=/work/shared/bench
export WIRE_PEERS=${WIRE_PEERS:-/tmp/wire-peers}
server=$BUILD/examples/ws_echo_server
[ -x "$server" ] || make --no-print-directory "$server" >/dev/null || exit 1
if [ ! -x "$WIRE_PEERS/bin/gows" ] || [ ! -x "$WIRE_PEERS/bin/wsload" ]; then
    echo "bench-ws: gows/wsload not built in $WIRE_PEERS (run $KIT/setup.sh); skipped"
    exit 0
fi
export ROUNDS=${ROUNDS:-3} DURATION=${DURATION:-5}
export CONNS=${CONNS:-"1 100"} SIZES=${SIZES:-"16 65536"} FANOUT_CONNS=${FANOUT_CONNS-}
OUT=${OUT:-/tmp/wire-bench-results/ws-blocking-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
threads=()
[ "${THREADS:-1}" = 0 ] || threads=("$server --threads --port \$PORT" 8092 wire-threads)
OUT=$OUT bash "$KIT/ws-bench.sh" "$server --port \$PORT" 8090 wire "${threads[@]}" \
    "\$WIRE_PEERS/bin/gows -port \$PORT" 8091 gorilla >"$OUT/bench.log" 2>&1
# The kit's own table, again with each cell's ratio to gorilla measured in the same rounds.
if [ -f "$OUT/raw.csv" ]; then
    python3 "$KIT/tools/summarize.py" --ratio-to gorilla "$OUT/raw.csv"
    # The target: not to trail gorilla, per server CPU-second.
    python3 bench/ws_efficiency.py "$OUT/raw.csv" wire gorilla 16=1,4096=1,65536=1
    [ "${THREADS:-1}" = 0 ] || python3 bench/ws_efficiency.py "$OUT/raw.csv" wire-threads gorilla
else
    tail -20 "$OUT/bench.log"
fi

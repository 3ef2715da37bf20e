#!/usr/bin/env bash
# bench-ws-deflate.sh: permessage-deflate (RFC 7692) in one run, server pinned to one core, the
# load on another:
#   1. compressed echo, CONNS connections x SIZES JSON-like text, messages per server
#      CPU-second: wire's event-driven server (--deflate 15) beside gorilla (EnableCompression,
#      no context takeover) and Node ws (perMessageDeflate), and wire uncompressed for wire's own
#      compressed-to-uncompressed CPU ratio (build/bench/ws_deflate_load);
#   2. server RSS per idle connection at IDLE_N connections negotiated 15/15, 12/12 and without
#      context takeover, after one compressed message each (build/bench/ws_idle_load);
#   3. Hub fan-out of a FANOUT_SIZE-byte JSON-like text message to FANOUT_SUBS subscribers,
#      deliveries per server CPU-second, compressed without context takeover (compressed once
#      per message) beside uncompressed, same server, FANOUT_ROUNDS alternating rounds: median
#      and range of each, and of their ratio (build/bench/ws_deflate_fanout).
# Targets: >= 3x gorilla and >= 2x Node ws in messages per server CPU-second; fan-out
# compressed >= 0.9x uncompressed.
# env: ROUNDS=1 DURATION=5 CONNS=100 SIZES="4096 16384" IDLE_N=10000 PORT_BASE=8290
#      FANOUT_SUBS=1000 FANOUT_SIZE=1024 FANOUT_ROUNDS=5 (0: skip) FANOUT_DURATION=3
#      ECHO=1 (0: skip the echo) NO_MAKE=1 (use the programs already built)
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
ROUNDS=${ROUNDS:-1} DURATION=${DURATION:-5} CONNS=${CONNS:-100} SIZES=${SIZES:-"4096 16384"}
IDLE_N=${IDLE_N:-10000} PORT_BASE=${PORT_BASE:-8290}
FANOUT_SUBS=${FANOUT_SUBS:-1000} FANOUT_SIZE=${FANOUT_SIZE:-1024} FANOUT_ROUNDS=${FANOUT_ROUNDS:-5}
FANOUT_DURATION=${FANOUT_DURATION:-3} ECHO=${ECHO:-1}
[ -n "${NO_MAKE:-}" ] || make --no-print-directory "$BUILD/examples/ws_event_echo_server" \
    "$BUILD/bench/ws_deflate_load" "$BUILD/bench/ws_idle_load" \
    "$BUILD/bench/ws_deflate_fanout" >/dev/null || exit 1
PEERS=$PWD/tests/websocket/peers
GODIR=/tmp/wire-ws-peers-$(id -u)
mkdir -p "$GODIR"
# Named after the source's checksum: other checkouts build their own version beside it.
GORILLA=$GODIR/gorilla_peer-$(cksum <"$PEERS/gorilla_peer.go" | cut -d' ' -f1)
if [ ! -x "$GORILLA" ]; then
    GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE=$GODIR/cache go build -o "$GORILLA" \
        "$PEERS/gorilla_peer.go" 2>/dev/null || GORILLA=
fi
PID=
stop() { [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null; PID=; }
trap stop EXIT
# start NAME: sets PID and PORT (servers that pick their port print "PORT n")
start() {
    local out=/tmp/wire-bench-deflate-$1.out
    case $1 in
    wire | wire-plain)
        PORT=$PORT_BASE
        taskset -c 0 "$BUILD/examples/ws_event_echo_server" --port "$PORT" --deflate 15 \
            2>/dev/null &
        PID=$!
        sleep 0.5
        return 0 ;;
    gorilla) [ -n "$GORILLA" ] || return 1
        GOMAXPROCS=1 taskset -c 0 "$GORILLA" deflate-server >"$out" & ;;
    node) command -v node >/dev/null || return 1
        NODE_PATH=/usr/share/nodejs taskset -c 0 node "$PEERS/node_peer.js" deflate-server >"$out" & ;;
    esac
    PID=$!
    for _ in $(seq 50); do grep -q '^PORT' "$out" 2>/dev/null && break; sleep 0.1; done
    PORT=$(sed -n 's/^PORT //p' "$out")
    [ -n "$PORT" ]
}

[ "$ECHO" = 1 ] && echo "## compressed echo: $CONNS connections, JSON-like text, messages per server CPU-second"
[ "$ECHO" = 1 ] && printf '%-11s %6s %5s %12s %14s %10s\n' server size round msgs/s msgs/server-s server-cpu
[ "$ECHO" = 1 ] && for r in $(seq 1 "$ROUNDS"); do
    for name in wire wire-plain gorilla node; do
        start "$name" || { echo "$name: not available" >&2; continue; }
        for s in $SIZES; do
            plain=0; [ "$name" = wire-plain ] && plain=1
            line=$(taskset -c 1 "$BUILD/bench/ws_deflate_load" --port "$PORT" --pid "$PID" \
                --conns "$CONNS" --size "$s" --duration "$DURATION" --uncompressed "$plain")
            kv() { echo "$line" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
            printf '%-11s %6s %5s %12s %14s %10s  compressed=%s bad=%s\n' "$name" "$s" "$r" \
                "$(kv msgs_per_s)" "$(kv msgs_per_server_cpu_s)" "$(kv server_cpu_s)" \
                "$(kv compressed)" "$(kv bad)"
        done
        stop
    done
done

if [ "$IDLE_N" -gt 0 ]; then
    echo "## idle connections, N=$IDLE_N, one compressed message each: server RSS per connection"
    for mode in off 15 12 no-takeover; do
        PORT=$((PORT_BASE + 1))
        taskset -c 0 "$BUILD/examples/ws_event_echo_server" --port "$PORT" --deflate "$mode" \
            2>/dev/null &
        PID=$!
        sleep 0.5
        ext=()
        [ "$mode" != off ] && ext=(--extensions "permessage-deflate; client_max_window_bits")
        line=$("$BUILD/bench/ws_idle_load" --port "$PORT" --pid "$PID" --conns "$IDLE_N" "${ext[@]}")
        printf '%-12s %s\n' "$mode" "$(echo "$line" | tr ' ' '\n' |
            grep -E '^(open|echoed|bytes_per_conn_hs|bytes_per_conn_echo)=' | tr '\n' ' ')"
        stop
    done
fi

# median_range FILE: "median (min..max)" of the numbers in FILE, one a line.
median_range() {
    sort -g "$1" | awk '{ v[NR] = $1 } END {
        m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "%.6g (%.6g..%.6g)", m, v[1], v[NR] }'
}

if [ "$FANOUT_ROUNDS" -gt 0 ]; then
    echo "## Hub fan-out: $FANOUT_SIZE B text to $FANOUT_SUBS subscribers, deliveries per server" \
        "CPU-second, no context takeover"
    PORT=$((PORT_BASE + 2))
    taskset -c 0 "$BUILD/examples/ws_event_echo_server" --port "$PORT" --deflate no-takeover \
        >/dev/null 2>&1 &
    PID=$!
    sleep 0.5
    tmp=$(mktemp -d)
    for r in $(seq 1 "$FANOUT_ROUNDS"); do
        for mode in compressed uncompressed; do
            plain=0; [ "$mode" = uncompressed ] && plain=1
            line=$(taskset -c 1 "$BUILD/bench/ws_deflate_fanout" --port "$PORT" --pid "$PID" \
                --subs "$FANOUT_SUBS" --size "$FANOUT_SIZE" --duration "$FANOUT_DURATION" \
                --uncompressed "$plain")
            v=$(echo "$line" | tr ' ' '\n' | sed -n 's/^deliveries_per_server_cpu_s=//p')
            printf '%-13s round %s: %s\n' "$mode" "$r" \
                "$(echo "$line" | cut -d' ' -f2- | tr '\n' ' ')"
            echo "${v:-0}" >>"$tmp/$mode"
        done
        paste "$tmp/compressed" "$tmp/uncompressed" | tail -1 |
            awk '{ if ($2 > 0) print $1 / $2 }' >>"$tmp/ratio"
    done
    stop
    echo "compressed   deliveries/server-s: $(median_range "$tmp/compressed")"
    echo "uncompressed deliveries/server-s: $(median_range "$tmp/uncompressed")"
    echo "ratio compressed/uncompressed (per round): $(median_range "$tmp/ratio")  target >= 0.9"
    rm -rf "$tmp"
fi

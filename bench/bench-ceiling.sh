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
#      URING=1 (0: wire on epoll only, WIRE_LOOP=epoll; 1 adds wire on io_uring, WIRE_LOOP=uring)
#      UWS=$WIRE_PEERS/uws/bin (uWebSockets, when built there: ../shared/bench/uws/README.md)
#      FANOUT=1000 (WebSocket fan-out to that many, wire and the peers that broadcast; empty: none)
#      BUSY_POLL=50 adds each wire server again with --busy-poll 50 (named *-bp), to see whether
#      adaptive busy polling makes any cell worse
#      INTERLEAVE=cell (default): each cell is its own series of rounds, so the servers of one
#      cell run back to back, seconds apart; INTERLEAVE=round: as the kit does, a round runs
#      every cell of one server before the next server, minutes apart (the machine drifts
#      meanwhile, and the per-round ratios scatter more)
# The issue's targets, per cell (each wire server against the best ceiling server and uWS of
# the same round, and p99 against nginx's): python3 bench/ceiling/targets.py OUT
# Runs pool: python3 bench/ceiling/ratios.py RUN1/http/raw.csv,RUN2/http/raw.csv nginx wire ...
# For tighter ratios against the ceiling servers and uWS (short runs taking turns, every server of a
# cell running side by side): bench/bench-pairs.sh.
# Not part of `make bench` (it is long, and measures the machine more than wire): under make it
# says so and exits, unless CEILING=1.
set -u
cd "$(dirname "$0")/.."
NAME=bench-ceiling source bench/ceiling/prelude.sh
export ROUNDS=${ROUNDS:-3}
HTTP_DURATION=${DURATION:-10}
WS_DURATION=${DURATION:-5}
PORT_BASE=${PORT_BASE:-8280}
PARTS=${PARTS:-"http ws"}
URING=${URING:-1}
UWS=${UWS:-$WIRE_PEERS/uws/bin}
FANOUT=${FANOUT-1000}
BUSY_POLL=${BUSY_POLL:-}
INTERLEAVE=${INTERLEAVE:-cell}
OUT=${OUT:-/tmp/wire-bench-results/ceiling-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"

# Runs the kit's script once for the whole matrix, or (INTERLEAVE=cell) once per cell with the
# other cells' lists empty: a space, which the kit reads as "none". Every call appends to the
# same raw.csv. usage: per_cell SCRIPT "LISTVAR1 LISTVAR2" SERVERS...
per_cell() {
    local script=$1 lists=$2 var other c; shift 2
    if [ "$INTERLEAVE" != cell ]; then
        "$script" "$@"
        return
    fi
    for var in $lists; do
        for c in ${!var}; do
            local env=()
            for other in $lists; do env+=("$other= "); done
            env+=("$var=$c")
            env "${env[@]}" "$script" "$@"
        done
    done
}

echo "results and logs: $OUT (load average before: $(cut -d' ' -f1-3 /proc/loadavg))"

if [[ " $PARTS " == *" http "* ]]; then
    servers=("env WIRE_LOOP=epoll $B/examples/hello_server --port \$PORT" "$PORT_BASE" wire
        "$B/bench/ceiling_http_epoll --port \$PORT" "$((PORT_BASE + 1))" ceiling-epoll
        "$B/bench/ceiling_http_uring --port \$PORT" "$((PORT_BASE + 2))" ceiling-uring
        "$KIT/servers/nginx.sh" "$((PORT_BASE + 3))" nginx)
    names=(wire ceiling-epoll ceiling-uring)
    if [ "$URING" = 1 ]; then
        servers+=("env WIRE_LOOP=uring $B/examples/hello_server --port \$PORT" "$((PORT_BASE + 5))" wire-uring)
        names+=(wire-uring)
    fi
    if [ -n "$BUSY_POLL" ]; then
        servers+=("env WIRE_LOOP=epoll $B/examples/hello_server --port \$PORT --busy-poll $BUSY_POLL" "$((PORT_BASE + 7))" wire-bp)
        names+=(wire-bp)
        if [ "$URING" = 1 ]; then
            servers+=("env WIRE_LOOP=uring $B/examples/hello_server --port \$PORT --busy-poll $BUSY_POLL" "$((PORT_BASE + 8))" wire-uring-bp)
            names+=(wire-uring-bp)
        fi
    fi
    if [ -x "$UWS/uws-http" ]; then
        servers+=("$UWS/uws-http" "$((PORT_BASE + 6))" uws)
        names+=(uws)
    fi
    if [ "${GO:-0}" = 1 ] && [ -x "$WIRE_PEERS/bin/gohttp" ]; then
        servers+=("\$WIRE_PEERS/bin/gohttp -port \$PORT" "$((PORT_BASE + 4))" go)
        names+=(go)
    fi
    echo "## HTTP keep-alive, wrk (log: $OUT/http.log)"
    CONNS=${HTTP_CONNS:-"10 100 1000"} PIPE_CONNS=${PIPE_CONNS-} DURATION=$HTTP_DURATION \
        OUT=$OUT/http per_cell "$KIT/http-bench.sh" "CONNS PIPE_CONNS" "${servers[@]}" \
        >"$OUT/http.log" 2>&1
    python3 bench/ceiling/ratios.py "$OUT/http/raw.csv" nginx "${names[@]}" --target 1.35
fi

if [[ " $PARTS " == *" ws "* ]]; then
    servers=("env WIRE_LOOP=epoll $B/examples/ws_event_echo_server --port \$PORT" "$((PORT_BASE + 10))" wire-event
        "$B/bench/ceiling_ws_epoll --port \$PORT" "$((PORT_BASE + 11))" ceiling-epoll
        "$B/bench/ceiling_ws_uring --port \$PORT" "$((PORT_BASE + 12))" ceiling-uring
        "\$WIRE_PEERS/bin/gows -port \$PORT" "$((PORT_BASE + 13))" gorilla)
    names=(wire-event ceiling-epoll ceiling-uring)
    # The servers that also broadcast (the ceiling servers only echo).
    broadcasters=("env WIRE_LOOP=epoll $B/examples/ws_event_echo_server --port \$PORT" "$((PORT_BASE + 10))" wire-event
        "\$WIRE_PEERS/bin/gows -port \$PORT" "$((PORT_BASE + 13))" gorilla)
    if [ "$URING" = 1 ]; then
        entry=("env WIRE_LOOP=uring $B/examples/ws_event_echo_server --port \$PORT" "$((PORT_BASE + 15))" wire-event-uring)
        servers+=("${entry[@]}")
        broadcasters+=("${entry[@]}")
        names+=(wire-event-uring)
    fi
    if [ -n "$BUSY_POLL" ]; then
        entry=("env WIRE_LOOP=epoll $B/examples/ws_event_echo_server --port \$PORT --busy-poll $BUSY_POLL" "$((PORT_BASE + 17))" wire-event-bp)
        servers+=("${entry[@]}")
        broadcasters+=("${entry[@]}")
        names+=(wire-event-bp)
        if [ "$URING" = 1 ]; then
            entry=("env WIRE_LOOP=uring $B/examples/ws_event_echo_server --port \$PORT --busy-poll $BUSY_POLL" "$((PORT_BASE + 18))" wire-event-uring-bp)
            servers+=("${entry[@]}")
            broadcasters+=("${entry[@]}")
            names+=(wire-event-uring-bp)
        fi
    fi
    if [ -x "$UWS/uws-ws" ]; then
        servers+=("$UWS/uws-ws" "$((PORT_BASE + 16))" uws)
        broadcasters+=("$UWS/uws-ws" "$((PORT_BASE + 16))" uws)
        names+=(uws)
    fi
    echo "## WebSocket echo, wsload (log: $OUT/ws.log)"
    # A WebSocket cell is a number of connections and a message size.
    ws_cells=()
    for c in ${CONNS:-1 100 1000}; do
        for s in ${SIZES:-16 4096 65536}; do ws_cells+=("$c:$s"); done
    done
    if [ "$INTERLEAVE" = cell ]; then
        for cell in "${ws_cells[@]}"; do
            DURATION=$WS_DURATION CONNS=${cell%:*} SIZES=${cell#*:} FANOUT_CONNS= \
                OUT=$OUT/ws "$KIT/ws-bench.sh" "${servers[@]}"
        done >"$OUT/ws.log" 2>&1
    else
        DURATION=$WS_DURATION CONNS=${CONNS:-"1 100 1000"} SIZES=${SIZES:-"16 4096 65536"} \
            FANOUT_CONNS= OUT=$OUT/ws "$KIT/ws-bench.sh" "${servers[@]}" >"$OUT/ws.log" 2>&1
    fi
    if [ -n "$FANOUT" ]; then
        echo "## WebSocket fan-out to $FANOUT (log: $OUT/fanout.log)"
        DURATION=$WS_DURATION CONNS=" " FANOUT_CONNS=$FANOUT OUT=$OUT/ws \
            "$KIT/ws-bench.sh" "${broadcasters[@]}" >"$OUT/fanout.log" 2>&1
    fi
    python3 bench/ceiling/ratios.py "$OUT/ws/raw.csv" gorilla "${names[@]}" \
        --targets 16=2,4096=4,65536=5
fi
if [[ " $PARTS " == *" http "* ]]; then
    # What parsing a request costs alone, with wire's parser and the peers' (the kit's parser
    # benchmark, the request wrk sends): targets.py sets it against the ceiling's whole cost of a
    # pipelined request, a bound no server that parses its requests can pass.
    make --no-print-directory -j2 "$BUILD/bench/parser_adapter" >/dev/null &&
        "$B/bench/parser_adapter" 2>/dev/null | grep 'req=short-get' >"$OUT/parsers.txt"
    for peer in "$WIRE_PEERS"/bin/parserbench-*-O3native; do
        [ -x "$peer" ] && "$peer" 2>/dev/null | grep 'req=short-get' >>"$OUT/parsers.txt"
    done
fi
python3 bench/ceiling/targets.py "$OUT"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

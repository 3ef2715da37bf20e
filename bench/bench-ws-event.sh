#!/usr/bin/env bash
# bench-ws-event.sh: the event-driven WebSocket server (examples/ws_event_echo_server.cpp) beside
# gorilla/websocket in one run, with the shared kit (../shared/bench/ws-bench.sh, idle-mem.sh):
#   1. echo msgs/s and msgs per server CPU-second, CONNS x SIZES, server pinned (1 worker);
#      fan-out to FANOUT_CONNS /broadcast receivers; medians of ROUNDS, ratios to gorilla
#   2. server RSS per idle connection (KIND=ws: after the handshake and after one echo)
#   3. the same at BIG_N (100,000) connections with bench/ws_idle_load.cpp (several source addresses)
# Targets (ratio to gorilla, msgs per server CPU-second): >= 2x at 16 B, >= 4x at 4 KiB,
# >= 5x at 64 KiB, fan-out >= 17x; <= 256 B per idle connection; 100,000 idle under 32 MiB RSS.
# env: ROUNDS=3 DURATION=5 CONNS="1 100 1000" SIZES="16 4096 65536" FANOUT_CONNS=1000
#      BUSY_POLL=50 (wire-event-bp: the same server with --busy-poll 50; 0 leaves it out)
#      ECHO=1 (0 skips part 1) IDLE_N=10000 (0 skips part 2) BIG_N=100000 (0 skips) BIG_PEERS=0
#      PORT_BASE=8190 OUT=dir
# A quick run: ROUNDS=1 DURATION=3 CONNS=100 IDLE_N=2000 BIG_N=0 bench/bench-ws-event.sh
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
# Echo also measures the same server with busy polling (--busy-poll US; docs/performance.md,
# "One connection"). BUSY_POLL=0 leaves it out.
BUSY_POLL=${BUSY_POLL:-50}
echo_servers=("${servers[@]}")
[ "$BUSY_POLL" -gt 0 ] &&
    echo_servers+=("$SERVER --port \$PORT --busy-poll $BUSY_POLL" "$((PORT_BASE + 2))" wire-event-bp)
# Every connection count the targets name, 1 included (one client: each message wakes the server).
export CONNS=${CONNS:-"1 100 1000"} SIZES=${SIZES:-"16 4096 65536"}

if [ "${ECHO:-1}" = 1 ]; then
    echo "## echo and fan-out (log: $OUT/ws)"
    OUT=$OUT/ws "$KIT/ws-bench.sh" "${echo_servers[@]}" >"$OUT/ws.log" 2>&1
    if [ -f "$OUT/ws/raw.csv" ]; then
        ratio=()
        [ -x "$PEERS/bin/gows" ] && ratio=(--ratio-to gorilla)
        python3 "$KIT/tools/summarize.py" "${ratio[@]}" "$OUT/ws/raw.csv"
        [ -x "$PEERS/bin/gows" ] && python3 bench/ws_efficiency.py "$OUT/ws/raw.csv" \
            wire-event gorilla 16=2,4096=4,65536=5,fanout=17
        [ -x "$PEERS/bin/gows" ] && [ "$BUSY_POLL" -gt 0 ] && python3 bench/ws_efficiency.py \
            "$OUT/ws/raw.csv" wire-event-bp gorilla 16=2,4096=4,65536=5,fanout=17
    else
        tail -20 "$OUT/ws.log"
    fi
fi

IDLE_N=${IDLE_N:-10000}
if [ "$IDLE_N" -gt 0 ]; then
    echo "## idle connections, N=$IDLE_N (log: $OUT/idle)"
    KIND=ws N=$IDLE_N ROUNDS=${IDLE_ROUNDS:-1} OUT=$OUT/idle "$KIT/idle-mem.sh" "${servers[@]}" \
        >"$OUT/idle.log" 2>&1
    [ -f "$OUT/idle/raw.csv" ] && python3 "$KIT/tools/summarize.py" "$OUT/idle/raw.csv"
fi

# 3. Past the kit's reach: wsload connects from one source address, so ip_local_port_range
#    (~28,000 ports) caps it. build/bench/ws_idle_load spreads connections over 127.0.0.2, .3, ...
#    Target: 100,000 idle connections under 32 MiB RSS (one process: start-up + growth). BIG_N=0 skips; BIG_PEERS=1 adds gorilla.
#    RLIMIT_NOFILE caps both ends: where it cannot be raised to BIG_N (a container without
#    CAP_SYS_RESOURCE), SHARDS servers on consecutive ports, each with its own client, hold the
#    connections together, and the table adds up their RSS (each shard's start-up RSS included,
#    so the total is an upper bound for one process).
BIG_N=${BIG_N:-100000}
big_run() {  # name 'cmd with $PORT' first-port
    local name=$1 cmd=$2 port0=$3 per=$(( (BIG_N + SHARDS - 1) / SHARDS )) k port
    local pids=() clients=() rss0=0 rss=0 open=0 hs=0 t0 t1
    for ((k = 0; k < SHARDS; k++)); do
        port=$((port0 + k))
        PORT=$port WORKERS=1 GOMAXPROCS=1 setsid taskset -c 0 bash -c "exec $cmd" \
            >"$OUT/big/server-$name-$k.log" 2>&1 </dev/null &
        pids+=($!)
    done
    for ((k = 0; k < SHARDS; k++)); do
        for _ in $(seq 1 100); do
            (exec 3<>"/dev/tcp/127.0.0.1/$((port0 + k))") 2>/dev/null && break
            sleep 0.1
        done
    done
    sleep 1
    for p in "${pids[@]}"; do rss0=$((rss0 + $(awk '/^VmRSS/{print $2}' /proc/$p/status))); done
    t0=$(date +%s.%N)
    for ((k = 0; k < SHARDS; k++)); do
        taskset -c 1 "$tool" --port "$((port0 + k))" --pid "${pids[k]}" --conns "$per" \
            --first-address $((k * 4)) --hold 3600 >"$OUT/big/$name-$k.txt" 2>&1 &
        clients+=($!)
    done
    for ((k = 0; k < SHARDS; k++)); do  # every shard echoed and settled
        for _ in $(seq 1 600); do grep -q '^RESULT' "$OUT/big/$name-$k.txt" && break; sleep 0.5; done
        open=$((open + $(sed -n 's/.* open=\([0-9]*\).*/\1/p' "$OUT/big/$name-$k.txt")))
        hs=$(awk -v a="$hs" -v b="$(sed -n 's/.* connect_s=\([0-9.]*\).*/\1/p' "$OUT/big/$name-$k.txt")" \
            'BEGIN{print (b > a) ? b : a}')
    done
    for p in "${pids[@]}"; do rss=$((rss + $(awk '/^VmRSS/{print $2}' /proc/$p/status))); done
    kill "${clients[@]}" 2>/dev/null
    wait "${clients[@]}" 2>/dev/null
    kill -TERM "${pids[@]}" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "${pids[@]}" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "${pids[@]}" 2>/dev/null
    wait "${pids[@]}" 2>/dev/null
    awk -v n="$name" -v s="$SHARDS" -v o="$open" -v r0="$rss0" -v r="$rss" -v hs="$hs" 'BEGIN{
        printf "| %s | %d | %d | %.1f MiB | %.1f MiB | %.0f | %.0f |\n", n, s, o, r0/1024, r/1024,
            (o > 0 ? (r - r0) * 1024 / o : -1), (hs > 0 ? o / hs : 0) }'
}
if [ "$BIG_N" -gt 0 ]; then
    tool=$PWD/$BUILD/bench/ws_idle_load
    [ -x "$tool" ] || make --no-print-directory "$BUILD/bench/ws_idle_load" >/dev/null || exit 1
    want=$((BIG_N + 1000))
    [ "$(ulimit -Hn)" -ge "$want" ] || ulimit -Hn "$want" 2>/dev/null
    ulimit -n "$(ulimit -Hn)"
    SHARDS=${SHARDS:-$(( (BIG_N + $(ulimit -n) - 1001) / ($(ulimit -n) - 1000) ))}
    echo "## idle connections, N=$BIG_N (ws_idle_load, RLIMIT_NOFILE $(ulimit -n): $SHARDS server process(es); log: $OUT/big)"
    mkdir -p "$OUT/big"
    printf '| server | processes | open | RSS before (sum) | RSS with all open, after 1 echo (sum) | bytes/conn | handshakes/s |\n|---|---|---|---|---|---|---|\n'
    big_run wire-event "$SERVER --port \$PORT" $((PORT_BASE + 10))
    if [ "${BIG_PEERS:-0}" = 1 ] && [ -x "$PEERS/bin/gows" ]; then
        sleep 2
        big_run gorilla "\$WIRE_PEERS/bin/gows -port \$PORT" $((PORT_BASE + 30))
    fi
fi

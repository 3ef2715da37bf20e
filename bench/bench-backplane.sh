#!/usr/bin/env bash
# bench-backplane.sh: one chat on three instances joined through redis pub/sub, 1,000 subscribers
# per instance, 64 B messages published on the first instance. Servers in one run, rounds
# interleaved:
#   wire-single     one wire instance, no redis, the same 3,000 subscribers (the baseline)
#   wire-redis      three wire instances (bench/backplane_server.cpp) + redis-server; each
#                   instance one thread (--shared-loop: redis on the WebSockets' loop), as the
#                   Go peer gets one core and node has one thread
#   gorilla-redigo  three gorilla/websocket instances relaying through redigo (bench/peers/chat_redigo.go)
#   socketio-redis  three socket.io instances with @socket.io/redis-adapter (bench/peers/chat_socketio.js)
# Measured by bench/backplane_load.cpp: deliveries per second, deliveries per CPU-second of all
# server processes together (instances and redis-server, from /proc), p50/p99 from publish to
# delivery, sending as fast as delivery to the last instance keeps up (WINDOW messages ahead).
# The window makes p50/p99 there a queue (WINDOW messages x 3,000 deliveries ahead): latency
# proper is measured paced, wire-redis at RATE:SUBS pairs of LATENCY (messages per second,
# subscribers per instance). 10,000:1 is the 2 ms target's load, one subscriber per instance;
# 10,000 per second to 1,000 per instance would be 30 million deliveries per second, beyond two
# cores, and the one-threaded load reads ~300,000 per second at most: 30:1,000 stays under it.
# Pinning: every server process (and redis) on SERVER_CORE, the load on CLIENT_CORE.
# runnable_waiting_s: seconds the load's and the servers' threads were ready but waited for a
# core during the measurement; where it is near the run's length, latency is the machine's.
# env: ROUNDS=3 DURATION=5 SUBS=1000 WINDOW=16 LATENCY="10000:1 30:1000" PORT_BASE=19300
#      SERVER_CORE=1 CLIENT_CORE=0 PEERS="gorilla-redigo socketio-redis" OUT=dir
#      THROUGHPUT=0 (the latency runs only)
#      NICE=-10 (root only: on a shared machine, other work then takes less of the two cores)
#      WIRE_PEERS=/tmp/wire-peers (the Go binary and socket.io's node_modules are built there)
set -u
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}; DURATION=${DURATION:-5}; SUBS=${SUBS:-1000}; WINDOW=${WINDOW:-16}
LATENCY=${LATENCY:-"10000:1 30:1000"}; PORT_BASE=${PORT_BASE:-19300}
SERVER_CORE=${SERVER_CORE:-1}; CLIENT_CORE=${CLIENT_CORE:-0}
PEERS=${PEERS:-"gorilla-redigo socketio-redis"}; THROUGHPUT=${THROUGHPUT:-1}
WIRE_PEERS=${WIRE_PEERS:-/tmp/wire-peers}
OUT=${OUT:-/tmp/wire-bench-results/backplane-$(date +%Y%m%d-%H%M%S)}
BIN=$PWD/${BUILD:-build}/bench
mkdir -p "$OUT" "$WIRE_PEERS/bin"
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
for b in backplane_server backplane_load; do
    [ -x "$BIN/$b" ] || { echo "missing $BIN/$b (make bench-bins)" >&2; exit 1; }
done
command -v redis-server >/dev/null || { echo "redis-server is not installed" >&2; exit 1; }
ulimit -n "$(ulimit -Hn)" 2>/dev/null
PIN_SERVER=(); PIN_CLIENT=()
if [ "${NICE:-0}" != 0 ]; then PIN_SERVER=(nice -n "$NICE"); PIN_CLIENT=(nice -n "$NICE"); fi
if [ "$(nproc)" -ge 2 ]; then
    PIN_SERVER+=(taskset -c "$SERVER_CORE"); PIN_CLIENT+=(taskset -c "$CLIENT_CORE")
fi

# The peers, built or installed outside the repository (GOPATH mode against Debian's gorilla and
# redigo; npm into $WIRE_PEERS/backplane-node).
KINDS=(wire-single wire-redis)
for p in $PEERS; do
    case $p in
    gorilla-redigo)
        if GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE=$WIRE_PEERS/gocache \
            go build -o "$WIRE_PEERS/bin/chat-redigo" bench/peers/chat_redigo.go 2>"$OUT/go-build.log"; then
            KINDS+=(gorilla-redigo)
        else
            log "gorilla+redigo not built (see $OUT/go-build.log; needs golang-github-gorilla-websocket-dev and golang-github-gomodule-redigo-dev)"
        fi ;;
    socketio-redis)
        NODE_DIR=$WIRE_PEERS/backplane-node
        if [ ! -d "$NODE_DIR/node_modules/@socket.io/redis-adapter" ]; then
            mkdir -p "$NODE_DIR"
            (cd "$NODE_DIR" && npm init -y >/dev/null &&
                npm install --no-audit --no-fund socket.io @socket.io/redis-adapter redis) >"$OUT/npm.log" 2>&1
        fi
        if [ -d "$NODE_DIR/node_modules/@socket.io/redis-adapter" ]; then
            KINDS+=(socketio-redis)
        else
            log "socket.io not installed (see $OUT/npm.log)"
        fi ;;
    esac
done

PIDS=()
stop_all() {
    local p
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
    PIDS=()
}
trap 'stop_all; exit 130' INT TERM
trap stop_all EXIT
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() {
    local i
    for i in $(seq 100); do port_open "$1" && return 0; sleep 0.1; done
    log "nothing listens on $1"; return 1
}
# start PORT CMD...: one pinned server process, remembered for CPU and for stopping.
start() {
    local port=$1; shift
    "${PIN_SERVER[@]}" "$@" >>"$OUT/servers.log" 2>&1 </dev/null &
    PIDS+=($!)
    wait_port "$port"
}

# launch KIND: starts its processes; sets PORTS (three, comma-separated) for the load.
launch() {
    local kind=$1 redis=$((PORT_BASE)) a=$((PORT_BASE + 1)) b=$((PORT_BASE + 2)) c=$((PORT_BASE + 3))
    local dir; dir=$(mktemp -d "$OUT/redis-XXXX")
    if [ "$kind" = wire-single ]; then
        start "$a" "$BIN/backplane_server" --port "$a" || return 1
        PORTS=$a,$a,$a
        return 0
    fi
    start "$redis" redis-server --port "$redis" --bind 127.0.0.1 --save '' --appendonly no \
        --dir "$dir" --logfile "$dir/redis.log" || return 1
    local p
    for p in "$a" "$b" "$c"; do
        case $kind in
        wire-redis) start "$p" "$BIN/backplane_server" --port "$p" --redis "127.0.0.1:$redis" --shared-loop ;;
        gorilla-redigo) start "$p" "$WIRE_PEERS/bin/chat-redigo" -port "$p" -redis "127.0.0.1:$redis" ;;
        socketio-redis) start "$p" env NODE_PATH="$WIRE_PEERS/backplane-node/node_modules" \
            node bench/peers/chat_socketio.js "$p" "127.0.0.1:$redis" ;;
        esac || return 1
    done
    PORTS=$a,$b,$c
}

pids_csv() { local IFS=,; echo "${PIDS[*]}"; }
kv() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

RAW=$OUT/raw.csv
echo "kind,round,deliveries_per_s,deliveries_per_cpu_s,p50_us,p99_us,lost,runnable_waiting_s" >"$RAW"
for r in $(seq 1 "$ROUNDS"); do
    for kind in "${KINDS[@]}"; do
        [ "$THROUGHPUT" = 1 ] || continue
        if launch "$kind"; then
            proto=ws; [ "$kind" = socketio-redis ] && proto=sio
            line=$("${PIN_CLIENT[@]}" "$BIN/backplane_load" --proto "$proto" --ports "$PORTS" \
                --subs "$SUBS" --window "$WINDOW" --duration "$DURATION" --pids "$(pids_csv)" |
                grep '^RESULT')
            echo "$kind r$r: $line" >>"$OUT/results.txt"
            [ -n "$line" ] && echo "$kind,$r,$(kv "$line" deliveries_per_s),$(kv "$line" deliveries_per_cpu_s),$(kv "$line" p50_us),$(kv "$line" p99_us),$(kv "$line" lost),$(kv "$line" runnable_waiting_s)" >>"$RAW"
        fi
        stop_all
    done
    # Latency at a given rate, three instances through redis: RATE:SUBS pairs of LATENCY.
    for pair in $LATENCY; do
        rate=${pair%%:*}; subs=${pair##*:}
        if launch wire-redis; then
            line=$("${PIN_CLIENT[@]}" "$BIN/backplane_load" --ports "$PORTS" --subs "$subs" \
                --rate "$rate" --duration "$DURATION" --pids "$(pids_csv)" | grep '^RESULT')
            echo "wire-redis@$rate x$subs r$r: $line" >>"$OUT/results.txt"
            [ -n "$line" ] && echo "wire-redis@${rate}msg/s x$((3 * subs)),$r,$(kv "$line" deliveries_per_s),$(kv "$line" deliveries_per_cpu_s),$(kv "$line" p50_us),$(kv "$line" p99_us),$(kv "$line" lost),$(kv "$line" runnable_waiting_s)" >>"$RAW"
        fi
        stop_all
    done
    log "round $r done"
done

# Median [min-max] per kind, then the ratios the targets name (medians of deliveries/CPU-s).
python3 - "$RAW" "$SUBS" <<'EOF'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
kinds = list(dict.fromkeys(r["kind"] for r in rows))
cols = ["deliveries_per_s", "deliveries_per_cpu_s", "p50_us", "p99_us", "lost", "runnable_waiting_s"]
def cell(vals):
    m = statistics.median(vals)
    f = ",.1f" if max(vals) < 100 else ",.0f"
    return f"{m:{f}} [{min(vals):{f}}-{max(vals):{f}}]"
print(f"3 instances x {sys.argv[2]} subscribers, 64 B, median [min-max] of {len(rows) // max(1, len(kinds))} rounds")
print(f"{'server':<28}" + "".join(f"{c:>32}" for c in cols))
med = {}
for k in kinds:
    vals = {c: [float(r[c]) for r in rows if r["kind"] == k] for c in cols}
    med[k] = statistics.median(vals["deliveries_per_cpu_s"])
    print(f"{k:<28}" + "".join(f"{cell(vals[c]):>32}" for c in cols))
w = med.get("wire-redis")
if w:
    for k, target in (("gorilla-redigo", 5), ("socketio-redis", 10), ("wire-single", 0.7)):
        if k in med and med[k] > 0:
            print(f"wire-redis / {k} in deliveries per CPU-second: {w / med[k]:.2f}x (target >= {target}x)")
EOF
echo "raw: $RAW"

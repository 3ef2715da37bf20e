#!/usr/bin/env bash
# bench-net.sh: TCP echo on wire's EventLoop beside two peers, in one run:
#   raw-epoll  the same echo written straight on epoll (bench/echo_bench/raw_server.cpp): the floor
#   go         Go's net, a goroutine per connection (bench/peers/echo.go)
# Measures (server pinned to core 0 with one thread, the load generator on core 1):
#   1. messages/s in ping-pong for CONNS x SIZES (median of ROUNDS; servers interleaved per round)
#   2. syscalls per echo round trip in the steady state (strace -c -f on the server, 1 and 100
#      connections, 16 B, 5000/20000 round trips after a warm-up; the total includes the
#      accept and setup calls of the measured connections, ~0.005 per echo at 100 connections)
#   3. server RSS growth per idle connection at IDLE_N connections (after one echo each)
# env: ROUNDS=3 DURATION=1 CONNS="1 100 1000" SIZES="16 4096" IDLE_N=10000 SYSCALLS=1
#      PORT_BASE=19100 OUT=dir
set -u
cd "$(dirname "$0")/.."
KIT=${BENCH_KIT:-}
for k in ../shared/bench ../../shared/bench /work/shared/bench; do
    [ -z "$KIT" ] && [ -f "$k/lib.sh" ] && KIT=$k
done
[ -n "$KIT" ] || { echo "bench kit (shared/bench/lib.sh) not found; set BENCH_KIT" >&2; exit 1; }
source "$KIT/lib.sh"
ROUNDS=${ROUNDS:-3}; DURATION=${DURATION:-1}; CONNS=${CONNS:-"1 100 1000"}; SIZES=${SIZES:-"16 4096"}
IDLE_N=${IDLE_N:-10000}; SYSCALLS=${SYSCALLS:-1}; PORT_BASE=${PORT_BASE:-19100}
OUT=${OUT:-$RESULTS_DIR/net-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
BIN=$PWD/${BUILD:-build}/bench
ECHO=$BIN/echo_bench
[ -x "$ECHO" ] || { echo "missing $ECHO (make bench-bins)" >&2; exit 1; }
trap 'stop_server; exit 130' INT TERM
trap 'stop_server' EXIT

NAMES=(wire raw-epoll); CMDS=("$ECHO wire-server --port \$PORT" "$ECHO raw-server --port \$PORT")
if command -v go >/dev/null &&
   GOCACHE=${GOCACHE:-$WIRE_PEERS/gocache} go build -o "$BIN/go-echo" bench/peers/echo.go 2>"$OUT/go-build.log"; then
    NAMES+=(go); CMDS+=("$BIN/go-echo -port \$PORT")
else
    log "go echo peer not built (see $OUT/go-build.log); measuring without it"
fi
RAW=$OUT/raw.csv
echo "server,kind,conns,size,round,value" >"$RAW"
client() { ulimit -n "$(ulimit -Hn)" 2>/dev/null; taskset -c "$CLIENT_CORE" "$ECHO" "$@"; }

# 1. throughput
for r in $(seq 1 "$ROUNDS"); do
    for i in "${!NAMES[@]}"; do
        name=${NAMES[$i]}; port=$((PORT_BASE + i))
        start_server "$name" "${CMDS[$i]}" "$port" 1 1 "$OUT/server-$name.log" || continue
        for c in $CONNS; do
            for s in $SIZES; do
                line=$(client load --port "$port" --conns "$c" --size "$s" --seconds "$DURATION" | grep '^RESULT')
                echo "$name,msgs_per_s,$c,$s,$r,$(kv "$line" msgs_per_s)" >>"$RAW"
            done
        done
        stop_server
    done
    log "round $r done"
done

# 2. syscalls per round trip (strace slows the server; only the counts matter here)
if [ "$SYSCALLS" = 1 ] && command -v strace >/dev/null; then
    for i in "${!NAMES[@]}"; do
        name=${NAMES[$i]}; port=$((PORT_BASE + i))
        start_server "$name" "${CMDS[$i]}" "$port" 1 1 "$OUT/server-$name.log" || continue
        pid=$(ps -o pid= -s "$SRV_SID" | tail -1 | tr -d ' ')
        for c in 1 100; do
            client load --port "$port" --conns "$c" --size 16 --messages 2000 >/dev/null  # warm-up
            st=$OUT/strace-$name-c$c.txt
            strace -f -c -o "$st" -p "$pid" 2>/dev/null & spid=$!
            sleep 0.5
            line=$(client load --port "$port" --conns "$c" --size 16 --messages $((c == 1 ? 5000 : 20000)) | grep '^RESULT')
            kill -INT "$spid"; wait "$spid" 2>/dev/null
            msgs=$(kv "$line" messages)
            total=$(awk '$NF=="total"{print $(NF-2)}' "$st")
            echo "$name,syscalls_per_echo,$c,16,1,$(awk -v t="$total" -v m="$msgs" 'BEGIN{printf "%.2f", t/m}')" >>"$RAW"
            detail=$(awk -v m="$msgs" '$1 ~ /^[0-9.]+$/ && NF>=5 {printf "%s=%.2f ", $NF, $4/m}' "$st")
            log "$name c=$c: $detail"
            echo "$name c=$c per echo: $detail" >>"$OUT/syscalls.txt"
        done
        stop_server
    done
fi

# 3. idle memory
for i in "${!NAMES[@]}"; do
    name=${NAMES[$i]}; port=$((PORT_BASE + i))
    start_server "$name" "${CMDS[$i]}" "$port" 1 1 "$OUT/server-$name.log" || continue
    pid=$(ps -o pid= -s "$SRV_SID" | tail -1 | tr -d ' ')
    line=$(client idle --port "$port" --conns "$IDLE_N" --server-pid "$pid" | grep '^RESULT')
    echo "$name,idle_bytes_per_conn,$IDLE_N,16,1,$(kv "$line" bytes_per_conn)" >>"$RAW"
    stop_server
done

python3 - "$RAW" "${NAMES[@]}" <<'PY'
import csv, statistics, sys
raw, names = sys.argv[1], sys.argv[2:]
rows = list(csv.DictReader(open(raw)))
def med(name, kind, conns, size):
    v = [float(r["value"]) for r in rows if r["server"] == name and r["kind"] == kind
         and r["conns"] == conns and r["size"] == size and r["value"] not in ("", "nan")]
    return statistics.median(v) if v else None
keys = []
for r in rows:
    k = (r["kind"], r["conns"], r["size"])
    if k not in keys: keys.append(k)
peers = [n for n in names if n != "wire"]
head = f"{'measure':<20}{'conns':>6}{'size':>6}" + "".join(f"{n:>12}" for n in names) + \
       "".join(f"{'wire/' + p:>16}" for p in peers)
print(head)
for kind, conns, size in keys:
    vals = [med(n, kind, conns, size) for n in names]
    line = f"{kind:<20}{conns:>6}{size:>6}" + "".join(f"{v:>12.0f}" if v is not None and v >= 100
            else (f"{v:>12.2f}" if v is not None else f"{'-':>12}") for v in vals)
    w = vals[0]
    for p in peers:
        pv = vals[names.index(p)]
        line += f"{w / pv:>16.2f}" if w is not None and pv else f"{'-':>16}"
    print(line)
print("msgs_per_s: higher is better (ratio > 1: wire faster); syscalls and idle bytes: lower is better")
PY
echo "raw results: $RAW"

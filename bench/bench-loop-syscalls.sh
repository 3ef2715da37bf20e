#!/usr/bin/env bash
# System calls and CPU time per request of the HTTP hello server on each event-loop backend,
# beside the ceiling servers (bench/ceiling_http_*). Both figures are counts, not rates: they do
# not move with the machine's load the way requests per second do, so they compare backends on a
# busy machine. (Under strace the server runs slower, so with many connections a wake-up finds
# more requests waiting: read the per-request calls at c=1 as exact, at c=100 as a lower bound.)
#
#   bash bench/bench-loop-syscalls.sh          (CONNS="1 100" DURATION=3; needs wrk, strace, perf)
#   CONNECT=1 CONNS=20 bash bench/bench-loop-syscalls.sh   (a connection per request, 2,000 of
#   them; wire only)
#
# Server pinned to CPU 0, wrk to CPU 1, one loop (WORKERS=1). For each server and connection
# count: one wrk run under `strace -c -f` (calls per request, by name) and one under
# `perf stat -e task-clock` (the server's CPU time per request, user and kernel: a VM without a
# PMU counts no instructions; this one moves with the load, so compare rows of the same run;
# bench/bench-http-instructions.sh counts the user-space instructions with callgrind).
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
CONNS=${CONNS:-"1 100"}
DURATION=${DURATION:-3}
PORT=${PORT:-9351}
make --no-print-directory -j2 "$BUILD/examples/hello_server" "$BUILD/bench/ceiling_http_uring" \
    "$BUILD/bench/ceiling_http_epoll" >/dev/null || exit 1
for t in wrk strace perf taskset; do
    command -v $t >/dev/null || { echo "$t missing: skipped"; exit 0; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# name|environment|command
servers=("wire-epoll|WIRE_LOOP=epoll WORKERS=1|$BUILD/examples/hello_server --port $PORT"
    "wire-uring|WIRE_LOOP=uring WORKERS=1|$BUILD/examples/hello_server --port $PORT"
    "ceiling-epoll|X=1|$BUILD/bench/ceiling_http_epoll --port $PORT"
    "ceiling-uring|X=1|$BUILD/bench/ceiling_http_uring --port $PORT")

wait_port() {
    for _ in $(seq 50); do
        (exec 3<>/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# A connection per request (CONNECT=1): N connections one after the other, one GET each.
cat >"$work/connect.py" <<'PY'
import socket, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
req = b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
for _ in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(req)
    while s.recv(65536):
        pass
    s.close()
print(n)
PY

# load C -> requests completed by wrk (or by connect.py with CONNECT=1: C x 100 connections)
load() {
    if [ "${CONNECT:-0}" = 1 ]; then
        taskset -c 1 python3 "$work/connect.py" "$PORT" "$(($1 * 100))"
        return
    fi
    taskset -c 1 wrk -t1 -c"$1" -d"${DURATION}s" "http://127.0.0.1:$PORT/" >"$work/wrk" 2>&1
    awk '/requests in/{print $1}' "$work/wrk"
}

# run NAME ENV CMD C: prints a row of the table
run() {
    local name=$1 vars=$2 cmd=$3 c=$4 pid n n2 calls top ins
    env $vars taskset -c 0 strace -c -f -o "$work/strace" $cmd >/dev/null 2>&1 &
    pid=$!
    wait_port || { echo "$name did not start"; kill "$pid"; return; }
    n=$(load "$c")
    pkill -TERM -P "$pid"; wait "$pid" 2>/dev/null  # the server, which strace then reports on
    calls=$(awk '$NF=="total"{print $(NF-2)}' "$work/strace")
    top=$(awk 'NR>2 && $1 ~ /^[0-9.]+$/ && $NF!="total"{printf "%s=%.2f ", $NF, $4/'"$n"'}' \
        "$work/strace" | tr ' ' '\n' | sort -t= -k2 -rn | head -4 | tr '\n' ' ')
    env $vars taskset -c 0 $cmd >/dev/null 2>&1 &
    pid=$!
    wait_port || { echo "$name did not start"; kill "$pid"; return; }
    load 2 >/dev/null
    perf stat -e task-clock -x, -o "$work/perf" -p "$pid" &
    local perf_pid=$!
    n2=$(load "$c")
    kill -INT "$perf_pid"; wait "$perf_pid" 2>/dev/null
    kill -TERM "$pid"; wait "$pid" 2>/dev/null
    ins=$(awk -F, '/task-clock/{print $1}' "$work/perf")  # milliseconds
    printf "| %s | %s | %.2f | %s | %.1f |\n" "$name" "$c" "$(echo "$calls / $n" | bc -l)" "$top" \
        "$(echo "$ins * 1000 / $n2" | bc -l)"
}

echo "| server | connections | system calls per request | the most frequent | CPU us per request |"
echo "|---|---|---|---|---|"
for c in $CONNS; do
    for s in "${servers[@]}"; do
        IFS='|' read -r name vars cmd <<<"$s"
        # The ceiling servers keep a connection open after the response: no CONNECT rows.
        [ "${CONNECT:-0}" = 1 ] && [[ $name == ceiling* ]] && continue
        run "$name" "$vars" "$cmd" "$c"
    done
done

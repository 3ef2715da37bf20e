#!/usr/bin/env bash
# make bench, http section 2: instructions the server executes per request, counted by
# valgrind's callgrind. Unlike requests/s this figure does not move with the machine's load, so
# it is the one to watch while optimising the request path (parse, route, handler, response).
#
#   bash bench/bench-http-instructions.sh          (about a minute; needs valgrind and python3)
#
# Two shapes, both "GET / HTTP/1.1" + Host against examples/hello_server:
#   pipelined  16 requests per write: the user-space cost of one request, loop costs amortised;
#   one-by-one a request, wait for its response, repeat: adds the loop's per-wake-up costs.
# The syscalls themselves (recv, send, epoll_wait) are kernel time and not counted here.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
bin=$BUILD/examples/hello_server
port=${PORT:-9341}
[ -x "$bin" ] || { echo "missing $bin: run make examples"; exit 1; }
command -v valgrind >/dev/null || { echo "valgrind missing: skipped"; exit 0; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat >"$work/client.py" <<'EOF'
import socket, sys
port, batches, depth = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
s = socket.create_connection(("127.0.0.1", port))
payload = b"GET / HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n" % port * depth
for _ in range(batches):
    s.sendall(payload)
    got = b""
    while got.count(b"hello world!\n") < depth:
        d = s.recv(65536)
        if not d:
            sys.exit("server closed the connection")
        got += d
EOF

# measure BATCHES DEPTH -> instructions per request, counting only the measured phase
measure() {
    local batches=$1 depth=$2 out=$work/cg.$2
    valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" --port "$port" >/dev/null 2>&1 &
    local pid=$!
    for _ in $(seq 50); do python3 -c "import socket;socket.create_connection(('127.0.0.1',$port))" 2>/dev/null && break; sleep 0.2; done
    python3 "$work/client.py" "$port" 10 "$depth"  # warm-up: first-use costs, lazy binding
    callgrind_control -z "$pid" >/dev/null 2>&1
    python3 "$work/client.py" "$port" "$batches" "$depth"
    callgrind_control -d "$pid" >/dev/null 2>&1
    kill -INT "$pid"; wait "$pid" 2>/dev/null
    local ir
    ir=$(callgrind_annotate "$(ls "$out".*[0-9] | tail -1)" 2>/dev/null |
        awk '/PROGRAM TOTALS/{gsub(",","",$1); print $1}' | tail -1)
    echo $((ir / (batches * depth)))
}

pipelined=$(measure 500 16)
single=$(measure 4000 1)
echo
echo "| request shape | instructions per request |"
echo "|---|---|"
echo "| pipelined, 16 per write | $pipelined |"
echo "| one at a time | $single |"

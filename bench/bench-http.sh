#!/usr/bin/env bash
# make bench, http section: wire's hello_server beside nginx and Go net/http in the same run, with
# the shared kit (../shared/bench/http-bench.sh: wrk keep-alive and pipelined; idle-mem.sh: RSS per
# idle keep-alive connection), then a table with ratios to nginx.
#   ROUNDS=3 DURATION=10 bash bench/bench-http.sh        (quick look: ROUNDS=1 DURATION=3)
#   N=10000 for the idle-memory part; IDLE=0 skips it.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
KIT=${KIT:-../shared/bench}
[ -d "$KIT" ] || KIT=/work/shared/bench
export WIRE_PEERS=${WIRE_PEERS:-/tmp/wire-peers}
bin=$BUILD/examples/hello_server
[ -x "$bin" ] || { echo "missing $bin: run make"; exit 1; }
[ -x "$WIRE_PEERS/bin/gohttp" ] || echo "note: $WIRE_PEERS/bin/gohttp missing (run $KIT/setup.sh)"
export ROUNDS=${ROUNDS:-3} DURATION=${DURATION:-10}
stamp=$(date +%Y%m%d-%H%M%S)
out=${OUT:-/tmp/wire-bench-results/http-wire-$stamp}
mkdir -p "$out"

OUT=$out "$KIT/http-bench.sh" \
    "$bin --port \$PORT" 8080 wire \
    "$KIT/servers/nginx.sh" 8082 nginx \
    "\$WIRE_PEERS/bin/gohttp -port \$PORT" 8081 go >"$out/http.txt" 2>&1
python3 "$KIT/tools/summarize.py" --ratio-to nginx "$out/raw.csv"

if [ "${IDLE:-1}" != 0 ]; then
    KIND=http N=${N:-10000} OUT=$out/idle "$KIT/idle-mem.sh" \
        "$bin --port \$PORT" 8080 wire \
        "$KIT/servers/nginx.sh" 8082 nginx
fi

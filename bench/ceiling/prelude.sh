# prelude.sh: what bench-ceiling.sh and bench-pairs.sh do first. Sourced from the repository's
# root with NAME set to the script's name: under make it says so and exits (unless CEILING=1:
# both are long, and measure the machine more than wire); it finds the shared bench kit (KIT)
# and builds wire's two example servers and the four ceiling servers into BUILD (B: its path).
if [ -n "${MAKELEVEL:-}" ] && [ "${CEILING:-0}" != 1 ]; then
    echo "$NAME: skipped under make (run bash bench/$NAME.sh, or CEILING=1 make bench)"
    exit 0
fi
KIT=${BENCH_KIT:-}
for k in ../shared/bench ../../shared/bench /work/shared/bench; do
    [ -z "$KIT" ] && [ -f "$k/lib.sh" ] && KIT=$k
done
[ -n "$KIT" ] || { echo "bench kit (shared/bench) not found; set BENCH_KIT" >&2; exit 1; }
export WIRE_PEERS=${WIRE_PEERS:-/tmp/wire-peers}
BUILD=${BUILD:-build}
B=$PWD/$BUILD
make --no-print-directory -j2 "$BUILD/examples/hello_server" "$BUILD/examples/ws_event_echo_server" \
    "$BUILD/bench/ceiling_http_epoll" "$BUILD/bench/ceiling_http_uring" \
    "$BUILD/bench/ceiling_ws_epoll" "$BUILD/bench/ceiling_ws_uring" >/dev/null || exit 1

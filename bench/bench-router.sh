#!/usr/bin/env bash
# Router: ns per match (tree walk vs a linear scan over the same parsed patterns, same run),
# callgrind instructions per match (deterministic, unlike the clock on a shared machine), and
# heap allocations per warm match. Go 1.22's ServeMux would be the natural peer, but the
# machine's Go is 1.19 (no 1.22 routing), so the linear scan is the baseline.
# Knobs: RUNS=5 (timed runs, median), INSNS=1 (0 skips callgrind).
set -u
cd "$(dirname "$0")/.."
bin=${BUILD:-build}/bench/router
[ -x "$bin" ] || { echo "bench-router: $bin not built (make bench-bins)"; exit 1; }
pin=""; command -v taskset >/dev/null && pin="taskset -c 1"
$pin "$bin" "${RUNS:-5}"

# Instructions per match: the difference between two callgrind runs of different lengths
# cancels set-up; the scan side runs a quarter of the iterations.
refs() {
    ROUTER_BENCH_ONLY=$1 ROUTER_BENCH_ITERATIONS=$2 valgrind --tool=callgrind \
        --callgrind-out-file=/dev/null "$bin" 1 2>&1 | grep -oE 'refs: +[0-9,]+' | tr -dc 0-9
}
if [ "${INSNS:-1}" = 1 ] && command -v valgrind >/dev/null; then
    t=$(( ($(refs tree 24000) - $(refs tree 12000)) / 12000 ))
    s=$(( ($(refs scan 24000) - $(refs scan 12000)) / 3000 ))
    printf '%-34s %10s %8s\n' "router (callgrind)" "insns" "x wire"
    printf '%-34s %10d %8.2f\n' "wire Router (tree walk)" "$t" 1
    printf '%-34s %10d %8.2f\n' "linear scan, same patterns" "$s" "$(awk -v a="$s" -v b="$t" 'BEGIN { printf "%.2f", a / b }')"
fi

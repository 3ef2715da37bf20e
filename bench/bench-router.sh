#!/usr/bin/env bash
# Router: ns per match, tree walk vs linear scan, and allocations per warm match.
# Go 1.22's ServeMux would be the natural peer, but the machine's Go is 1.19 (no 1.22 routing),
# so the baseline is a linear scan over the same parsed patterns, measured in the same run.
set -u
cd "$(dirname "$0")/.."
bin=${BUILD:-build}/bench/router
[ -x "$bin" ] || { echo "bench-router: $bin not built (make bench-bins)"; exit 1; }
if command -v taskset >/dev/null; then taskset -c 1 "$bin" "${RUNS:-5}"; else "$bin" "${RUNS:-5}"; fi

#!/usr/bin/env bash
# WebSocket codec micro-benchmarks (bench/ws_codec_bench.cpp): unmasking beside memcpy (target
# >= 50% at 64 KiB), UTF-8 validation on ASCII (target >= 2 GB/s) and multibyte text, frame
# encode+decode per second; Boost.Beast's unmask and UTF-8 checker in the same run when installed.
# Pinned to one core with taskset when there is one to spare. RUNS=N sets the runs per median.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
bin=$BUILD/bench/ws_codec_bench
[ -x "$bin" ] || make --no-print-directory "$bin" >/dev/null || exit 1
pin=()
command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ] && pin=(taskset -c 1)
"${pin[@]}" "$bin" --runs "${RUNS:-5}" | grep -v '^RESULT'

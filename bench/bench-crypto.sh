#!/usr/bin/env bash
# make bench, crypto section: SHA-1 and Base64 beside OpenSSL in the same process (bench/crypto_bench.cpp).
# Pinned to one core when taskset exists, so the two sides share the same core and cache.
#   RUNS=7 MS=50 CORE=1 bash bench/bench-crypto.sh
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
bin=$BUILD/bench/crypto_bench
[ -x "$bin" ] || { echo "missing $bin: run make bench-bins"; exit 1; }
pin=()
if command -v taskset >/dev/null; then pin=(taskset -c "${CORE:-1}"); fi
"${pin[@]}" "$bin" --runs "${RUNS:-7}" --ms "${MS:-50}"

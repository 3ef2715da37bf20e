#!/usr/bin/env bash
# make bench, compress section: wire's deflate (and inflate, when its benchmark is built)
# beside zlib, libdeflate and ISA-L on the corpus of bench/corpus.sh, pinned to one core so every
# peer sees the same core and cache; medians of RUNS rounds, in thread CPU time.
#   RUNS=5 MS=30 CORE=1 bash bench/bench-compress.sh
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
corpus=$BUILD/bench-corpus
bash bench/corpus.sh "$corpus" >/dev/null || { echo "bench/corpus.sh failed"; exit 1; }
pin=()
if command -v taskset >/dev/null; then pin=(taskset -c "${CORE:-1}"); fi
status=0
bin=$BUILD/bench/deflate_bench
if [ -x "$bin" ]; then
    "${pin[@]}" "$bin" --corpus "$corpus" --runs "${RUNS:-5}" --ms "${MS:-30}" || status=1
else
    echo "missing $bin: run make bench-bins"; status=1
fi
bin=$BUILD/bench/inflate_bench
if [ -x "$bin" ]; then
    echo
    "${pin[@]}" "$bin" --runs "${RUNS:-5}" --ms "${MS:-30}" \
        "$corpus/licenses.txt" "$corpus/manpage.txt" "$corpus/bash.elf" "$corpus/sources.txt" \
        "$corpus/messages.jsonl" || status=1
fi
exit $status

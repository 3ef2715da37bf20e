#!/usr/bin/env bash
# make bench: runs every benchmark in bench/ and prints its table. Each bench-*.sh is one section.
set -u
cd "$(dirname "$0")/.."
status=0
for b in bench/bench-*.sh; do
    [ -f "$b" ] || continue
    echo "### $(basename "$b" .sh)"
    bash "$b" || status=1
done
exit $status

#!/usr/bin/env bash
# Runs each libFuzzer target for FUZZ_SECONDS on a copy of its seed corpus; fails on any crash,
# leak or sanitizer report. Prints the executions each target made.
set -u
cd "$(dirname "$0")/.."
dir=$1; shift
secs=${FUZZ_SECONDS:-20}
bad=0
for t in "$@"; do
    work=$(mktemp -d)
    [ -d "fuzz/corpus/$t" ] && cp -r "fuzz/corpus/$t/." "$work/"
    dict=""; [ -f "fuzz/$t.dict" ] && dict="-dict=fuzz/$t.dict"
    [ -z "$dict" ] && [ -f "fuzz/${t%%_*}.dict" ] && dict="-dict=fuzz/${t%%_*}.dict"
    log=$(mktemp)
    if "$dir/$t" "$work" $dict -max_total_time="$secs" -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/" >"$log" 2>&1; then
        execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$')
        [ -n "$execs" ] || execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
        echo "fuzz $t: ok, ${execs:-?} executions in ${secs}s"
    else
        echo "fuzz $t: FAILED"; tail -60 "$log"; bad=1
        ls "$work"/crash-* "$work"/leak-* 2>/dev/null
    fi
    rm -rf "$work" "$log"
done
exit $bad

#!/usr/bin/env bash
# Runs each libFuzzer target for FUZZ_SECONDS on a copy of its seed corpus; fails on any crash,
# leak or sanitizer report. Prints the executions each target made. The targets run
# FUZZ_JOBS at a time (default: one per core); their reports are printed in the order given.
set -u
cd "$(dirname "$0")/.."
dir=$1; shift
export FUZZ_DIR=$dir FUZZ_SECONDS=${FUZZ_SECONDS:-20}

# fuzz_one TARGET REPORT: runs one target, writes its report to REPORT; fails on a finding.
fuzz_one() {
    local t=$1 report=$2 work log dict execs
    work=$(mktemp -d)
    [ -d "fuzz/corpus/$t" ] && cp -r "fuzz/corpus/$t/." "$work/"
    dict=""; [ -f "fuzz/$t.dict" ] && dict="-dict=fuzz/$t.dict"
    [ -z "$dict" ] && [ -f "fuzz/${t%%_*}.dict" ] && dict="-dict=fuzz/${t%%_*}.dict"
    log=$(mktemp)
    if "$FUZZ_DIR/$t" "$work" $dict -max_total_time="$FUZZ_SECONDS" -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$work/" >"$log" 2>&1; then
        execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$')
        [ -n "$execs" ] || execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
        echo "fuzz $t: ok, ${execs:-?} executions in ${FUZZ_SECONDS}s" >"$report"
        rm -rf "$work" "$log"
        return 0
    fi
    { echo "fuzz $t: FAILED"; tail -60 "$log"; ls "$work"/crash-* "$work"/leak-* 2>/dev/null; } >"$report"
    rm -f "$log"
    return 1
}
export -f fuzz_one

reports=$(mktemp -d)
printf '%s\n' "$@" | xargs -P "${FUZZ_JOBS:-$(nproc)}" -I{} bash -c 'fuzz_one "$1" "$2/$1"' _ {} "$reports"
bad=0
for t in "$@"; do
    if [ -f "$reports/$t" ]; then cat "$reports/$t"; else echo "fuzz $t: FAILED (no report)"; fi
    grep -q "^fuzz $t: ok" "$reports/$t" 2>/dev/null || bad=1
done
rm -rf "$reports"
exit $bad

#!/usr/bin/env bash
# Runs every test suite of wire and ends with one line: "N passed, N failed, N skipped".
#
#   tools/run-tests.sh build/tests/*_tests
#
# Each doctest binary contributes its test-case counts; every other check (fuzz corpus replay,
# check-headers, check-layers, the install test) counts as one test. SUITES=unit runs only the
# doctest binaries and the corpus replays (what the sanitizer builds run); SUITES=doctest only the
# doctest binaries (`make test-epoll` runs them again on epoll event loops, WIRE_LOOP=epoll).
#
# The doctest binaries run TEST_JOBS at a time (default 4): they spend most of their time waiting
# on sockets, timers and peer processes, not on the CPU. The longest start first, and the longest
# of all, websocket_tests, runs as two halves side by side (shards_of). Each run's report is
# printed, in the order started, once it has finished. TEST_JOBS=1 runs them one after the other. The static checks
# (which compile: every public header alone, the install test's programs) run beside them and
# take that idle CPU; their results are printed at the end.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
SUITES=${SUITES:-all}
[ -n "$SUITES" ] || SUITES=all
export WIRE_BUILD=$BUILD
passed=0 failed=0 skipped=0
failures=()

pass() { passed=$((passed + 1)); printf '  ok   %s\n' "$1"; }
fail() { failed=$((failed + 1)); failures+=("$1"); printf '  FAIL %s\n' "$1"; }

# The names of the test cases with a failure in a doctest log, each once.
failed_test_cases() {
    awk '/^=+$/ { tc = "" }
         /^TEST CASE: / { tc = $0; sub(/^TEST CASE: +/, "", tc) }
         tc != "" && /ERROR|FAILED|Sanitizer|runtime error/ { print tc; tc = "" }' "$1" | sort -u
}

# The doctest runs a binary is split into, one line each: its filter, or nothing for a whole run.
# websocket_tests waits on Node, Python, Go and Chromium peers for most of a minute: its interop
# and browser files run beside the rest. Each test case is in exactly one half.
shards_of() {
    case $(basename "$1") in
    websocket_tests) printf '%s\n' '-sf=*interop*,*browser*' '-sfe=*interop*,*browser*' ;;
    *) echo "" ;;
    esac
}

# Binaries started first, the longest first, so that none of them starts last and holds up the end.
start_order() {
    local first=(websocket_tests examples_tests http_tests compress_tests) name bin
    for name in "${first[@]}"; do
        for bin in "$@"; do [ "$(basename "$bin")" = "$name" ] && echo "$bin"; done
    done
    for bin in "$@"; do
        [[ " ${first[*]} " == *" $(basename "$bin") "* ]] || echo "$bin"
    done
}

# Per sharded binary: test cases run over its shards, and the test cases it has.
declare -A shard_run=() shard_total=()

# A doctest run's report from its output in `log`: add its summary line's numbers; a crash
# without a summary is one failure. A shard's "skipped" counts the other shards' test cases,
# so a sharded binary's skipped test cases are added once all its shards have reported.
report_doctest() {
    local bin=$1 log=$2 filter=${3:-}
    echo "== $bin${filter:+ $filter}"
    # Failures in full, MESSAGE lines as "note <test case>: <message>" (tools/doctest-filter.awk).
    awk -f tools/doctest-filter.awk "$log" | head -200
    local line
    line=$(grep -E '^\[doctest\] test cases:' "$log" | tail -1)
    if [ -z "$line" ]; then
        tail -30 "$log"
        fail "$bin (crashed or timed out before its summary)"
    else
        local p f s
        p=$(sed -E 's/.*\| *([0-9]+) passed.*/\1/' <<<"$line")
        f=$(sed -E 's/.*\| *([0-9]+) failed.*/\1/' <<<"$line")
        s=$(sed -E 's/.*\| *([0-9]+) skipped.*/\1/' <<<"$line")
        echo "   $line"
        passed=$((passed + p)); failed=$((failed + f))
        if [ -z "$filter" ]; then
            skipped=$((skipped + s))
        else
            shard_run[$bin]=$((${shard_run[$bin]:-0} + p + f)); shard_total[$bin]=$((p + f + s))
        fi
        if [ "$f" != 0 ]; then
            failures+=("$bin: $f test cases failed")
            # Their names too, so that the closing lines alone say what to rerun.
            local name
            while IFS= read -r name; do failures+=("  $name"); done < <(failed_test_cases "$log")
        fi
        if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|ThreadSanitizer)|runtime error:' "$log"; then
            fail "$bin (sanitizer report)"
        fi
    fi
}

# Runs the doctest binaries TEST_JOBS at a time (xargs starts the runs in the order listed); run
# number i writes $logs/i.log and, when it has ended, $logs/i.done.
run_doctests() {
    local logs i=0 bin filter
    logs=$(mktemp -d)
    [ $# -gt 0 ] || return 0
    # One job per run: "NUMBER BINARY [FILTER]".
    local jobs=()
    while IFS= read -r bin; do
        while IFS= read -r filter; do
            i=$((i + 1))
            jobs+=("$i $bin${filter:+ $filter}")
        done < <(shards_of "$bin")
    done < <(start_order "$@")
    echo "== running $# doctest binaries in ${#jobs[@]} runs, ${TEST_JOBS:-4} at a time"
    printf '%s\n' "${jobs[@]}" |
        LOGS=$logs xargs -P "${TEST_JOBS:-4}" -L 1 bash -c \
            'timeout 1200 "$2" --no-version ${3:+"$3"} >"$LOGS/$1.log" 2>&1; touch "$LOGS/$1.done"' _ &
    local runner=$! job
    for job in "${jobs[@]}"; do
        read -r i bin filter <<<"$job"
        while [ ! -e "$logs/$i.done" ] && kill -0 "$runner" 2>/dev/null; do sleep 0.2; done
        touch "$logs/$i.log"
        report_doctest "$bin" "$logs/$i.log" "$filter"
    done
    wait "$runner"
    rm -rf "$logs"
    # A sharded binary's own skipped test cases: those none of its shards ran.
    for bin in "${!shard_run[@]}"; do
        skipped=$((skipped + ${shard_total[$bin]} - ${shard_run[$bin]}))
    done
}

# static_checks DIR: check-layers, check-headers and the install test, each writing DIR/NAME.log
# and, when it passed, DIR/NAME.ok. Run in the background while the doctest binaries run.
static_checks() {
    local dir=$1
    make --no-print-directory check-layers >"$dir/check-layers.log" 2>&1 && touch "$dir/check-layers.ok"
    make --no-print-directory check-headers CXX="${CXX:-g++}" >"$dir/check-headers.log" 2>&1 &&
        touch "$dir/check-headers.ok"
    bash tools/install-test.sh >"$dir/install-test.log" 2>&1 && touch "$dir/install-test.ok"
}

static_dir=""
if [ "$SUITES" = all ]; then
    static_dir=$(mktemp -d)
    static_checks "$static_dir" &
    static_pid=$!
fi

run_doctests "$@"

[ "$SUITES" = doctest ] || echo "== fuzz corpus replay"
for replay in "$BUILD"/fuzz-replay/*; do
    [ "$SUITES" = doctest ] && break
    [ -x "$replay" ] || continue
    name=$(basename "$replay")
    if "$replay" "fuzz/corpus/$name" >/dev/null 2>&1; then pass "replay $name"; else fail "replay $name"; fi
done

if [ -n "$static_dir" ]; then
    wait "$static_pid"
    echo "== static checks (check-headers: every public header compiles alone), and an install"
    echo "   into a temporary prefix with a program built against it"
    for check in check-layers check-headers install-test; do
        if [ -e "$static_dir/$check.ok" ]; then pass "$check"
        else tail -40 "$static_dir/$check.log"; fail "$check"; fi
    done
    rm -rf "$static_dir"
fi

if [ ${#failures[@]} -gt 0 ]; then
    echo "failures:"; printf '  %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]

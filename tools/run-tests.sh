#!/usr/bin/env bash
# Runs every test suite of wire and ends with one line: "N passed, N failed, N skipped".
#
#   tools/run-tests.sh build/tests/*_tests
#
# Each doctest binary contributes its test-case counts; every other check (fuzz corpus replay,
# check-headers, check-layers, the install test) counts as one test. SUITES=unit runs only the
# doctest binaries and the corpus replays (what the sanitizer builds run).
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

# A doctest binary: add its summary line's numbers; a crash without a summary is one failure.
run_doctest() {
    local bin=$1 log
    log=$(mktemp)
    echo "== $bin"
    # Failures in full, MESSAGE lines as "note <test case>: <message>" (tools/doctest-filter.awk).
    timeout 1200 "$bin" --no-version 2>&1 | tee "$log" | awk -f tools/doctest-filter.awk | head -200
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
        passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
        [ "$f" = 0 ] || failures+=("$bin: $f test cases failed")
        if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|ThreadSanitizer)|runtime error:' "$log"; then
            fail "$bin (sanitizer report)"
        fi
    fi
    rm -f "$log"
}

for bin in "$@"; do run_doctest "$bin"; done

echo "== fuzz corpus replay"
for replay in "$BUILD"/fuzz-replay/*; do
    [ -x "$replay" ] || continue
    name=$(basename "$replay")
    if "$replay" "fuzz/corpus/$name" >/dev/null 2>&1; then pass "replay $name"; else fail "replay $name"; fi
done

if [ "$SUITES" = all ]; then
    echo "== static checks"
    if make --no-print-directory check-layers >/tmp/wire-check-layers.log 2>&1; then pass check-layers
    else cat /tmp/wire-check-layers.log; fail check-layers; fi
    if make --no-print-directory check-headers CXX="${CXX:-g++}" >/tmp/wire-check-headers.log 2>&1; then pass check-headers
    else tail -40 /tmp/wire-check-headers.log; fail check-headers; fi
    echo "== install into a temporary prefix and build a program against it"
    if bash tools/install-test.sh >/tmp/wire-install-test.log 2>&1; then pass install-test
    else tail -40 /tmp/wire-install-test.log; fail install-test; fi
fi

if [ ${#failures[@]} -gt 0 ]; then
    echo "failures:"; printf '  %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]

# Shortens a doctest binary's console output for tools/run-tests.sh.
#
# doctest reports each event as a block that starts with a line of "=" and names its test case:
#
#     ===============================================================================
#     tests/crypto/sha1_test.cpp:96:
#     TEST CASE:  sha1: the portable and SHA-NI block functions agree on every vector
#
#     tests/crypto/sha1_test.cpp:99: MESSAGE: SHA-NI available: yes
#
# A block with a failure (ERROR, FAILED, a WARN that did not hold, a sanitizer report) is printed
# whole. A block with only MESSAGE lines becomes one line per message, with its test case:
#
#     note  sha1: the portable and SHA-NI block functions agree on every vector: SHA-NI available: yes
#
# Lines outside blocks (what the programs under test print) are kept only if they look like
# trouble. The "[doctest]" summary lines are dropped: run-tests.sh prints the totals itself.
function flush(    i) {
    if (n == 0) return
    if (bad) {
        for (i = 1; i <= n; i++) print lines[i]
    } else {
        for (i = 1; i <= notes; i++) printf "  note  %s: %s\n", test_case, note[i]
    }
    n = 0; bad = 0; notes = 0; test_case = ""
}
function trouble(line) {
    return line ~ /ERROR|FAILED|error:|Sanitizer|runtime error|WARNING/
}
/^=+$/ && length($0) >= 20 { flush(); inside = 1; n = 1; lines[1] = $0; next }
/^\[doctest\] / { flush(); inside = 0; next }
inside {
    lines[++n] = $0
    if ($0 ~ /^TEST CASE: /) {
        test_case = $0
        sub(/^TEST CASE: +/, "", test_case)
    } else if ($0 ~ /: MESSAGE: /) {
        note[++notes] = $0
        sub(/^.*: MESSAGE: /, "", note[notes])
    } else if (trouble($0)) {
        bad = 1
    }
    next
}
trouble($0) { print }
END { flush() }

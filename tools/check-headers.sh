#!/usr/bin/env bash
# Every public header compiles on its own: a user may include any one of them first.
# The headers are checked in parallel, one compiler per core.
set -u
cd "$(dirname "$0")/.."
cxx=$1; shift
[ $# -gt 0 ] || { echo "no headers"; exit 0; }
check_one() {  # check_one HEADER: prints the compiler's complaint and the header, fails
    echo "#include \"$1\"" | $cxx -std=c++20 -Wall -Wextra -Wpedantic -Werror -I. -x c++ -fsyntax-only - 2>&1 ||
        { echo "header does not compile alone: $1"; return 1; }
}
export -f check_one
export cxx
if printf '%s\n' "$@" | xargs -P "$(nproc)" -I{} bash -c 'check_one "$1"' _ {}; then
    echo "$# headers compile alone"
else
    exit 1
fi

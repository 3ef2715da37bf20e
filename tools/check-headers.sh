#!/usr/bin/env bash
# Every public header compiles on its own: a user may include any one of them first.
set -u
cd "$(dirname "$0")/.."
cxx=$1; shift
[ $# -gt 0 ] || { echo "no headers"; exit 0; }
bad=0
for h in "$@"; do
    if ! echo "#include \"$h\"" | $cxx -std=c++20 -Wall -Wextra -Wpedantic -Werror -I. -x c++ -fsyntax-only - ; then
        echo "header does not compile alone: $h"; bad=1
    fi
done
[ $bad = 0 ] && echo "$# headers compile alone"
exit $bad

#!/usr/bin/env bash
# Builds every example program against an installed wire, with nothing but pkg-config flags, as
# a reader who installed wire would: tests/install/examples.sh PREFIX
# (tools/install-test.sh calls it after installing into a temporary prefix.)
#
# -O0 keeps it quick; what this checks is that the installed headers and libraries are enough.
set -eu
cd "$(dirname "$0")/../.."
prefix=${1:?usage: examples.sh PREFIX}
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
flags=$(pkg-config --cflags --libs wire)
out="$prefix/examples"
mkdir -p "$out"
build() {  # build NAME SOURCES...
    local name=$1; shift
    ${CXX:-g++} -O0 -w "$@" $flags -o "$out/$name" || { echo "examples.sh: $name failed" >&2; return 1; }
}
export -f build
export CXX flags out
jobs=()
for src in examples/*.cpp; do jobs+=("$(basename "$src" .cpp) $src"); done
for dir in examples/*/; do
    [ -f "$dir/main.cpp" ] && jobs+=("$(basename "$dir") $(ls "$dir"*.cpp | tr '\n' ' ')")
done
printf '%s\n' "${jobs[@]}" | xargs -P 2 -L 1 bash -c 'build "$@"' _
# Run one: the hello server answers through the installed libraries, and exits 0 on SIGTERM.
log="$out/hello.log"
PORT=0 "$out/hello" >"$log" 2>&1 &
pid=$!
for _ in $(seq 50); do grep -q 'listening on' "$log" && break; sleep 0.1; done
url=$(grep -o 'http://[0-9.:]*' "$log" | head -1)
[ "$(curl -s "$url/")" = "hello world!" ] || { echo "examples.sh: hello did not answer" >&2; kill "$pid"; exit 1; }
kill -TERM "$pid"
wait "$pid"
echo "examples built against $prefix: $(ls "$out" | wc -l)"

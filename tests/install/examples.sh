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

# README.md's "Hello, wire", as printed there but for its address (README_ADDR instead of ":8080"):
# it exits 0 after Ctrl-C, and 1 with the reason on stderr when the port is taken.
{
    printf '#include <cstdlib>\n#include <string>\n'
    printf 'static std::string readme_addr() { return std::getenv("README_ADDR"); }\n'
    sed -n '/^## Hello, wire/,/^## /p' README.md | sed -n '/^```cpp$/,/^```$/p' | sed '1d;$d' |
        sed 's/":8080"/readme_addr()/g'
} >"$out/readme_hello.cpp"
grep -q 'readme_addr()' "$out/readme_hello.cpp" || { echo "examples.sh: README's hello not found" >&2; exit 1; }
build readme_hello "$out/readme_hello.cpp"
log="$out/readme_hello.log"
README_ADDR=127.0.0.1:0 "$out/readme_hello" >"$log" 2>&1 &
pid=$!
for _ in $(seq 50); do grep -q 'listening on' "$log" && break; sleep 0.1; done
kill -INT "$pid"
status=0
wait "$pid" || status=$?
[ "$status" = 0 ] || { echo "examples.sh: README's hello exited $status after SIGINT" >&2; cat "$log" >&2; exit 1; }
# A plain listening socket (no SO_REUSEPORT) holds a port; the hello must fail on it, saying so.
exec 4< <(python3 -c 'import socket, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
print(s.getsockname()[1], flush=True); time.sleep(30)')
holder=$!
read -r held <&4
status=0
err=$(README_ADDR=127.0.0.1:$held timeout 10 "$out/readme_hello" 2>&1 >/dev/null) || status=$?
exec 4<&-
kill "$holder" 2>/dev/null || true
[ "$status" = 1 ] && grep -q "listen 127.0.0.1:$held: address already in use" <<<"$err" ||
    { echo "examples.sh: README's hello on a taken port: status $status, stderr: $err" >&2; exit 1; }
echo "examples built against $prefix: $(ls "$out" | grep -vc '\.')"

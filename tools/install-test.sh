#!/usr/bin/env bash
# Installs wire into a temporary prefix and builds and runs tests/install/app.cpp against it
# with nothing but pkg-config, as a user would; then runs the installed bin/wire-explain.
set -eu
cd "$(dirname "$0")/.."
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
make --no-print-directory install PREFIX="$prefix" BUILD="${BUILD:-build}" >/dev/null
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
${CXX:-g++} tests/install/app.cpp $(pkg-config --cflags --libs wire) -o "$prefix/app"
"$prefix/app"
${CXX:-g++} tests/install/app.cpp $(pkg-config --cflags --libs wire-websocket) -o "$prefix/app-layers"
"$prefix/app-layers"
bash tests/install/examples.sh "$prefix"
# The installed tool runs from PREFIX/bin and lists its commands.
help=$("$prefix/bin/wire-explain" --help)
for command in frame accept request response sha1 resp; do
    grep -q "^  $command " <<<"$help" || { echo "install-test: wire-explain --help lacks $command" >&2; exit 1; }
done
"$prefix/bin/wire-explain" accept dGhlIHNhbXBsZSBub25jZQ== | grep -q 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=' \
    || { echo "install-test: the installed wire-explain does not derive the RFC 6455 sample" >&2; exit 1; }
echo "installed bin/wire-explain works"

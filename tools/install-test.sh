#!/usr/bin/env bash
# Installs wire into a temporary prefix and builds and runs tests/install/app.cpp against it
# with nothing but pkg-config, as a user would.
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

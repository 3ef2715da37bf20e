#!/usr/bin/env bash
# make install: libraries to $PREFIX/lib, headers to $PREFIX/include/wire/<layer>/, pkg-config files,
# and the learner's tool wire-explain to $PREFIX/bin.
set -eu
cd "$(dirname "$0")/.."
: "${PREFIX:?}" "${BUILD:?}" "${LAYERS:?}"
install -d "$PREFIX/lib/pkgconfig" "$PREFIX/include/wire"
install -m 644 "$BUILD/libwire.a" "$PREFIX/lib/"
install -D -m 755 "$BUILD/tools/wire-explain" "$PREFIX/bin/wire-explain"
# LAYERS holds "layer:dep1,dep2" pairs; a layer's .pc file requires the pc files of its deps.
for entry in $LAYERS; do
    layer=${entry%%:*}
    deps=${entry#*:}
    requires=""
    for d in ${deps//,/ }; do requires+="${requires:+, }wire-$d"; done
    install -m 644 "$BUILD/libwire_$layer.a" "$PREFIX/lib/"
    for h in $(find "$layer" -name '*.hpp' | sort); do
        install -D -m 644 "$h" "$PREFIX/include/wire/$h"
    done
    # Headers include each other as "http/parser.hpp", so the include path names include/wire too;
    # users may write either <wire/http/server.hpp> or "http/server.hpp".
    cat > "$PREFIX/lib/pkgconfig/wire-$layer.pc" <<PC
prefix=$PREFIX
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: wire-$layer
Description: wire $layer layer
Version: 0.1.0
Requires: $requires
Cflags: -std=c++20 -I\${includedir} -I\${includedir}/wire
Libs: -L\${libdir} -lwire_$layer -pthread
PC
done
cat > "$PREFIX/lib/pkgconfig/wire.pc" <<PC
prefix=$PREFIX
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: wire
Description: HTTP/1.1 and WebSocket (RFC 6455) from the socket up, in C++20
Version: 0.1.0
Cflags: -std=c++20 -I\${includedir} -I\${includedir}/wire
Libs: -L\${libdir} -lwire -pthread
PC
echo "installed wire into $PREFIX"

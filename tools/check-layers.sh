#!/usr/bin/env bash
# Keeps the layering honest (DEVELOPERS.md): crypto <- net <- http <- websocket.
#  1. A file in a layer includes only its own layer and the layers below it.
#  2. Codecs do no I/O: a file in http/ or websocket/ may include net/ only if it says it is glue,
#     with the line "// wire:glue" (the server, response writer, upgrader, conns, dialer, client).
set -u
cd "$(dirname "$0")/.."
layers=("$@")
bad=0
for ((i = 0; i < ${#layers[@]}; i++)); do
    layer=${layers[$i]}
    for ((j = i + 1; j < ${#layers[@]}; j++)); do
        higher=${layers[$j]}
        hits=$(grep -rnE "#include [\"<](wire/)?$higher/" "$layer" 2>/dev/null)
        if [ -n "$hits" ]; then echo "layer $layer must not include $higher:"; echo "$hits"; bad=1; fi
    done
done
for layer in http websocket; do
    [ -d "$layer" ] || continue
    for f in $(grep -rlE '#include [<"](wire/)?net/' "$layer" 2>/dev/null); do
        if ! grep -q '// wire:glue' "$f"; then
            echo "$f includes net/ but is not marked '// wire:glue' (codecs do no I/O)"; bad=1
        fi
    done
done
[ $bad = 0 ] && echo "layers ok"
exit $bad

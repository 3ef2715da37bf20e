#!/usr/bin/env bash
# Keeps the layering honest (docs/DEVELOPING.md). Arguments: one "layer:dep1,dep2" per layer, as
# the Makefile declares them (crypto, compress <- net <- http <- websocket <- cluster,
# and redis beside http on net, used by cluster).
#  1. A file in a layer includes only its own layer and the layers it declares as dependencies.
#  2. Codecs do no I/O: a file in a layer above net/ may include net/ only if it says it is glue,
#     with the line "// wire:glue" (the server, response writer, upgrader, conns, dialer, client).
set -u
cd "$(dirname "$0")/.."
declare -A deps
layers=()
for arg in "$@"; do
    layer=${arg%%:*}
    layers+=("$layer")
    deps[$layer]=" ${arg#*:} "
    deps[$layer]=${deps[$layer]//,/ }
done
bad=0
for layer in "${layers[@]}"; do
    [ -d "$layer" ] || continue
    for other in "${layers[@]}"; do
        [ "$other" = "$layer" ] && continue
        case "${deps[$layer]}" in *" $other "*) continue ;; esac
        hits=$(grep -rnE "#include [\"<](wire/)?$other/" "$layer" 2>/dev/null)
        if [ -n "$hits" ]; then echo "layer $layer must not include $other:"; echo "$hits"; bad=1; fi
    done
done
for layer in "${layers[@]}"; do
    case "${deps[$layer]}" in *" net "*) ;; *) continue ;; esac
    [ -d "$layer" ] || continue
    for f in $(grep -rlE '#include [<"](wire/)?net/' "$layer" 2>/dev/null); do
        if ! grep -q '// wire:glue' "$f"; then
            echo "$f includes net/ but is not marked '// wire:glue' (codecs do no I/O)"; bad=1
        fi
    done
done
[ $bad = 0 ] && echo "layers ok"
exit $bad

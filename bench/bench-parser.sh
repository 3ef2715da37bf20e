#!/usr/bin/env bash
# Request-parser cost: wire's HeadParser + BodyReader beside llhttp, http_parser and Boost.Beast
# (request_parser and basic_parser), in one run of the shared kit (../shared/bench/parser-bench.sh):
# ns/request (median of runs, pinned) and callgrind instructions/request (deterministic), then
# wire's ratio to each peer and its heap allocations per request.
# env: ROUNDS=2 RUNS=5 TIME=0.1 INSNS=1 (kit knobs; defaults kept short for a shared machine)
set -u
cd "$(dirname "$0")/.."
KIT=${BENCH_KIT:-}
for k in ../shared/bench /work/shared/bench; do
    [ -z "$KIT" ] && [ -f "$k/parser-bench.sh" ] && KIT=$k
done
if [ -z "$KIT" ]; then echo "bench-parser: the bench kit (../shared/bench) is not there; skipped"; exit 0; fi
WIRE_PEERS=${WIRE_PEERS:-/tmp/wire-peers}
if [ ! -x "$WIRE_PEERS/bin/parserbench-beast-O2" ]; then
    echo "bench-parser: peers not built in $WIRE_PEERS (run $KIT/setup.sh); skipped"; exit 0
fi
BUILD=${BUILD:-build}
[ -f "$BUILD/libwire_http.a" ] || make -s "$BUILD/libwire_http.a" >/dev/null || exit 1
mkdir -p "$BUILD/bench"
bin=$BUILD/bench/parserbench-wire-O2   # the -O2 suffix puts it in the kit's -O2 rows
g++ -O2 -std=c++20 -I. -I"$KIT/parser" bench/parser_adapter.cpp "$BUILD/libwire_http.a" -o "$bin" || exit 1

"$bin" --count-allocs || exit 1
OUT=${OUT:-$(mktemp -d /tmp/wire-bench-parser.XXXXXX)}
export OUT ROUNDS=${ROUNDS:-2} RUNS=${RUNS:-5} TIME=${TIME:-0.1} INSNS=${INSNS:-1}
BUILDS=O2 bash "$KIT/parser-bench.sh" "$bin" 2>/dev/null || exit 1

# wire's instructions per request against each peer's, from the same run.
if [ -f "$OUT/insns.csv" ]; then
    python3 - "$OUT/insns.csv" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["insn_per_req"] not in ("", "n/a")]
reqs = ["short-get", "browser-get", "post-json", "mix"]
ins = {(r["parser"], r["req"]): int(r["insn_per_req"]) for r in rows}
peers = sorted({p for p, _ in ins if p != "wire"})
print("\nwire instructions/request as a ratio of each peer's (callgrind, -O2; < 1 is fewer)")
print("| peer | " + " | ".join(reqs) + " |")
print("|---" * (len(reqs) + 1) + "|")
print("| wire (insns) | " + " | ".join(str(ins.get(("wire", q), "?")) for q in reqs) + " |")
for p in peers:
    cells = []
    for q in reqs:
        w, o = ins.get(("wire", q)), ins.get((p, q))
        cells.append(f"{w / o:.2f} ({o})" if w and o else "?")
    print(f"| {p} | " + " | ".join(cells) + " |")
PY
fi

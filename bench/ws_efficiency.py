#!/usr/bin/env python3
"""Messages per server CPU-second, as a ratio to a peer, from the kit's ws-bench raw.csv.

usage: ws_efficiency.py RAW.csv SERVER PEER [TARGETS]
TARGETS: comma-separated size=ratio pairs, e.g. 16=2,4096=4,65536=5 (fanout=17 for fan-out).

The kit's summary gives ratios for msgs/s only; the targets here are per server CPU-second,
which does not depend on how fast the load generator is. Each round runs both servers back to
back, so the ratio is taken per round (paired) and the median of those is shown, with the range.
"""
import csv
import statistics
import sys


def main(argv):
    if len(argv) < 4:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    raw, server, peer = argv[1], argv[2], argv[3]
    targets = {}
    if len(argv) > 4 and argv[4]:
        for pair in argv[4].split(","):
            k, v = pair.split("=")
            targets[k] = float(v)
    eff = {}  # (mode, conns, size) -> {server: {round: msgs per CPU-s}}
    with open(raw, newline="") as f:
        for row in csv.DictReader(f):
            try:
                cpu = float(row["server_cpu"])
                rate = float(row["msgs_per_s"])
            except (KeyError, ValueError):
                continue
            if cpu <= 0:
                continue
            key = (row["mode"], int(row["conns"]), int(row["size"]))
            eff.setdefault(key, {}).setdefault(row["server"], {})[row["round"]] = rate / cpu
    print(f"\n### msgs per server CPU-second, {server} / {peer} (median of per-round ratios [min-max])\n")
    print(f"| test | N | size | {server} | {peer} | ratio | target |")
    print("|---|---|---|---|---|---|---|")
    for (mode, conns, size), by in sorted(eff.items()):
        a, b = by.get(server, {}), by.get(peer, {})
        rounds = sorted(set(a) & set(b))
        if not rounds:
            continue
        ratios = [a[r] / b[r] for r in rounds]
        target = targets.get("fanout" if mode == "fanout" else str(size))
        mark = ""
        if target is not None:
            mark = f">= {target:g}x " + ("ok" if statistics.median(ratios) >= target else "MISSED")
        size_s = f"{size // 1024} KiB" if size >= 1024 else f"{size}"
        print(f"| {mode} | {conns} | {size_s} | {statistics.median(a.values()):.0f} | "
              f"{statistics.median(b.values()):.0f} | {statistics.median(ratios):.2f}x "
              f"[{min(ratios):.2f}-{max(ratios):.2f}] | {mark} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

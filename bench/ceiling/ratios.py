#!/usr/bin/env python3
"""Per-server-CPU-second efficiency of several servers as ratios to one peer, from a kit raw.csv.

usage: ratios.py RAW.csv[,RAW2.csv...] PEER SERVER [SERVER ...] [--targets 16=2,4096=4 | --target 1.35]

Reads the shared kit's http-bench.sh or ws-bench.sh raw.csv (the header tells which). For each
test and round: rate / server_cpu (requests or messages per server CPU-second) of a server,
divided by the peer's in the same round: the servers ran back to back in that round, so the pair
saw the same machine. Each cell shows the median of those per-round ratios [min-max]; the peer's
column shows its own median rate per CPU-second. Several raw files (comma-separated) pool their
rounds. `foreign` is the median number of cores other
processes used meanwhile (the machine is shared: high values mean a noisy test).
"""
import csv
import statistics
import sys


def read_row(row, run, eff, foreign):
    http = row["bench"] == "http"
    try:
        cpu = float(row["server_cpu"])
        rate = float(row["rps" if http else "msgs_per_s"])
    except (KeyError, ValueError):
        return
    if cpu <= 0 or rate <= 0:
        return
    if http:
        test = (row["kind"], int(row["conns"]), 0)
    else:
        test = (row["mode"], int(row["conns"]), int(row["size"]))
    eff.setdefault(test, {}).setdefault(row["server"], {})[(run, row["round"])] = rate / cpu
    try:
        foreign.setdefault(test, []).append(float(row["foreign_cpu"]))
    except (KeyError, ValueError):
        pass


def main(argv):
    args = argv[1:]
    targets, flat = {}, None
    if "--targets" in args:
        i = args.index("--targets")
        for pair in args[i + 1].split(","):
            k, v = pair.split("=")
            targets[k] = float(v)
        del args[i : i + 2]
    if "--target" in args:
        i = args.index("--target")
        flat = float(args[i + 1])
        del args[i : i + 2]
    if len(args) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    raw, peer, servers = args[0], args[1], args[2:]
    eff, foreign = {}, {}  # test -> server -> round -> per-CPU-s; test -> [foreign cores]
    for run, path in enumerate(raw.split(",")):
        with open(path, newline="") as f:
            for row in csv.DictReader(f):
                read_row(row, run, eff, foreign)
    unit = "requests" if any(t[2] == 0 for t in eff) else "msgs"
    print(f"\n### {unit} per server CPU-second, ratio to {peer} "
          "(median of per-round ratios [min-max])\n")
    print("| test | " + " | ".join(servers) + f" | {peer} per CPU-s | target | foreign |")
    print("|---|" + "---|" * (len(servers) + 3))
    for test in sorted(eff):
        kind, conns, size = test
        by = eff[test]
        base = by.get(peer, {})
        cells = []
        for s in servers:
            mine = by.get(s, {})
            rounds = sorted(set(mine) & set(base))
            if not rounds:
                cells.append("n/a")
                continue
            r = [mine[k] / base[k] for k in rounds]
            cells.append(f"{statistics.median(r):.2f}x [{min(r):.2f}-{max(r):.2f}]")
        label = f"{kind} c={conns}" if size == 0 else (
            f"{kind} {conns} x " + (f"{size // 1024} KiB" if size >= 1024 else f"{size} B"))
        target = flat if size == 0 else targets.get(str(size))
        peer_eff = f"{statistics.median(base.values()):.0f}" if base else "n/a"
        fg = f"{statistics.median(foreign[test]):.2f}" if foreign.get(test) else "n/a"
        tgt = f">= {target:g}x" if target is not None else ""
        print(f"| {label} | " + " | ".join(cells) + f" | {peer_eff} | {tgt} | {fg} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

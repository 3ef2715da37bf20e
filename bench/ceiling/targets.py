#!/usr/bin/env python3
"""The performance targets of wire against the machine and the fastest peer, from one
bench-ceiling.sh run (OUT/http/raw.csv, OUT/ws/raw.csv).

usage: targets.py OUT [OUT2 ...]   (several runs pool their rounds)

Per cell and round, requests (messages) per server CPU-second of each wire server (wire and
wire-uring for HTTP, wire-event and wire-event-uring for WebSocket) divided by
  - the best ceiling server of the cell, in the same round (target: at least 0.95x), and
  - uWebSockets of the same round (target: at least 1.0x);
and, for HTTP, wire's p99 latency against nginx's (target: no worse). Each cell shows the median
of the per-round ratios [min-max]; "ok" or "MISS" judge the median.

The best ceiling server of a cell is the one of the two with the higher median over the rounds.
Taking the better of the two anew in every round would measure wire against the luckier of two
noisy samples: when both servers are about as fast and each round scatters by +-15%, the larger
of two draws exceeds either server's typical round by ~8%, so a wire exactly as fast as both
would score ~0.92x. That stricter ratio is printed beside the target's ("max per round") and the
ceiling servers are scored with it too, to show its bias.

With OUT/parsers.txt (the parser benchmark's RESULT lines for the request wrk sends), it also
prints the parse bound of the pipelined cells: the ceiling servers answer without parsing, so a
server that parses each request with the fastest parser measured (and does nothing else) reaches
at most ceiling / (ceiling + parse) of the best ceiling server, per request.
"""
import csv
import os
import statistics
import sys

CEILINGS = ("ceiling-epoll", "ceiling-uring")


def load(paths):
    """-> {bench: {test: {server: {(run, round): row}}}}"""
    data = {}
    for run, out in enumerate(paths):
        for bench in ("http", "ws"):
            path = os.path.join(out, bench, "raw.csv")
            if not os.path.exists(path):
                continue
            with open(path, newline="") as f:
                for row in csv.DictReader(f):
                    try:
                        cpu = float(row["server_cpu"])
                        rate = float(row["rps" if bench == "http" else "msgs_per_s"])
                    except (KeyError, ValueError):
                        continue
                    if cpu <= 0 or rate <= 0:
                        continue
                    row["eff"] = rate / cpu
                    if bench == "http":
                        test = (row["kind"], int(row["conns"]), 0)
                    else:
                        test = (row["mode"], int(row["conns"]), int(row["size"]))
                    data.setdefault(bench, {}).setdefault(test, {}).setdefault(
                        row["server"], {})[(run, row["round"])] = row
    return data


def cell(ratios, target):
    if not ratios:
        return "n/a"
    m = statistics.median(ratios)
    verdict = "ok" if m >= target else "MISS"
    return f"{m:.2f}x [{min(ratios):.2f}-{max(ratios):.2f}] {verdict}"


def spread(ratios):
    if not ratios:
        return "n/a"
    return f"{statistics.median(ratios):.2f}x [{min(ratios):.2f}-{max(ratios):.2f}]"


def best_ceiling(by):
    """The ceiling server with the higher median per server CPU-second in this cell."""
    medians = {c: statistics.median(r["eff"] for r in by[c].values())
               for c in CEILINGS if by.get(c)}
    return max(medians, key=medians.get) if medians else None


def label(test):
    kind, conns, size = test
    if size == 0:
        return f"{kind} c={conns}"
    return f"{kind} {conns} x " + (f"{size // 1024} KiB" if size >= 1024 else f"{size} B")


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    data = load(argv[1:])
    misses = 0
    for bench, wires in (("http", ("wire", "wire-uring", "wire-bp", "wire-uring-bp")),
                         ("ws", ("wire-event", "wire-event-uring", "wire-event-bp",
                                 "wire-event-uring-bp"))):
        tests = data.get(bench, {})
        if not tests:
            continue
        print(f"\n### {bench}: per server CPU-second, each wire server against the best ceiling "
              "server and uWS of the same round (median [min-max])\n")
        head = ("| test | server | / best ceiling (>= 0.95) | / uWS (>= 1.0) "
                "| / max ceiling per round |")
        if bench == "http":
            head += " p99 ms | nginx p99 ms |"
        print(head)
        print("|---" * (head.count("|") - 1) + "|")
        for test in sorted(tests):
            by = tests[test]
            ceiling = best_ceiling(by)
            for w in wires + CEILINGS:
                mine = by.get(w, {})
                if not mine:
                    continue
                best, vs_uws, vs_max = [], [], []
                for key, row in mine.items():
                    if ceiling and key in by[ceiling]:
                        best.append(row["eff"] / by[ceiling][key]["eff"])
                    ceil = [by[c][key]["eff"] for c in CEILINGS if key in by.get(c, {})]
                    if ceil:
                        vs_max.append(row["eff"] / max(ceil))
                    if key in by.get("uws", {}):
                        vs_uws.append(row["eff"] / by["uws"][key]["eff"])
                if w in CEILINGS:  # only the bias of the stricter ratio, no target
                    print(f"| {label(test)} | {w} | | | {spread(vs_max)} |")
                    continue
                line = (f"| {label(test)} | {w} | {cell(best, 0.95)} | {cell(vs_uws, 1.0)} "
                        f"| {spread(vs_max)} |")
                misses += sum(1 for r, t in ((best, 0.95), (vs_uws, 1.0))
                              if r and statistics.median(r) < t)
                if bench == "http":
                    p99 = [float(r["lat_p99_ms"]) for r in mine.values()]
                    ng = [float(r["lat_p99_ms"]) for r in by.get("nginx", {}).values()]
                    mp = statistics.median(p99)
                    np_ = statistics.median(ng) if ng else float("nan")
                    ok = "ok" if ng and mp <= np_ else "MISS"
                    if ng and mp > np_:
                        misses += 1
                    line += f" {mp:.2f} {ok} | {np_:.2f} |"
                print(line)
    print(f"\ncells short of a target (median): {misses}")
    parse_bound(argv[1:], data.get("http", {}))
    return 0


def parse_bound(paths, tests):
    """The most a server that parses its requests can reach in the pipelined cells."""
    parsers = {}
    for out in paths:
        path = os.path.join(out, "parsers.txt")
        if not os.path.exists(path):
            continue
        for line in open(path):
            fields = dict(f.split("=", 1) for f in line.split()[1:] if "=" in f)
            if "parser" in fields and "ns_med" in fields:
                parsers.setdefault(fields["parser"], []).append(float(fields["ns_med"]))
    if not parsers:
        return
    name, parse_ns = min(((p, statistics.median(v)) for p, v in parsers.items()),
                         key=lambda pv: pv[1])
    print(f"\n### parse bound: parsing wrk's request takes {parse_ns:.0f} ns with the fastest "
          f"parser measured ({name}; " +
          ", ".join(f"{p} {statistics.median(v):.0f} ns" for p, v in sorted(parsers.items())) +
          ")\n")
    print("| test | best ceiling ns/request | bound for a parsing server |")
    print("|---|---|---|")
    for test in sorted(tests):
        if "pipe" not in test[0]:
            continue
        by = tests[test]
        per_round = {}
        for c in CEILINGS:
            for key, row in by.get(c, {}).items():
                per_round[key] = max(per_round.get(key, 0.0), row["eff"])
        if not per_round:
            continue
        ceiling_ns = 1e9 / statistics.median(per_round.values())
        bound = ceiling_ns / (ceiling_ns + parse_ns)
        print(f"| {label(test)} | {ceiling_ns:.0f} | {bound:.2f}x |")


if __name__ == "__main__":
    sys.exit(main(sys.argv))

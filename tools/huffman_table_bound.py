#!/usr/bin/env python3
"""The most entries an inflate lookup table can need (compress/detail/inflate_constants.hpp).

A table indexed by the first ROOT bits of a code holds 2^ROOT entries; every root entry whose
codes are longer than ROOT points to a second-level table of 2^(d - ROOT) entries, where d is the
length of the longest code under that prefix. This searches every complete Huffman code of at
most NSYMS symbols and MAXLEN bits for the largest total.

Canonical codes (RFC 1951 §3.2.2) fill the code space from the shortest codes up, so after the
codes of length <= ROOT the rest is a run of `left` root slots, each filled in turn by longer
codes. The search walks the lengths ROOT+1..MAXLEN with the state (depth, free nodes of the slot
being filled, untouched slots, symbols left) and, at each depth, every count of codes.

    python3 tools/huffman_table_bound.py 286,10,15 30,8,15   # 1332 and 400
zlib's own figures for its root sizes (852 for 286,9,15; 592 for 30,6,15) come out the same.
"""
import sys
from functools import lru_cache


def table_bound(nsyms, root, maxlen):
    @lru_cache(maxsize=None)
    def deeper(depth, partial, untouched, syms):
        # Most second-level entries from here, or None if no complete code fits.
        unit = 1 << (depth - root)  # nodes at this depth under one root slot
        free = partial + untouched * unit
        if free > syms:
            return None  # every free node needs at least one symbol
        best = None
        for count in ([free] if depth == maxlen else range(free + 1)):
            if count > syms:
                break
            if count >= partial:  # the slot being filled is complete at this depth
                gained = unit
                full, rest = divmod(count - partial, unit)
                gained += full * unit
                left = untouched - full
                if rest == 0 and left == 0:
                    total = gained  # the whole code is complete
                    best = total if best is None or total > best else best
                    continue
                next_partial = (unit - rest) if rest else unit
                left -= 1
                if left < 0:
                    continue
            else:
                gained, next_partial, left = 0, partial - count, untouched
            if depth == maxlen:
                continue
            sub = deeper(depth + 1, 2 * next_partial, left, syms - count)
            if sub is not None and (best is None or gained + sub > best):
                best = gained + sub
        return best

    best = 0
    for left in range(1, 1 << root):
        used = (1 << root) - left  # root-level space taken by codes of length <= root
        syms = nsyms - bin(used).count("1")  # the fewest codes that take exactly that space
        if syms < 2 * left:
            continue
        sub = deeper(root + 1, 2, left - 1, syms)
        if sub is not None and sub > best:
            best = sub
    return (1 << root) + best


if __name__ == "__main__":
    for arg in sys.argv[1:] or ["286,10,15", "30,8,15"]:
        n, r, m = map(int, arg.split(","))
        print(f"{n} symbols, root {r} bits, codes up to {m} bits: {table_bound(n, r, m)} entries")

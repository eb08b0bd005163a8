#!/usr/bin/env python3
"""Rewrites tests/costs.tsv (the start order of tests/run.py on a fresh
clone, tests/timing.py) from the --times files of a full plain run and a
full ASan run:

    python3 tests/run.py --build build --times /tmp/plain.tsv
    python3 tests/run.py --build build-asan --times /tmp/asan.tsv
    python3 scripts/update-costs.py /tmp/plain.tsv /tmp/asan.tsv

Only tests of at least MIN_WALL seconds in either kind are kept; the
others take their kind's default cost.
"""
import os
import sys

MIN_WALL = 1.0
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "costs.tsv")
HEADER = """# Expected seconds of the slower tests (wall, child CPU) per build kind, for
# tests/timing.py's start order on a fresh clone (scripts/update-costs.py).
# test\tplain wall\tplain cpu\tasan wall\tasan cpu
"""


def read(path):
    rows = {}
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if line.startswith("#") or not line.strip():
                continue
            parts = line.rstrip("\n").split("\t")
            try:
                rows[parts[0]] = (float(parts[1]), float(parts[2]))
            except (IndexError, ValueError):
                sys.exit("%s:%d: expected 'test<TAB>wall<TAB>cpu'" % (path, lineno))
    return rows


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: update-costs.py PLAIN_TIMES ASAN_TIMES")
    plain, asan = read(sys.argv[1]), read(sys.argv[2])
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(HEADER)
        for name in sorted(set(plain) | set(asan)):
            p, a = plain.get(name, (0.0, 0.0)), asan.get(name, (0.0, 0.0))
            if max(p[0], a[0]) >= MIN_WALL:
                f.write("%s\t%.1f\t%.2f\t%.1f\t%.2f\n" % (name, p[0], p[1], a[0], a[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

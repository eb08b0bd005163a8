#!/usr/bin/env python3
"""Per upstream example: instructions of the compiled program and the
online MPC rounds its run uses (`stoffel run --stats`, party 0's engine),
with the run's wall time.  Examples pending on a missing builtin
(tests/lang/pending.txt) are listed as such.
Usage: python3 bench/lang_examples.py [--build build]"""
import argparse
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "lang"))
import lang_tests  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    o = ap.parse_args()
    build = o.build if os.path.isabs(o.build) else os.path.join(REPO, o.build)
    corpus = lang_tests.shared_corpus(os.environ)
    if corpus is None:
        print("lang examples: ../shared/stoffellang is absent, skipped")
        return 0
    root = os.path.join(corpus, "examples")
    pending = lang_tests.read_map("pending.txt")
    extra = lang_tests.read_map("example_args.txt")
    print("%-48s %7s %7s %8s  %s" % ("example", "instrs", "rounds", "run", "status"))
    total_rounds = 0
    for dp, _, files in sorted(os.walk(root)):
        if "main.stfl" not in files:
            continue
        rel = os.path.relpath(dp, root)
        src = os.path.join(dp, "main.stfl")
        ir = subprocess.run([os.path.join(build, "stoffellang"), src, "--print-ir"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True).stdout
        instrs = sum(1 for l in ir.splitlines() if l.startswith("    ") and not l.strip().startswith("."))
        with open(src, encoding="utf-8") as f:
            first = f.readline()
        args = first.split("run-args:", 1)[1].split() if first.startswith("# run-args:") else []
        args += lang_tests.expand_args(extra.get(rel, ""))
        t0 = time.monotonic()
        r = subprocess.run([os.path.join(build, "stoffel"), "run", dp, "--stats"] + args, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
        t = time.monotonic() - t0
        m = re.search(r"online: (\d+) rounds", r.stdout)
        rounds = int(m.group(1)) if m else 0
        total_rounds += rounds
        status = "ok" if r.returncode == 0 else ("pending" if rel in pending else "FAILED")
        print("%-48s %7d %7s %7.2fs  %s" % (rel[:48], instrs, rounds if m else "-", t, status))
    print("total online rounds over the examples that ran: %d" % total_rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Per upstream example: instructions of the compiled program and the
online MPC rounds its run uses (`stoffel run --stats`, party 0's engine),
with the run's wall time, at -O0 and at -O2 (the optimizer, docs/lang.md;
`stoffel run`'s default).  Examples pending on a missing builtin
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
    print("%-44s %7s %7s %7s %7s %8s  %s" % ("example", "ins-O0", "ins-O2", "rnd-O0", "rnd-O2", "run-O2", "status"))
    total = {"-O0": 0, "-O2": 0}
    instr_total = {"-O0": 0, "-O2": 0}
    for dp, _, files in sorted(os.walk(root)):
        if "main.stfl" not in files:
            continue
        rel = os.path.relpath(dp, root)
        src = os.path.join(dp, "main.stfl")
        with open(src, encoding="utf-8") as f:
            first = f.readline()
        args = first.split("run-args:", 1)[1].split() if first.startswith("# run-args:") else []
        args += lang_tests.expand_args(extra.get(rel, ""))
        instrs, rounds, status, t = {}, {}, "ok", 0.0
        for level in ("-O0", "-O2"):
            ir = subprocess.run([os.path.join(build, "stoffellang"), src, level, "--print-ir"], stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True).stdout
            instrs[level] = sum(1 for l in ir.splitlines() if l.startswith("    ") and not l.strip().startswith("."))
            t0 = time.monotonic()
            r = subprocess.run([os.path.join(build, "stoffel"), "run", dp, level, "--stats"] + args,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            t = time.monotonic() - t0
            m = re.search(r"online: (\d+) rounds", r.stdout)
            rounds[level] = int(m.group(1)) if m else None
            if r.returncode != 0:
                status = "pending" if rel in pending else "FAILED"
        if status == "ok":
            for level in total:
                total[level] += rounds[level] or 0
                instr_total[level] += instrs[level]
        show = lambda v: "-" if v is None else v  # noqa: E731
        print("%-44s %7d %7d %7s %7s %7.2fs  %s" % (rel[:44], instrs["-O0"], instrs["-O2"], show(rounds["-O0"]),
                                                 show(rounds["-O2"]), t, status), flush=True)
    print("examples that ran: instructions %d at -O0, %d at -O2; online rounds %d at -O0, %d at -O2"
          % (instr_total["-O0"], instr_total["-O2"], total["-O0"], total["-O2"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

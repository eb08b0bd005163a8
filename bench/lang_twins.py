#!/usr/bin/env python3
"""Compiled StoffelLang against hand-written assembly: each bench/NAME.stfl
twin of bench/NAME.s is compiled with stoffellang at -O0 and at -O2, then
each runs with stoffel-run (best of 3 wall times); the ratio is compiled
(-O2) / hand-written.
Usage: python3 bench/lang_twins.py [--build build]"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def best_of(argv, runs=3):
    best = None
    for _ in range(runs):
        t0 = time.monotonic()
        r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        t = time.monotonic() - t0
        if r.returncode != 0:
            return None, r.stderr.strip().splitlines()[-1:] or ["exit %d" % r.returncode]
        best = t if best is None else min(best, t)
    return best, None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    o = ap.parse_args()
    build = o.build if os.path.isabs(o.build) else os.path.join(REPO, o.build)
    run, slang = os.path.join(build, "stoffel-run"), os.path.join(build, "stoffellang")
    names = sorted(n[:-5] for n in os.listdir(HERE) if n.endswith(".stfl") and os.path.exists(os.path.join(HERE, n[:-5] + ".s")))
    tmp = tempfile.mkdtemp(prefix="lang-twins-")
    print("%-10s %10s %10s %10s %7s %8s %8s" % ("twin", "-O0", "-O2", "hand", "ratio", "ins-O0", "ins-O2"))
    for n in names:
        times, instrs, err = {}, {}, None
        for level in ("-O0", "-O2"):
            out = os.path.join(tmp, n + level + ".stflb")
            src = os.path.join(HERE, n + ".stfl")
            subprocess.run([slang, src, level, "-o", out], check=True, stdout=subprocess.DEVNULL)
            dis = subprocess.run([slang, src, level, "--print-ir"], stdout=subprocess.PIPE, text=True).stdout
            instrs[level] = sum(1 for l in dis.splitlines() if l.startswith("    ") and not l.strip().startswith("."))
            times[level], e = best_of([run, out])
            err = err or e
        b, eb = best_of([run, os.path.join(HERE, n + ".s")])
        if err or eb:
            print("%-10s failed: %s" % (n, (err or eb)[0]))
            continue
        print("%-10s %9.3fs %9.3fs %9.3fs %6.2fx %8d %8d" % (n, times["-O0"], times["-O2"], b, times["-O2"] / b,
                                                          instrs["-O0"], instrs["-O2"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Process benchmarks against Erlang/OTP (docs/processes.md, "Speed").

    python3 bench/procs.py [--build DIR] [--runs N]

Workloads (bench/procs/NAME.s, peers bench/procs/NAME.erl):

    ring    10,000 processes pass a token 100 laps (1,000,100 send+receive)
    spawn   100,000 processes each send one reply to main
    idle    100,000 processes waiting in receive (memory)

Times are medians of N interleaved runs minus the median of the empty
program of the same implementation (start-up is not what we compare).
Memory per idle process = (peak RSS of idle - peak RSS of empty) / 100,000.
Our results are checked; a wrong one makes the exit status 1.  Erlang is
skipped when erl/erlc are missing (scripts/install-bench-peers.sh).
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIR = os.path.join(REPO, "bench", "procs")
WORKLOADS = [("ring", "100"), ("spawn", "100000"), ("idle", "100001")]
IDLE_N = 100000
HOPS = {"ring": 1000100, "spawn": 100000}


def run(argv):
    """Wall seconds, exit status, stdout, stderr and peak RSS (KB) of one run."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return (wall, p.returncode, out.read().decode(errors="replace"),
                err.read().decode(errors="replace"), ru.ru_maxrss)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    ours = os.path.join(REPO, args.build, "stoffel-run")
    if not os.path.exists(ours):
        sys.exit("no %s: run make first" % ours)
    erl = shutil.which("erl") and shutil.which("erlc")
    ebin = tempfile.mkdtemp(prefix="stoffel-procs-")
    if erl:
        mods = [os.path.join(DIR, m + ".erl") for m in ("empty", "ring", "spawn", "idle")]
        if subprocess.call(["erlc", "-o", ebin] + mods) != 0:
            erl = None

    def cmd(impl, name):
        if impl == "ours":
            prog = os.path.join(REPO, "bench", "empty.s") if name == "empty" else os.path.join(DIR, name + ".s")
            return [ours, prog]
        return ["erl", "-noshell", "-pa", ebin, "-s", name, "main"]

    impls = ["ours"] + (["erl"] if erl else [])
    times = {(i, n): [] for i in impls for n in ["empty"] + [w for w, _ in WORKLOADS]}
    rss = {}
    failed = False
    for _ in range(args.runs):
        for name in ["empty"] + [w for w, _ in WORKLOADS]:
            for impl in impls:
                wall, rc, out, err, maxrss = run(cmd(impl, name))
                want = dict(WORKLOADS).get(name)
                if impl == "ours" and (rc != 0 or (want and ("Program returned: %s" % want) not in out)):
                    print("ours %s: wrong result (exit %d): %s %s" % (name, rc, out[-200:], err[-200:]))
                    failed = True
                times[(impl, name)].append(wall)
                rss[(impl, name)] = max(rss.get((impl, name), 0), maxrss)
    med = {k: statistics.median(v) for k, v in times.items() if v}
    print("median of %d runs, start-up (empty program) subtracted" % args.runs)
    print("%-6s %12s %12s %10s   %s" % ("", "ours", "erl", "ours/erl", "per operation (ours / erl)"))
    for name in ("ring", "spawn"):
        o = med[("ours", name)] - med[("ours", "empty")]
        e = med[("erl", name)] - med[("erl", "empty")] if erl else None
        ratio = "%.2f" % (o / e) if e else "n/a"
        per = "%.0f ns" % (o / HOPS[name] * 1e9)
        if e:
            per += " / %.0f ns" % (e / HOPS[name] * 1e9)
        print("%-6s %10.3f s %12s %10s   %s" % (name, o, ("%.3f s" % e) if e else "n/a", ratio, per))
    for impl in impls:
        idle = (rss[(impl, "idle")] - rss[(impl, "empty")]) * 1024 / IDLE_N
        print("idle process, %s: %.0f bytes" % (impl, idle))
    shutil.rmtree(ebin, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Process benchmarks against Erlang/OTP (docs/processes.md, "Speed").

    python3 bench/procs.py [--build DIR] [--runs N] [--only NAME,...]

Workloads (bench/procs/NAME.s, peers bench/procs/NAME.erl):

    selfsend  one process sends itself a message and receives it, 1,000,000
              times: send + receive alone
    pingpong  two processes bounce a counter, 1,000,000 messages: send +
              receive + a switch to the other process
    ring      10,000 processes pass a token 100 laps (1,000,100 send+receive
              and switches, over 10,000 processes' memory)
    spawn     100,000 processes each send one reply to main
    idle      100,000 processes waiting in receive (memory)

Times are medians of N interleaved runs minus the median of the empty
program of the same implementation (start-up is not what we compare), in
wall time and in CPU time (user + system of the run, which a loaded machine
inflates much less).  Memory per idle process = (peak RSS of idle - peak
RSS of empty) / 100,000.  Our results are checked; a wrong one makes the
exit status 1.  Erlang is skipped when erl/erlc are missing
(scripts/install-bench-peers.sh).
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
WORKLOADS = [("selfsend", "499999500000"), ("pingpong", "500000"), ("ring", "100"), ("spawn", "100000"),
             ("idle", "100001")]
IDLE_N = 100000
# Operations per timed workload, and what one operation is.
OPS = {"selfsend": (1000000, "send + receive"), "pingpong": (1000000, "send + receive + switch"),
       "ring": (1000100, "hop: send + receive + switch"), "spawn": (100000, "spawn + reply + exit")}


def run(argv):
    """Wall seconds, CPU seconds, exit status, stdout, stderr and peak RSS (KB) of one run."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return (wall, ru.ru_utime + ru.ru_stime, p.returncode, out.read().decode(errors="replace"),
                err.read().decode(errors="replace"), ru.ru_maxrss)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--only", help="comma-separated workloads (default: all)")
    args = ap.parse_args()
    names = [w for w, _ in WORKLOADS]
    if args.only:
        names = [n for n in args.only.split(",") if n]
        unknown = [n for n in names if n not in dict(WORKLOADS)]
        if unknown:
            sys.exit("unknown workload %s (known: %s)" % (", ".join(unknown), ", ".join(dict(WORKLOADS))))
    ours = os.path.join(REPO, args.build, "stoffel-run")
    if not os.path.exists(ours):
        sys.exit("no %s: run make first" % ours)
    erl = shutil.which("erl") and shutil.which("erlc")
    ebin = tempfile.mkdtemp(prefix="stoffel-procs-")
    if erl:
        mods = [os.path.join(DIR, m + ".erl") for m in ["empty"] + names]
        if subprocess.call(["erlc", "-o", ebin] + mods) != 0:
            erl = None

    def cmd(impl, name):
        if impl == "ours":
            prog = os.path.join(REPO, "bench", "empty.s") if name == "empty" else os.path.join(DIR, name + ".s")
            return [ours, prog]
        return ["erl", "-noshell", "-pa", ebin, "-s", name, "main"]

    impls = ["ours"] + (["erl"] if erl else [])
    times = {(i, n): [] for i in impls for n in ["empty"] + names}
    cpus = {k: [] for k in times}
    rss = {}
    failed = False
    for _ in range(args.runs):
        for name in ["empty"] + names:
            for impl in impls:
                wall, cpu, rc, out, err, maxrss = run(cmd(impl, name))
                want = dict(WORKLOADS).get(name)
                if impl == "ours" and (rc != 0 or (want and ("Program returned: %s" % want) not in out)):
                    print("ours %s: wrong result (exit %d): %s %s" % (name, rc, out[-200:], err[-200:]))
                    failed = True
                times[(impl, name)].append(wall)
                cpus[(impl, name)].append(cpu)
                rss[(impl, name)] = max(rss.get((impl, name), 0), maxrss)
    med = {k: statistics.median(v) for k, v in times.items() if v}
    cmed = {k: statistics.median(v) for k, v in cpus.items() if v}
    print("median of %d runs, start-up (empty program) subtracted; per operation: wall / CPU" % args.runs)
    print("%-9s %10s %10s %9s   %-19s %-19s %s" % ("", "ours", "erl", "ours/erl", "ours per op", "erl per op",
                                                  "operation"))
    for name in (n for n in names if n in OPS):
        count, what = OPS[name]

        def per(impl):
            w = med[(impl, name)] - med[(impl, "empty")]
            c = cmed[(impl, name)] - cmed[(impl, "empty")]
            return w, "%.0f / %.0f ns" % (w / count * 1e9, c / count * 1e9)

        o, oper = per("ours")
        e, eper = per("erl") if erl else (None, "n/a")
        ratio = "%.2f" % (o / e) if e else "n/a"
        print("%-9s %8.3f s %10s %9s   %-19s %-19s %s" % (name, o, ("%.3f s" % e) if e else "n/a", ratio, oper, eper,
                                                        what))
    if "idle" in names:
        for impl in impls:
            idle = (rss[(impl, "idle")] - rss[(impl, "empty")]) * 1024 / IDLE_N
            print("idle process, %s: %.0f bytes" % (impl, idle))
    shutil.rmtree(ebin, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

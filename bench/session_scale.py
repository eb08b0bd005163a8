#!/usr/bin/env python3
"""Scaling of a whole in-process MPC session with n (issue 16, item 10).

    python3 bench/session_scale.py [--build build] [--n 4,16,40,80,120,255] [--runs 3]

Runs examples/salary_average.s (3 clients, one input each) under
`stoffel-run --local-mpc --n-parties N --threshold floor((N-1)/3)` and prints,
per n, the best wall time, the CPU time (user + system) of that run and the
peak resident memory of the process (all parties are threads of it), as
/usr/bin/time reports them (Debian package `time`).  A run that fails (e.g. a protocol timeout on an overloaded
machine) is shown as such.
"""
import argparse
import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def one(build, n):
    """(ok, wall s, cpu s, peak RSS MB) of one run, measured by /usr/bin/time
    (Python's own wait4 would count the forked interpreter's memory)."""
    argv = ["/usr/bin/time", "-f", "@@ %e %U %S %M", os.path.join(build, "stoffel-run"),
            os.path.join(REPO, "examples", "salary_average.s"), "--local-mpc", "--n-parties", str(n),
            "--threshold", str((n - 1) // 3), "--inputs", "52000,61000,58000"]
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = [l for l in r.stderr.splitlines() if l.startswith("@@ ")][-1].split()
    wall, user, sys_, rss = float(line[1]), float(line[2]), float(line[3]), float(line[4])
    return "Program returned: 57000" in r.stdout, wall, user + sys_, rss / 1024.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(REPO, "build"))
    ap.add_argument("--n", default="4,16,40,80,120,255")
    ap.add_argument("--runs", type=int, default=3)
    o = ap.parse_args()
    print("load average %.1f" % os.getloadavg()[0])
    print("| n | t | wall (best) | CPU of that run | peak RSS |")
    print("|---|---|---|---|---|")
    for n in [int(x) for x in o.n.split(",")]:
        best = None
        for _ in range(o.runs):
            r = one(o.build, n)
            if r[0] and (best is None or r[1] < best[1]):
                best = r
        if best is None:
            print("| %d | %d | failed | | |" % (n, (n - 1) // 3))
        else:
            print("| %d | %d | %.2f s | %.2f s | %.0f MB |" % (n, (n - 1) // 3, best[1], best[2], best[3]))
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Alternate commands and report each one's median CPU time and peak RSS.

    python3 bench/pair_cpu.py N "CMD1 ARGS" "CMD2 ARGS" ...

Runs CMD1, CMD2, ... in turn, N rounds, with stdout discarded.  CPU time is
user + system from wait4, which a loaded shared machine inflates far less
than wall time; running the commands alternately makes drift hit all of
them alike.  A word EMPTY stands for an empty argument (lua5.4 -e EMPTY).
A command that fails stops the run.
"""
import os
import statistics
import sys


def main():
    if len(sys.argv) < 3 or not sys.argv[1].isdigit():
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 1
    n = int(sys.argv[1])
    cmds = [["" if w == "EMPTY" else w for w in a.split()] for a in sys.argv[2:]]
    cpu = [[] for _ in cmds]
    rss = [0 for _ in cmds]
    for _ in range(n):
        for i, c in enumerate(cmds):
            pid = os.fork()
            if pid == 0:
                fd = os.open(os.devnull, os.O_WRONLY)
                os.dup2(fd, 1)
                try:
                    os.execvp(c[0], c)
                finally:
                    os._exit(127)
            _, status, ru = os.wait4(pid, 0)
            if status != 0:
                print("failed (status %d): %s" % (status, " ".join(c)), file=sys.stderr)
                return 1
            cpu[i].append(ru.ru_utime + ru.ru_stime)
            rss[i] = max(rss[i], ru.ru_maxrss)
    print("load average: %.2f %.2f %.2f" % os.getloadavg())
    for i, c in enumerate(cmds):
        print("%-70s median CPU %8.2f ms  peak RSS %4.0f MB"
              % (" ".join(c)[-70:], statistics.median(cpu[i]) * 1000, rss[i] / 1024))
    return 0


if __name__ == "__main__":
    sys.exit(main())

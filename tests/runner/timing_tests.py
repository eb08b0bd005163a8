#!/usr/bin/env python3
"""Checks of tests/timing.py (the runner's start order and durations).

    python3 tests/runner/timing_tests.py [--build DIR]

Run by tests/run.py as the step "runner/timing".  Pure Python: it does not
depend on the build (the option is accepted and ignored).  Prints
"N passed, M failed" last.
"""
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import timing  # noqa: E402

PASSED = FAILED = 0


def check(cond, what, detail=""):
    global PASSED, FAILED
    if cond:
        PASSED += 1
    else:
        FAILED += 1
        print("FAIL " + what + (": %s" % (detail,) if detail else ""))


class O:
    def __init__(self, name, wall=0.0, cpu=0.0):
        self.name, self.wall, self.cpu = name, wall, cpu


def test_schedule():
    costs = {"unit/slow": (30.0, 25.0), "avss/waits": (70.0, 2.0), "golden/a.s": (0.1, 0.1),
             "lang/example/big": (90.0, 20.0)}
    tasks = [(n,) for n in ("golden/a.s", "golden/b.s", "unit/slow", "unit/new", "avss/waits", "lang/example/big",
                            "net/new-step")]
    waiting, rest = timing.schedule(tasks, costs)
    check([t[0] for t in waiting] == ["avss/waits"], "a test that mostly waits goes to the waiting pool",
          [t[0] for t in waiting])
    # lang/example/big 90 s, unknown step 10 s, unit/slow 30 s, unknown unit 3 s, goldens 0.2 / 0.1 s
    check([t[0] for t in rest] == ["lang/example/big", "unit/slow", "net/new-step", "unit/new", "golden/b.s",
                                   "golden/a.s"], "most expensive first, unknown tests by kind",
          [t[0] for t in rest])
    check(sorted(waiting + rest) == sorted(tasks), "every test is scheduled exactly once")
    short = {"unit/quick-sleep": (2.0, 0.0)}
    check(timing.schedule([("unit/quick-sleep",)], short)[0] == [], "a short test stays in the slots")


def test_record_and_load():
    with tempfile.TemporaryDirectory() as build:
        timing.record(build, [O("unit/x", 12.5, 3.25), O("golden/y.s", 0.5, 0.1)])
        timing.record(build, [O("unit/x", 11.0, 3.0)])       # a filtered run keeps the other rows
        got = timing.load_costs(build, "plain")
        check(got.get("unit/x") == (11.0, 3.0), "the latest run's figures are recorded", got.get("unit/x"))
        check(got.get("golden/y.s") == (0.5, 0.1), "rows of tests not run are kept", got.get("golden/y.s"))
        with open(os.path.join(build, timing.RECORD_NAME), "a") as f:
            f.write("broken row\nunit/z\tx\t1\n")
        got = timing.load_costs(build, "plain")
        check("broken row" not in got and "unit/z" not in got and "unit/x" in got,
              "malformed rows are ignored, not fatal")
        times = os.path.join(build, "times.tsv")
        timing.write_times(times, [O("a", 1.0, 0.5), O("b", 3.0, 0.1)])
        with open(times) as f:
            rows = [l.split("\t")[0] for l in f if not l.startswith("#")]
        check(rows == ["b", "a"], "--times lists the slowest first", rows)


def test_committed_costs():
    plain = timing._read_table(timing.COSTS_FILE, 1)
    asan = timing._read_table(timing.COSTS_FILE, 3)
    check(len(plain) > 10 and len(asan) == len(plain), "tests/costs.tsv has both build kinds",
          (len(plain), len(asan)))
    # (under ASan its sessions' CPU, 5.6 s, is 13 % of its 42 s since the
    # silent-party sessions wait 4 s per timeout, not 10: it takes a slot there)
    check(timing.is_waiting("avss/signatures", plain),
          "avss/signatures (protocol timeouts) runs beside the slots in the plain build")


def test_time_limit():
    costs = {"unit/cpu-heavy": (48.0, 8.0), "unit/quick": (0.5, 0.4), "unit/huge": (900.0, 400.0)}
    check(timing.time_limit("unit/quick", costs, 60.0) == 60.0, "a cheap test keeps the base limit")
    check(timing.time_limit("unit/new", costs, 60.0) == 60.0, "a test with no recorded cost keeps the base limit")
    check(timing.time_limit("unit/cpu-heavy", costs, 60.0) == 160.0, "a CPU-heavy test gets 20x its CPU",
          timing.time_limit("unit/cpu-heavy", costs, 60.0))
    check(timing.time_limit("unit/huge", costs, 60.0) == 300.0, "the limit is capped at 5x the base, so a hang "
          "is still caught", timing.time_limit("unit/huge", costs, 60.0))


def test_timed_task():
    def fn(arg, ctx):
        timing.add_child_cpu(1.5)
        time.sleep(arg)
        return O("t")
    o = timing.timed_task(fn, 0.05, None)
    check(o.wall >= 0.05 and o.cpu == 1.5, "timed_task records wall and child CPU", (o.wall, o.cpu))
    timing.add_child_cpu(2.0)      # outside a test: ignored
    o = timing.timed_task(fn, 0.0, None)
    check(o.cpu == 1.5, "child CPU is counted per test", o.cpu)


def main():
    for t in (test_schedule, test_record_and_load, test_committed_costs, test_time_limit, test_timed_task):
        t()
    print("%d passed, %d failed" % (PASSED, FAILED))
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())

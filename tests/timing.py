"""Test durations and scheduling for tests/run.py.

Every test's wall time and the CPU time of the processes it started are
recorded.  The runner starts the most expensive tests first (longest
processing time first), so the job slots finish together instead of one
slot running a long test alone at the end.  A test's expected cost comes
from, in this order:

  1. BUILD/test-times.tsv, written by every run in that build directory
     (the tests of the run update their rows; the rest are kept);
  2. tests/costs.tsv, committed: measured seconds of the slow tests per
     build kind (plain, asan), for a fresh clone such as CI's;
  3. a default by the test's kind (DEFAULT_COSTS), for a test added since.

A test that mostly waits (protocol timeouts of faulty-party scenarios:
at least WAITING_MIN_WALL seconds, of which its processes used at most
WAITING_CPU_SHARE on a CPU, by the same sources) runs in a pool of its own
beside the --jobs slots: it holds no core, so it need not hold a slot.

Only the order changes: every test still runs and reports in the usual
order.
"""

import os
import threading
import time

COSTS_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "costs.tsv")
RECORD_NAME = "test-times.tsv"

# Expected seconds of a test that has no recorded cost, by name prefix
# (first match).  The cheap kinds are many single programs; anything else
# is a script or a unit binary that may run for a while.
DEFAULT_COSTS = (
    ("golden/", 0.2), ("stflb/", 0.2), ("plain/", 0.2), ("cli/", 0.2), ("info/", 0.2),
    ("lang/golden/", 0.3), ("lang/example/", 0.5), ("conventions/", 1.0), ("unit/", 3.0),
)
UNKNOWN_COST = 10.0
WAITING_MIN_WALL = 5.0
WAITING_CPU_SHARE = 0.1

# A unit binary's time limit (tests/run.py --timeout, 60 s) grows with its
# expected cost: on a loaded machine the CPU-heavy ones (the exhaustive
# 8-bit comparisons, test_mpc_adv: 5-8 s of CPU each) got a small share of
# a core and were killed at 60 s while still computing.  The limit is at
# least LIMIT_WALL_SLACK times the expected wall and LIMIT_CPU_SLACK times
# the expected CPU (a share of 1/LIMIT_CPU_SLACK of one core), capped at
# LIMIT_MAX_FACTOR times the base, so a hang is still caught.
LIMIT_WALL_SLACK = 3.0
LIMIT_CPU_SLACK = 20.0
LIMIT_MAX_FACTOR = 5.0

_cpu = threading.local()


def add_child_cpu(seconds):
    """Called by run_process with the rusage of every child it reaped."""
    if hasattr(_cpu, "seconds"):
        _cpu.seconds += seconds


def timed_task(fn, arg, ctx):
    """Run one test; its Outcome gets .wall (seconds from start to end)
    and .cpu (user + system seconds of the children it waited for)."""
    _cpu.seconds = 0.0
    start = time.monotonic()
    try:
        o = fn(arg, ctx)
    finally:
        wall = time.monotonic() - start
        cpu = _cpu.seconds
        del _cpu.seconds
    o.wall, o.cpu = wall, cpu
    return o


def build_kind(ctx):
    return "asan" if ctx.asan else "plain"


def _read_table(path, first):
    """{test name: (wall, cpu)} from a tab-separated file "name<TAB>v1<TAB>
    v2..." (lines starting with # are comments), wall and cpu taken from
    the columns first and first + 1."""
    out = {}
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if not line.strip() or line.startswith("#"):
                    continue
                parts = line.rstrip("\n").split("\t")
                try:
                    out[parts[0]] = (float(parts[first]), float(parts[first + 1]))
                except (IndexError, ValueError):
                    continue     # a malformed row only loses its hint
    except OSError:
        pass
    return out


def load_costs(build, kind):
    """{test name: (wall, cpu)} expected in this build directory."""
    costs = _read_table(COSTS_FILE, 1 if kind == "plain" else 3)
    costs.update(_read_table(os.path.join(build, RECORD_NAME), 1))
    return costs


def expected_cost(name, costs):
    if name in costs:
        return costs[name][0]
    for prefix, seconds in DEFAULT_COSTS:
        if name.startswith(prefix):
            return seconds
    return UNKNOWN_COST


def time_limit(name, costs, base):
    """Seconds a test may run: base, more for a test expected to be long."""
    wall, cpu = costs.get(name, (0.0, 0.0))
    scaled = max(base, LIMIT_WALL_SLACK * wall, LIMIT_CPU_SLACK * cpu)
    return min(scaled, LIMIT_MAX_FACTOR * base)


def is_waiting(name, costs):
    wall, cpu = costs.get(name, (0.0, 0.0))
    return wall >= WAITING_MIN_WALL and cpu <= WAITING_CPU_SHARE * wall


def schedule(tasks, costs):
    """The tasks (name first) in the order to start them, most expensive
    first (equal costs keep their listed order), split into (the tasks
    that mostly wait, the others)."""
    ordered = sorted(tasks, key=lambda t: -expected_cost(t[0], costs))
    waiting = [t for t in ordered if is_waiting(t[0], costs)]
    return waiting, [t for t in ordered if not is_waiting(t[0], costs)]


def record(build, outcomes):
    """Update BUILD/test-times.tsv with this run's times (best effort: a
    read-only build directory only loses the hint)."""
    path = os.path.join(build, RECORD_NAME)
    table = _read_table(path, 1)
    for o in outcomes:
        table[o.name] = (getattr(o, "wall", 0.0), getattr(o, "cpu", 0.0))
    try:
        tmp = path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write("# test\twall s\tchild cpu s (tests/timing.py)\n")
            for name in sorted(table):
                f.write("%s\t%.2f\t%.2f\n" % (name, table[name][0], table[name][1]))
        os.replace(tmp, path)
    except OSError:
        pass


def write_times(path, outcomes):
    """--times FILE: every test of this run, slowest first."""
    with open(path, "w", encoding="utf-8") as f:
        f.write("# test\twall s\tchild cpu s\n")
        for o in sorted(outcomes, key=lambda o: -getattr(o, "wall", 0.0)):
            f.write("%s\t%.2f\t%.2f\n" % (o.name, getattr(o, "wall", 0.0), getattr(o, "cpu", 0.0)))


def slowest_lines(outcomes, total_wall, n=15):
    """The n slowest tests with their share of the summed test time."""
    ranked = sorted(outcomes, key=lambda o: -getattr(o, "wall", 0.0))[:n]
    summed = sum(getattr(o, "wall", 0.0) for o in outcomes) or 1.0
    lines = ["slowest tests (wall s, child CPU s, share of summed wall; whole run %.1f s, summed %.1f s):"
             % (total_wall, summed)]
    for o in ranked:
        wall, cpu = getattr(o, "wall", 0.0), getattr(o, "cpu", 0.0)
        lines.append("  %8.2f %8.2f %5.1f%%  %s" % (wall, cpu, 100.0 * wall / summed, o.name))
    return lines

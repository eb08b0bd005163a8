#!/usr/bin/env python3
"""StoffelVM-C benchmark runner (Python 3 standard library only).

    python3 bench/run.py [--build DIR] [--runs N] [--warmup N] [--quick]
                         [--filter NAMES] [--json FILE] [--timeout S]
                         [--python PATH] [--no-peers]

For every workload it runs

    ours          BUILD/stoffel-run bench/NAME.s
    lua5.4        lua5.4 PEERS/NAME.lua
    luajit -joff  luajit -joff PEERS/NAME.lua   (interpreter only)
    python3       python3 PEERS/NAME.py

N times each (default 5, interleaved so that drift of the machine hits every
implementation alike), after --warmup untimed runs (default 1), and reports
the median wall time.  PEERS is SHARED/bench-peers, where SHARED is the
environment variable STOFFEL_SHARED or ../shared next to the repository.

Our result is checked every run: exit status 0, the expected result line
and "Program returned: <expected>" on stdout.  The programs also check
themselves (a wrong result fails an assert, exit 4).  A wrong result, a
crash or a timeout of ours makes the exit status 1; timing never does.
Missing peers are shown as "n/a"; a peer that prints something unexpected is
flagged with "!" and a warning, but never fails the run.

The build itself is done by `make bench` (see docs/benchmarks.md).
"""

import argparse
import datetime
import json
import math
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH_DIR = os.path.join(REPO, "bench")

# name -> (expected result line, short description).  The expected values
# are what the peer programs print.
WORKLOADS = [
    ("empty",    "0",              "startup: load a program that returns at once"),
    ("fib",      "832040",         "recursive fib(30), 2.7M calls"),
    ("loop",     "919423987",      "100M x s = (s*31 + i) % 1000000007"),
    ("loopcmp",  "45000000",       "100M x s += i*3, conditional subtract"),
    ("matmul",   "93185100",       "200x200 integer matmul, arrays of arrays"),
    ("closure",  "2000000",        "1M closures created, each called twice"),
    ("strbuild", "1333345",        "100k to_string + concatenations, then join"),
    ("arraysum", "50000005000000", "push 10M ints, sum them by index"),
    ("fields",   "20000004",       "10M x (4 field reads, 3 field writes)"),
]
QUICK = ["empty", "fib", "matmul", "closure", "strbuild"]

IMPLS = ["ours", "lua5.4", "luajit", "python3"]
IMPL_TITLES = {"ours": "ours", "lua5.4": "lua5.4", "luajit": "luajit -joff",
               "python3": "python3"}

# --------------------------------------------------------------------------
# running one child


class RunResult:
    def __init__(self, seconds, rc, stdout, stderr, maxrss_kb, timed_out, floor_kb=0,
                 cpu_seconds=0.0):
        self.seconds = seconds
        # user + system CPU time of the child: what a loaded machine
        # inflates far less than wall time
        self.cpu_seconds = cpu_seconds
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.maxrss_kb = maxrss_kb
        self.timed_out = timed_out
        # Linux keeps a process's peak RSS across exec, so a child forked
        # from this runner starts with the runner's RSS as its peak.  Peaks
        # at or below that floor say only "at most this much".
        self.floor_kb = floor_kb


def self_rss_kb():
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
    except (OSError, ValueError, IndexError):
        return 0


_children = set()
_children_lock = threading.Lock()


def run_once(argv, timeout):
    """Run argv with stdout/stderr to temporary files; return a RunResult.

    The wall time covers fork, exec and wait.  wait4 gives the child's peak
    RSS.  A timer kills the child's process group after `timeout` seconds.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        floor_kb = self_rss_kb()
        t0 = time.perf_counter()
        try:
            p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out,
                                 stderr=err, start_new_session=True)
        except OSError as e:
            return RunResult(0.0, 127, "", str(e), 0, False)
        with _children_lock:
            _children.add(p.pid)
        timed_out = threading.Event()

        def kill():
            timed_out.set()
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except OSError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, ru = os.wait4(p.pid, 0)
        finally:
            timer.cancel()
            with _children_lock:
                _children.discard(p.pid)
        t1 = time.perf_counter()
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return RunResult(t1 - t0, p.returncode,
                         out.read().decode("utf-8", "replace"),
                         err.read().decode("utf-8", "replace"),
                         ru.ru_maxrss, timed_out.is_set(), floor_kb,
                         ru.ru_utime + ru.ru_stime)


def kill_children():
    with _children_lock:
        pids = list(_children)
    for pid in pids:
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass


# --------------------------------------------------------------------------
# checks


def check_ours(name, expected, r):
    """None if our run is correct, else a one-line reason."""
    if r.timed_out:
        return "timed out"
    if r.rc != 0:
        tail = r.stderr.strip().splitlines()[-2:]
        return "exit status %d%s" % (r.rc, (": " + " | ".join(tail)) if tail else "")
    lines = [l.strip() for l in r.stdout.splitlines()]
    want_ret = "Program returned: %s" % expected
    if want_ret not in lines:
        return "missing %r in output %r" % (want_ret, r.stdout[-200:])
    if name != "empty" and expected not in lines:
        return "missing result line %r in output %r" % (expected, r.stdout[-200:])
    return None


def check_peer(expected, name, r):
    if r.timed_out:
        return "timed out"
    if r.rc != 0:
        return "exit status %d" % r.rc
    if name == "empty":
        return None if r.stdout.strip() == "" else "unexpected output"
    lines = [l.strip() for l in r.stdout.splitlines()]
    return None if expected in lines else "printed %r" % r.stdout.strip()[:60]


# --------------------------------------------------------------------------
# machine description


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def nproc():
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 0


def loadavg():
    try:
        return "%.2f %.2f %.2f" % os.getloadavg()
    except OSError:
        return "unknown"


def git_commit():
    try:
        p = subprocess.run(["git", "-C", REPO, "describe", "--always", "--dirty"],
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return p.stdout.decode("utf-8", "replace").strip() or "unknown"


def tool_version(argv):
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = (p.stdout + p.stderr).decode("utf-8", "replace").strip()
    return text.splitlines()[0] if text else None


# --------------------------------------------------------------------------
# formatting


def fmt_time(s):
    if s is None:
        return "n/a"
    ms = s * 1000.0
    if ms >= 1000:
        return "%.2f s" % s
    if ms >= 10:
        return "%.0f ms" % ms
    return "%.1f ms" % ms


def fmt_ratio(x):
    return "n/a" if x is None else "%.2fx" % x


def fmt_rss(kb):
    if not kb:
        return "n/a"
    if kb < 0:
        return "<%d MB" % math.ceil(-kb / 1024.0)
    return "%.0f MB" % (kb / 1024.0)


def geomean(xs):
    xs = [x for x in xs if x is not None and x > 0]
    if not xs:
        return None
    return math.exp(sum(math.log(x) for x in xs) / len(xs))


def print_table(headers, rows, out):
    widths = [max(len(str(r[i])) for r in [headers] + rows) for i in range(len(headers))]
    def line(r):
        cells = []
        for i, c in enumerate(r):
            c = str(c)
            cells.append(c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]))
        return "  ".join(cells).rstrip()
    print(line(headers), file=out)
    print("  ".join("-" * w for w in widths), file=out)
    for r in rows:
        print(line(r), file=out)


# --------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build", help="build directory (default build)")
    ap.add_argument("--runs", type=int, default=None,
                    help="timed runs per program (default 5; 1 with --quick)")
    ap.add_argument("--warmup", type=int, default=None,
                    help="untimed runs first (default 1; 0 with --quick)")
    ap.add_argument("--quick", action="store_true",
                    help="1 run, no warm-up, only the short workloads (%s)" % ", ".join(QUICK))
    ap.add_argument("--filter", default=None,
                    help="comma-separated workload names or substrings")
    ap.add_argument("--json", metavar="FILE", default=None, help="write the numbers as JSON")
    ap.add_argument("--timeout", type=float, default=300.0,
                    help="seconds before one run is killed (default 300)")
    ap.add_argument("--python", default=None,
                    help="Python for the peers (default /usr/bin/python3, else python3 on PATH)")
    ap.add_argument("--no-peers", action="store_true", help="run only our programs")
    args = ap.parse_args()

    runs = args.runs if args.runs is not None else (1 if args.quick else 5)
    warmup = args.warmup if args.warmup is not None else (0 if args.quick else 1)
    if runs < 1:
        ap.error("--runs must be at least 1")

    build = args.build if os.path.isabs(args.build) else os.path.join(REPO, args.build)
    ours_bin = os.path.join(build, "stoffel-run")
    if not os.access(ours_bin, os.X_OK):
        print("error: %s not found; run `make` (or `make bench`) first" % ours_bin,
              file=sys.stderr)
        return 1

    shared = os.environ.get("STOFFEL_SHARED") or os.path.join(REPO, "..", "shared")
    peers_dir = os.path.normpath(os.path.join(shared, "bench-peers"))

    py = args.python
    if py is None:
        py = "/usr/bin/python3" if os.access("/usr/bin/python3", os.X_OK) else shutil.which("python3")
    tools = {
        "lua5.4": shutil.which("lua5.4"),
        "luajit": shutil.which("luajit"),
        "python3": py if py and (os.access(py, os.X_OK) or shutil.which(py)) else None,
    }
    if args.no_peers:
        tools = {k: None for k in tools}

    selected = WORKLOADS
    if args.quick:
        selected = [w for w in selected if w[0] in QUICK]
    if args.filter:
        pats = [p.strip() for p in args.filter.split(",") if p.strip()]
        selected = [w for w in selected if any(p == w[0] or p in w[0] for p in pats)]
    if not selected:
        print("error: no workload matches --filter %r" % args.filter, file=sys.stderr)
        return 1

    def commands(name):
        cmds = {"ours": [ours_bin, os.path.join(BENCH_DIR, name + ".s")]}
        lua = os.path.join(peers_dir, name + ".lua")
        pyf = os.path.join(peers_dir, name + ".py")
        cmds["lua5.4"] = [tools["lua5.4"], lua] if tools["lua5.4"] and os.path.isfile(lua) else None
        cmds["luajit"] = [tools["luajit"], "-joff", lua] if tools["luajit"] and os.path.isfile(lua) else None
        cmds["python3"] = [tools["python3"], pyf] if tools["python3"] and os.path.isfile(pyf) else None
        return cmds

    commit = git_commit()
    load_before = loadavg()
    date = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    machine = {"nproc": nproc(), "cpu": cpu_model(), "os": platform.platform()}
    versions = {
        "lua5.4": tool_version([tools["lua5.4"], "-v"]) if tools["lua5.4"] else None,
        "luajit": tool_version([tools["luajit"], "-v"]) if tools["luajit"] else None,
        "python3": tool_version([tools["python3"], "--version"]) if tools["python3"] else None,
    }
    out = sys.stdout
    print("StoffelVM-C benchmarks  %s" % date, file=out)
    print("machine: %d CPUs, %s (%s)" % (machine["nproc"], machine["cpu"], machine["os"]), file=out)
    print("ours:    %s (commit %s)" % (os.path.relpath(ours_bin, REPO), commit), file=out)
    print("load:    %s (1/5/15-minute load average before the run)" % load_before, file=out)
    for k in ("lua5.4", "luajit", "python3"):
        print("%-8s %s" % (k + ":", versions[k] or
                           ("skipped (--no-peers)" if args.no_peers else "n/a (not installed)")),
              file=out)
    print("peers:   %s" % (peers_dir if os.path.isdir(peers_dir) else peers_dir + " (missing)"), file=out)
    print("method:  median wall time of %d run(s) after %d warm-up run(s), interleaved"
          % (runs, warmup), file=out)
    print(file=out)
    out.flush()

    failures = []
    peer_warnings = []
    results = {}
    for name, expected, desc in selected:
        cmds = commands(name)
        times = {k: [] for k in IMPLS}
        cpus = {k: [] for k in IMPLS}
        rss = {k: [] for k in IMPLS}
        bad_peer = {}
        ours_failed = None
        for rep in range(warmup + runs):
            for impl in IMPLS:
                argv = cmds[impl]
                if argv is None or impl in bad_peer:
                    continue
                if impl == "ours" and ours_failed:
                    continue
                r = run_once(argv, args.timeout)
                if impl == "ours":
                    why = check_ours(name, expected, r)
                    if why:
                        ours_failed = why
                        continue
                else:
                    why = check_peer(expected, name, r)
                    if why:
                        bad_peer[impl] = why
                        continue
                if rep >= warmup:
                    times[impl].append(r.seconds)
                    cpus[impl].append(r.cpu_seconds)
                    # a peak within 1 MB of the inherited floor is only an upper bound
                    rss[impl].append(r.maxrss_kb if r.maxrss_kb > r.floor_kb + 1024
                                     else -max(r.maxrss_kb, r.floor_kb))
        med = {k: (statistics.median(v) if v else None) for k, v in times.items()}
        cmed = {k: (statistics.median(v) if v else None) for k, v in cpus.items()}
        if ours_failed:
            med["ours"] = None
            cmed["ours"] = None
            failures.append((name, ours_failed))
            print("FAIL %s: %s" % (name, ours_failed), file=sys.stderr)
        for impl, why in bad_peer.items():
            med[impl] = None
            cmed[impl] = None
            peer_warnings.append((name, impl, why))
            print("warning: %s %s: %s" % (IMPL_TITLES[impl], name, why), file=sys.stderr)
        results[name] = {
            "description": desc,
            "expected": expected,
            "ok": ours_failed is None,
            "error": ours_failed,
            "median_s": med,
            "runs_s": times,
            "median_cpu_s": cmed,
            "runs_cpu_s": cpus,
            # peak RSS; a negative number -N means "at most N" (see RunResult)
            "max_rss_kb": {k: (max(v) if v and min(v) > 0 else (min(v) if v else None))
                           for k, v in rss.items()},
            "peer_errors": bad_peer,
        }
        print("  %-9s ours %-9s lua5.4 %-9s luajit -joff %-9s python3 %s"
              % (name, fmt_time(med["ours"]), fmt_time(med["lua5.4"]),
                 fmt_time(med["luajit"]), fmt_time(med["python3"])), file=out)
        out.flush()

    def ratio(name, peer, key="median_s"):
        m = results[name][key]
        if m["ours"] is None or m[peer] is None or m[peer] <= 0:
            return None
        return m["ours"] / m[peer]

    headers = ["workload", "ours", "lua5.4", "luajit -joff", "python3",
               "ours/lua5.4", "ours/luajit", "ours RSS"]
    rows = []
    for name, _, _ in selected:
        res = results[name]
        m = res["median_s"]
        res["ratio_lua54"] = ratio(name, "lua5.4")
        res["ratio_luajit"] = ratio(name, "luajit")
        rk = res["max_rss_kb"]["ours"]
        ours_cell = fmt_time(m["ours"]) if res["ok"] else "FAIL"
        marks = {k: ("!" if k in res["peer_errors"] else "") for k in IMPLS}
        rows.append([name, ours_cell,
                     fmt_time(m["lua5.4"]) + marks["lua5.4"],
                     fmt_time(m["luajit"]) + marks["luajit"],
                     fmt_time(m["python3"]) + marks["python3"],
                     fmt_ratio(res["ratio_lua54"]), fmt_ratio(res["ratio_luajit"]),
                     fmt_rss(rk)])
    print(file=out)
    print_table(headers, rows, out)

    # Geometric means over the real workloads (empty measures only startup).
    timed = [n for n, _, _ in selected if n != "empty"]
    g_lua = geomean([results[n]["ratio_lua54"] for n in timed])
    g_jit = geomean([results[n]["ratio_luajit"] for n in timed])
    n_lua = sum(1 for n in timed if results[n]["ratio_lua54"] is not None)
    n_jit = sum(1 for n in timed if results[n]["ratio_luajit"] is not None)
    print(file=out)
    print("geometric mean ours/lua5.4:       %s  (%d workloads, without empty; below 1 = we are faster)"
          % (fmt_ratio(g_lua), n_lua), file=out)
    print("geometric mean ours/luajit -joff: %s  (%d workloads, without empty)"
          % (fmt_ratio(g_jit), n_jit), file=out)

    # The same on CPU time (user + system), which other jobs on a shared
    # machine inflate far less than wall time.
    crows = []
    for name, _, _ in selected:
        res = results[name]
        c = res["median_cpu_s"]
        res["cpu_ratio_lua54"] = ratio(name, "lua5.4", "median_cpu_s")
        res["cpu_ratio_luajit"] = ratio(name, "luajit", "median_cpu_s")
        crows.append([name, fmt_time(c["ours"]) if res["ok"] else "FAIL",
                      fmt_time(c["lua5.4"]), fmt_time(c["luajit"]), fmt_time(c["python3"]),
                      fmt_ratio(res["cpu_ratio_lua54"]), fmt_ratio(res["cpu_ratio_luajit"])])
    print(file=out)
    print("CPU time (user + system, median):", file=out)
    print_table(["workload", "ours", "lua5.4", "luajit -joff", "python3",
                 "ours/lua5.4", "ours/luajit"], crows, out)
    cg_lua = geomean([results[n]["cpu_ratio_lua54"] for n in timed])
    cg_jit = geomean([results[n]["cpu_ratio_luajit"] for n in timed])
    print(file=out)
    print("geometric mean CPU ours/lua5.4:       %s" % fmt_ratio(cg_lua), file=out)
    print("geometric mean CPU ours/luajit -joff: %s" % fmt_ratio(cg_jit), file=out)

    # Startup: ours on empty.s against `lua5.4 -e ''`, with more runs since
    # each costs a few milliseconds.
    startup = None
    if any(n == "empty" for n, _, _ in selected) and results["empty"]["ok"]:
        sruns = max(runs, 20) if not args.quick else 5
        st = {"ours": [], "lua5.4": []}
        scmd = {"ours": commands("empty")["ours"],
                "lua5.4": [tools["lua5.4"], "-e", ""] if tools["lua5.4"] else None}
        for _ in range(sruns):
            for k, argv in scmd.items():
                if argv is None:
                    continue
                r = run_once(argv, args.timeout)
                if r.rc == 0 and not r.timed_out:
                    st[k].append(r.seconds)
        startup = {k: (statistics.median(v) if v else None) for k, v in st.items()}
        startup["runs"] = sruns
        print("startup (median of %d, includes fork/exec from Python): ours empty.s %s, lua5.4 -e '' %s"
              % (sruns, fmt_time(startup["ours"]), fmt_time(startup["lua5.4"])), file=out)

    load_after = loadavg()
    print("load average before %s, after %s (a busy machine slows every column)"
          % (load_before, load_after), file=out)

    if peer_warnings:
        print(file=out)
        for name, impl, why in peer_warnings:
            print("note: %s on %s is not counted: %s" % (IMPL_TITLES[impl], name, why), file=out)

    if args.json:
        doc = {
            "date": date,
            "machine": machine,
            "commit": commit,
            "loadavg_before": load_before,
            "loadavg_after": load_after,
            "versions": versions,
            "ours": os.path.relpath(ours_bin, REPO),
            "runs": runs,
            "warmup": warmup,
            "workloads": results,
            "geomean": {"ours_over_lua54": g_lua, "ours_over_luajit_joff": g_jit,
                        "cpu_ours_over_lua54": cg_lua, "cpu_ours_over_luajit_joff": cg_jit},
            "startup_s": startup,
            "failures": [{"workload": n, "error": e} for n, e in failures],
        }
        with open(args.json, "w") as f:
            json.dump(doc, f, indent=2, sort_keys=True)
            f.write("\n")

    print(file=out)
    if failures:
        print("%d workload(s) FAILED: %s" % (len(failures), ", ".join(n for n, _ in failures)),
              file=out)
        return 1
    print("all %d workload(s) gave the expected result" % len(selected), file=out)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        kill_children()
        sys.exit(130)

#!/usr/bin/env python3
"""StoffelVM-C test runner (Python 3 standard library only).

    python3 tests/run.py --build build [--filter SUBSTR] [-v] [--jobs N] [--timeout S]

Runs, in this order of reporting:
  1. every executable in BUILD/tests/ (C unit-test binaries); each prints a
     last stdout line "N passed, N failed" and the counts are added up;
  2. every golden program tests/golden/**/*.s through BUILD/stoffel-run
     (one test per file, expectations in comment lines, see docs/testing.md);
  3. every golden program that runs (expected exit 0 or 4) once more as
     bytecode: BUILD/stoffel-asm FILE -o TMP.stflb, then the same checks on
     BUILD/stoffel-run TMP.stflb;
  3b. every golden program once more with STOFFEL_NO_FUSION=1 (the
     translator emits plain instructions only): the fused and the plain
     paths must give the same results;
  4. a few CLI checks defined below (CLI_CHECKS);
  4b. the conventions of docs/architecture.md (scripts/check-layering.py):
     conventions/layering, includes, internal, prefixes;
  5. the embedding extras: api/installed (tests/api/run_installed.sh, one
     test) and python/pytest (python/tests, its counts added; skipped under
     ASan).

Failures are printed with a short diff, then the 15 slowest tests.  The
very last line of output is "N passed, N failed"; the exit status is 0 iff
nothing failed.  The tests start most expensive first, those that mostly
wait beside the job slots (tests/timing.py); --times FILE keeps every
test's seconds.

When the build directory name contains "asan" the children run with
ASAN_OPTIONS=detect_leaks=1 and UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1,
and any sanitizer report on stderr makes the test fail.
"""

import argparse
import concurrent.futures
import difflib
import math
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import timing  # noqa: E402  (tests/timing.py: durations and start order)

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOLDEN_DIR = os.path.join("tests", "golden")

COUNT_RE = re.compile(r"^\s*(\d+) passed, (\d+) failed\s*$")
SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                     "runtime error:")
DIRECTIVE_RE = re.compile(r"^\s*#\s*(expect|expect-error|exit|args|max-rss-mb|timeout)\s*:(.*)$")


# --------------------------------------------------------------------------
# running one child process

# Process groups of running children, killed if the runner is interrupted.
_active = set()
_active_lock = threading.Lock()
_stopping = threading.Event()


def kill_active():
    _stopping.set()
    with _active_lock:
        pids = list(_active)
    for pid in pids:
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


class RunResult:
    def __init__(self):
        self.returncode = None    # exit code, or -signal
        self.stdout = ""
        self.stderr = ""
        self.timed_out = False
        self.maxrss_kib = None    # peak resident set size of the child
        self.spawn_error = None   # OSError text if the program could not start
        self.seconds = 0.0


def _read_text(f):
    f.seek(0)
    return f.read().decode("utf-8", errors="replace")


def run_process(argv, env, timeout, cwd=REPO):
    """Run argv with stdout/stderr captured, a timeout (kills the whole
    process group) and the child's own rusage (via os.wait4)."""
    res = RunResult()
    res.limit = timeout
    start = time.monotonic()
    if _stopping.is_set():
        res.spawn_error = "not started: the run was interrupted"
        res.returncode = 127
        return res
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        try:
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out,
                                    stderr=err, cwd=cwd, env=env,
                                    start_new_session=True)
        except OSError as e:
            res.spawn_error = "cannot start %s: %s" % (argv[0], e.strerror or e)
            res.returncode = 127
            return res

        with _active_lock:
            _active.add(proc.pid)
        if _stopping.is_set():
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        box = {}

        def waiter():
            try:
                _, status, rusage = os.wait4(proc.pid, 0)
                box["status"] = status
                box["rusage"] = rusage
            except ChildProcessError:
                box["status"] = None

        t = threading.Thread(target=waiter, daemon=True)
        t.start()
        t.join(timeout)
        if t.is_alive():
            res.timed_out = True
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            t.join()
        else:
            # Make sure no grandchild keeps running after the child exited.
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        with _active_lock:
            _active.discard(proc.pid)
        status = box.get("status")
        if status is None:
            res.returncode = -1
        else:
            res.returncode = os.waitstatus_to_exitcode(status)
        proc.returncode = res.returncode  # already reaped; keep Popen quiet
        ru = box.get("rusage")
        if ru is not None:
            timing.add_child_cpu(ru.ru_utime + ru.ru_stime)
            # ru_maxrss is KiB on Linux, bytes on macOS.
            res.maxrss_kib = ru.ru_maxrss // 1024 if sys.platform == "darwin" else ru.ru_maxrss
        res.stdout = _read_text(out)
        res.stderr = _read_text(err)
    res.seconds = time.monotonic() - start
    return res


def describe_status(res):
    if res.spawn_error:
        return res.spawn_error
    if res.timed_out:
        return "timed out after %.0f s" % res.limit
    if res.returncode is not None and res.returncode < 0:
        try:
            name = signal.Signals(-res.returncode).name
        except ValueError:
            name = "signal %d" % -res.returncode
        return "killed by %s" % name
    return "exit %s" % res.returncode


def tail(text, n=15):
    lines = text.rstrip("\n").split("\n") if text.strip() else []
    if len(lines) > n:
        lines = ["..."] + lines[-n:]
    return "\n".join("    " + l for l in lines)


def sanitizer_report(stderr):
    for marker in SANITIZER_MARKERS:
        if marker in stderr:
            return marker
    return None


# --------------------------------------------------------------------------
# test results

class Outcome:
    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failed = 0
        self.details = []      # failure explanation lines
        self.note = ""         # shown with -v
        self.seconds = 0.0

    def fail(self, msg):
        self.details.append(msg)


# --------------------------------------------------------------------------
# 1. unit-test binaries

def find_unit_binaries(build):
    d = os.path.join(build, "tests")
    if not os.path.isdir(d):
        return []
    out = []
    for name in sorted(os.listdir(d)):
        p = os.path.join(d, name)
        if os.path.isfile(p) and os.access(p, os.X_OK):
            out.append(p)
    return out


# Unit tests that wait out timeouts on purpose (silent parties): seconds.
UNIT_TIMEOUTS = {"test_preproc_silent": 400, "test_preproc_disputes": 400}


def run_unit(path, ctx):
    o = Outcome("unit/" + os.path.basename(path))
    res = run_process(ctx.wrap + [os.path.abspath(path)], ctx.env,
                      max(timing.time_limit(o.name, ctx.costs, ctx.timeout),
                          UNIT_TIMEOUTS.get(os.path.basename(path), 0)))
    o.seconds = res.seconds
    counted = None
    for line in reversed(res.stdout.splitlines()):
        if line.strip():
            m = COUNT_RE.match(line)
            if m:
                counted = (int(m.group(1)), int(m.group(2)))
            break
    problem = None
    if res.spawn_error or res.timed_out or (res.returncode is not None and res.returncode < 0):
        problem = describe_status(res)
    elif counted is None:
        problem = "no 'N passed, N failed' line (%s)" % describe_status(res)
    elif res.returncode != 0 and counted[1] == 0:
        problem = "exit %d although it reports 0 failed" % res.returncode
    elif res.returncode == 0 and counted[1] != 0:
        problem = "exit 0 although it reports %d failed" % counted[1]
    if ctx.asan:
        marker = sanitizer_report(res.stderr)
        if marker:
            problem = (problem + "; " if problem else "") + "sanitizer report (%s)" % marker
    if counted:
        o.passed, o.failed = counted
    for line in res.stdout.splitlines():     # UNIT_SKIP (tests/unit/unit.h)
        if line.startswith("skipped: "):
            ctx.skipped.append("%s: %s" % (o.name, line[len("skipped: "):]))
    if problem:
        o.failed += 1
    if o.failed:
        if problem:
            o.fail(problem)
        fail_lines = [l for l in res.stderr.splitlines() if l.startswith("FAIL")]
        if fail_lines and not problem:
            o.fail("\n".join("    " + l for l in fail_lines[:30]))
            if len(fail_lines) > 30:
                o.fail("    ... (%d more)" % (len(fail_lines) - 30))
        else:
            o.fail("stderr tail:\n" + (tail(res.stderr) or "    (empty)"))
    o.note = "%d passed, %d failed" % (o.passed, o.failed)
    return o


# --------------------------------------------------------------------------
# 2. golden programs

class Golden:
    def __init__(self, relpath):
        self.relpath = relpath          # relative to the repo root
        self.expect = []                # stdout lines
        self.expect_error = []          # stderr substrings
        self.exit = None
        self.args = []
        self.max_rss_mb = None
        self.timeout = None
        self.problems = []              # malformed directives


def parse_golden(relpath):
    g = Golden(relpath)
    with open(os.path.join(REPO, relpath), "r", encoding="utf-8", errors="replace") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n").rstrip("\r")
            m = DIRECTIVE_RE.match(line)
            if not m:
                continue
            key, val = m.group(1), m.group(2)
            # The value starts after one optional space; the rest is kept exactly.
            if val.startswith(" "):
                val = val[1:]
            if key == "expect":
                g.expect.append(val)
            elif key == "expect-error":
                if not val.strip():
                    g.problems.append("line %d: empty expect-error" % lineno)
                g.expect_error.append(val.strip())
            elif key == "args":
                try:
                    g.args.extend(shlex.split(val))
                except ValueError as e:
                    g.problems.append("line %d: bad args: %s" % (lineno, e))
            else:
                try:
                    num = int(val.strip()) if key == "exit" else float(val.strip())
                except ValueError:
                    g.problems.append("line %d: bad %s value %r" % (lineno, key, val))
                    continue
                if key == "exit":
                    g.exit = num
                elif key == "max-rss-mb":
                    g.max_rss_mb = num
                else:
                    g.timeout = num
    if g.exit is None:
        g.exit = 4 if g.expect_error else 0
    return g


def find_goldens():
    root = os.path.join(REPO, GOLDEN_DIR)
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for fn in filenames:
            if fn.endswith(".s"):
                out.append(os.path.relpath(os.path.join(dirpath, fn), REPO))
    return sorted(out)


def short_diff(expected, got, limit=40):
    diff = list(difflib.unified_diff(expected, got, "expected", "got", lineterm="", n=2))
    if len(diff) > limit:
        diff = diff[:limit] + ["... (%d more diff lines)" % (len(diff) - limit)]
    return "\n".join("    " + d for d in diff)


def split_stdout(text):
    """Lines of stdout; a missing final newline is reported as a marker line."""
    if text == "":
        return []
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    else:
        lines[-1] += "  <no newline at end>"
    return lines


def golden_name(relpath):
    return relpath[len(GOLDEN_DIR) + 1:] if relpath.startswith(GOLDEN_DIR + os.sep) else relpath


def load_golden(relpath, o):
    """Parse a golden file; on a problem record it in o and return None."""
    try:
        g = parse_golden(relpath)
    except OSError as e:
        o.fail("cannot read %s: %s" % (relpath, e))
        return None
    if g.problems:
        for p in g.problems:
            o.fail("malformed test: " + p)
        return None
    return g


def check_golden_run(g, program, o, ctx):
    """Run stoffel-run on program (the .s file or its .stflb) with the
    golden's arguments and check every expectation of g."""
    argv = ctx.wrap + [ctx.runner, program] + g.args
    res = run_process(argv, ctx.env, g.timeout or ctx.timeout)
    o.seconds += res.seconds
    if res.spawn_error or res.timed_out or (res.returncode is not None and res.returncode < 0):
        o.fail("%s (command: %s)" % (describe_status(res), " ".join(shlex.quote(a) for a in argv)))
        o.fail("stderr tail:\n" + (tail(res.stderr) or "    (empty)"))
    else:
        got = split_stdout(res.stdout)
        if got != g.expect:
            o.fail("stdout differs:\n" + short_diff(g.expect, got))
        if res.returncode != g.exit:
            o.fail("exit code %d, expected %d" % (res.returncode, g.exit))
        missing = [e for e in g.expect_error if e not in res.stderr]
        for e in missing:
            o.fail("stderr does not contain: %s" % e)
        if missing or res.returncode != g.exit:
            o.fail("stderr tail:\n" + (tail(res.stderr) or "    (empty)"))
        if ctx.asan:
            marker = sanitizer_report(res.stderr)
            if marker and not any(marker in e for e in g.expect_error):
                o.fail("sanitizer report (%s):\n%s" % (marker, tail(res.stderr, 25)))
    if g.max_rss_mb is not None:
        if ctx.asan or ctx.wrap:
            o.note = "rss limit not checked under ASan or a wrapper (they add their own memory)"
        elif res.maxrss_kib is None:
            o.fail("peak RSS unknown")
        else:
            mib = res.maxrss_kib / 1024.0
            o.note = "peak RSS %.1f MiB (limit %g)" % (mib, g.max_rss_mb)
            if mib > g.max_rss_mb:
                o.fail("peak RSS %.1f MiB exceeds the limit of %g MiB" % (mib, g.max_rss_mb))


def finish(o):
    if o.details:
        o.failed = 1
    else:
        o.passed = 1
    return o


def run_golden(relpath, ctx, prefix="golden/"):
    o = Outcome(prefix + golden_name(relpath))
    g = load_golden(relpath, o)
    if g is None:
        return finish(o)
    if not ctx.runner_ok:
        o.fail(ctx.runner_missing)
        return finish(o)
    check_golden_run(g, relpath, o, ctx)
    return finish(o)


def run_golden_plain(relpath, ctx):
    """The golden again with superinstructions off (STOFFEL_NO_FUSION=1)."""
    plain = Context()
    plain.__dict__.update(ctx.__dict__)
    plain.env = dict(ctx.env, STOFFEL_NO_FUSION="1")
    return run_golden(relpath, plain, "plain/")


def stflb_roundtrip_applies(relpath):
    """Goldens that run (exit 0 or a runtime error) are also checked as
    bytecode; assembly and load errors (exit 2, 3) are about the text."""
    try:
        g = parse_golden(relpath)
    except OSError:
        return False
    return not g.problems and g.exit in (0, 4)


def run_golden_stflb(relpath, ctx):
    """Assemble the golden with stoffel-asm, run the .stflb, expect the same."""
    o = Outcome("stflb/" + golden_name(relpath))
    g = load_golden(relpath, o)
    if g is None:
        return finish(o)
    if not ctx.asm_ok:
        o.fail(ctx.asm_missing)
        return finish(o)
    if not ctx.runner_ok:
        o.fail(ctx.runner_missing)
        return finish(o)
    out = os.path.join(ctx.tmpdir, golden_name(relpath).replace(os.sep, "__")[:-2] + ".stflb")
    argv = [ctx.asm, relpath, "-o", out]
    res = run_process(argv, ctx.env, ctx.timeout)
    o.seconds += res.seconds
    if res.returncode != 0 or not os.path.isfile(out):
        o.fail("stoffel-asm failed: %s (command: %s)" % (
            describe_status(res), " ".join(shlex.quote(a) for a in argv)))
        o.fail("stderr tail:\n" + (tail(res.stderr) or "    (empty)"))
        return finish(o)
    if ctx.asan:
        marker = sanitizer_report(res.stderr)
        if marker:
            o.fail("sanitizer report in stoffel-asm (%s):\n%s" % (marker, tail(res.stderr, 25)))
    check_golden_run(g, out, o, ctx)
    try:
        os.unlink(out)
    except OSError:
        pass
    return finish(o)


# --------------------------------------------------------------------------
# 4. CLI checks that are not tied to one golden file
#
# (name, argv after stoffel-run, expected exit, stderr substrings)
CLI_CHECKS = [
    ("cli/no-arguments", [], 1, []),
    ("cli/help", ["--help"], 0, []),
    ("cli/help-short", ["-h"], 0, []),
    ("cli/help-after-file", [os.path.join(GOLDEN_DIR, "cli", "hello.s"), "--help"], 0, []),
    ("cli/missing-file", [os.path.join("tests", "no-such-program.s")], 2, []),
    ("cli/directory-as-file", [os.path.join("tests")], 2, []),
    # spec §12: bad flags exit 2 (removed upstream flags too)
    ("cli/unknown-option", [os.path.join(GOLDEN_DIR, "cli", "hello.s"), "main", "--no-such-flag"], 2, []),
    ("cli/flag-missing-value", [os.path.join(GOLDEN_DIR, "cli", "hello.s"), "main", "--max-instructions"], 2, []),
    ("cli/flag-bad-number", [os.path.join(GOLDEN_DIR, "cli", "hello.s"), "main", "--max-instructions", "lots"], 2, []),
    ("cli/removed-flag", [os.path.join(GOLDEN_DIR, "cli", "hello.s"), "main", "--client-id", "1"], 2, []),
    ("cli/version", ["--version"], 0, []),
    ("cli/typo-warning", [os.path.join(GOLDEN_DIR, "errors", "call_typo.s")], 4,
     ["call_typo.s:7: warning: main, instruction 2 calls 'array_lenght', which is not defined; "
      "did you mean 'array_length'?"]),
    # issue 16: a default heap cap, which --max-heap-mb 0 lifts
    ("cli/max-heap-mb-zero", [os.path.join(GOLDEN_DIR, "cli", "hello.s"), "main", "--max-heap-mb", "0"], 0, []),
] + [
    # issue 16: the VM limits hold in every party's VM of a --local-mpc session
    ("cli/mpc-limit" + flag, [os.path.join(GOLDEN_DIR, "limits", prog), "main", "--local-mpc", "--n-parties", "4",
                              flag, value], 4, [err])
    for prog, flag, value, err in (
        ("instruction_budget.s", "--max-instructions", "1000", "Instruction budget exhausted (1000 instructions)"),
        ("max_call_depth_flag.s", "--max-call-depth", "50", "Call depth limit exceeded (50 frames)"),
        ("heap_limit.s", "--max-heap-mb", "8", "Heap limit exceeded (8388608 bytes)"))
] + [
    # upstream's flags for features this implementation does not have (issue 12)
    ("cli/unsupported" + flag, [os.path.join(GOLDEN_DIR, "cli", "hello.s"), flag, "x"], 2,
     [flag + " is not supported by this implementation"])
    for flag in ("--eth-node", "--wallet-sk", "--on-chain-coord", "--off-chain-coord", "--rpc-bind", "--nat",
                 "--stun-servers", "--advertise", "--no-program-upload", "--bootnode")
]


def run_command_check(name, args, want_exit, ctx, want_err=(), verify_stdout=None):
    """Run stoffel-run with args; check the exit code, stderr substrings and,
    if given, verify_stdout(stdout) -> None or the reason it is wrong."""
    o = Outcome(name)
    if not ctx.runner_ok:
        o.failed = 1
        o.fail(ctx.runner_missing)
        return o
    argv = ctx.wrap + [ctx.runner] + args
    res = run_process(argv, ctx.env, ctx.timeout)
    o.seconds = res.seconds
    cmd = " ".join(shlex.quote(a) for a in argv)
    if res.spawn_error or res.timed_out or (res.returncode is not None and res.returncode < 0):
        o.fail("%s (command: %s)" % (describe_status(res), cmd))
    elif res.returncode != want_exit:
        o.fail("exit code %d, expected %d (command: %s)" % (res.returncode, want_exit, cmd))
    elif verify_stdout:
        why = verify_stdout(res.stdout)
        if why:
            o.fail("%s (command: %s)" % (why, cmd))
    for e in want_err:
        if e not in res.stderr:
            o.fail("stderr does not contain: %s" % e)
    if ctx.asan:
        marker = sanitizer_report(res.stderr)
        if marker:
            o.fail("sanitizer report (%s)" % marker)
    if o.details:
        o.fail("stderr tail:\n" + (tail(res.stderr) or "    (empty)"))
        o.failed = 1
    else:
        o.passed = 1
    return o


def run_cli_check(check, ctx):
    name, args, want_exit, want_err = check
    return run_command_check(name, args, want_exit, ctx, want_err=want_err)


def _info_marks_duplicates(stdout):
    """--info on a program with two functions named main: the second (only)
    is marked as a duplicate."""
    lines = [l for l in stdout.splitlines() if l.startswith("  main(")]
    if len(lines) != 2:
        return "expected two lines for main, got %d" % len(lines)
    if lines[0].endswith("(duplicate)") or not lines[1].endswith("(duplicate)"):
        return "duplicate marks wrong: %r" % lines
    return None


def run_info_check(check, ctx):
    name, args = check
    return run_command_check(name, args, 0, ctx, verify_stdout=_info_marks_duplicates)


INFO_CHECKS = [
    ("cli/info-duplicates", ["--info", os.path.join(GOLDEN_DIR, "asm", "duplicate_function.s")]),
]


# --------------------------------------------------------------------------
# 4b. In-process MPC sessions (stoffel-run --local-mpc) on the upstream
#     fixtures: every party a thread with its own VM and engine, clients
#     submitting masked inputs and reconstructing the returned share.

def _fixture(name):
    """Upstream's fixture from ../shared; on a bare clone our own stand-in
    tests/mpc/NAME.s where there is one (else the path stays missing and
    run_mpc_check skips the check)."""
    shared = os.environ.get("STOFFEL_SHARED") or os.path.join(REPO, "..", "shared")
    path = os.path.join(shared, "fixtures", "stoffel-vm", name)
    stem = os.path.splitext(name)[0] + ".s"
    for own in (os.path.join(REPO, "examples", stem), os.path.join(REPO, "tests", "mpc", stem)):
        if not os.path.exists(path) and os.path.exists(own):
            return own
    return path


def _matrix_inputs(rng, clients):
    vals = [[round(rng.randint(1, 100) + rng.randint(0, 99) / 100.0, 2) for _ in range(6)] for _ in range(clients)]
    means = [sum(v[i] for v in vals) / clients for i in range(6)]
    return ",".join(":".join("%.2f" % x for x in v) for v in vals), means


def _expect_line(line):
    def check(stdout):
        lines = stdout.splitlines()
        return None if lines and lines[-1] == line else "last stdout line is %r, expected %r" % (
            lines[-1] if lines else "", line)
    return check


def _expect_means(means, tol=0.01):
    def check(stdout):
        lines = stdout.splitlines()
        last = lines[-1] if lines else ""
        prefix = "Program returned: ["
        if not last.startswith(prefix) or not last.endswith("]"):
            return "unexpected result line %r" % last
        try:
            got = [float(x) for x in last[len(prefix):-1].split(",")]
        except ValueError:
            return "unparsable result line %r" % last
        if len(got) != len(means):
            return "got %d values, expected %d" % (len(got), len(means))
        bad = [(g, m) for g, m in zip(got, means) if abs(g - m) > tol]
        return None if not bad else "values off by more than %g: %r" % (tol, bad)
    return check


def _fixed16(x):
    """x as the nearest multiple of 2^-16 (halves away from zero), as clients encode it."""
    m = math.floor(abs(x) * 65536 + 0.5)
    return math.copysign(m, x) / 65536.0


def _expect_random_bits(field, count=24):
    """tests/mpc/field_random_bit.s: [true, field, count bits, count ints < 2^10], neither list constant."""
    def check(stdout):
        lines = stdout.splitlines()
        last = lines[-1] if lines else ""
        prefix = 'Program returned: [true, "%s", ' % field
        if not last.startswith(prefix) or not last.endswith("]"):
            return "unexpected result line %r" % last
        try:
            vals = [int(x) for x in last[len(prefix):-1].split(", ")]
        except ValueError:
            return "unparsable result line %r" % last
        bits, ints = vals[:count], vals[count:]
        if len(bits) != count or len(ints) != count:
            return "expected %d bits and %d ints in %r" % (count, count, last)
        if any(b not in (0, 1) for b in bits) or len(set(bits)) < 2:
            return "bits not random 0/1 values: %r" % bits
        if any(not 0 <= v < 1024 for v in ints) or len(set(ints)) < 2:
            return "random_int(10) values out of range or constant: %r" % ints
        return None
    return check


def mpc_checks():
    import random
    rng = random.Random(20261121)
    mul, sub = _fixture("client_mul.stflb"), _fixture("client_sub_order.stflb")
    mat = _fixture("matrix_average_fixed_point.stflb")
    checks = []
    for n, t in ((4, 1), (7, 2)):
        base = ["--local-mpc", "--n-parties", str(n), "--threshold", str(t)]
        checks.append(("mpc/client_mul_n%d_t%d" % (n, t), [mul] + base + ["--inputs", "15,25"], 0,
                       _expect_line("Program returned: 375")))
        checks.append(("mpc/legacy_client_mul_n%d_t%d" % (n, t),
                       [_fixture("legacy_client_mul.stflb")] + base + ["--inputs", "15,25"], 0,
                       _expect_line("Program returned: 375")))
        checks.append(("mpc/client_sub_order_n%d_t%d" % (n, t), [sub] + base + ["--inputs", "15,25"], 0,
                       _expect_line("Program returned: -10")))
        checks.append(("mpc/client_sub_order_swapped_n%d_t%d" % (n, t), [sub] + base + ["--inputs", "25,15"], 0,
                       _expect_line("Program returned: 10")))
        for clients in (2, 3, 4):
            inputs, means = _matrix_inputs(rng, clients)
            checks.append(("mpc/matrix_average_%dclients_n%d_t%d" % (clients, n, t),
                           [mat] + base + ["--inputs", inputs], 0, _expect_means(means)))
        for kind in ("wrong-shares", "silent"):
            fault = ["--simulate-fault", "%s:%d" % (kind, t)]
            checks.append(("mpc/client_mul_%s_%d_of_n%d" % (kind, t, n), [mul] + base + ["--inputs", "15,25"] + fault,
                           0, _expect_line("Program returned: 375")))
            inputs, means = _matrix_inputs(rng, 3)
            checks.append(("mpc/matrix_average_%s_%d_of_n%d" % (kind, t, n),
                           [mat] + base + ["--inputs", inputs] + fault, 0, _expect_means(means)))
    # secret fixed-point products are truncated back to 16 fractional bits
    prog = os.path.join(REPO, "tests", "mpc", "fixed_mul.s")
    for i, (n, t) in enumerate(((4, 1), (7, 2), (4, 1))):
        x, y = round(rng.uniform(-10, 10), 4), round(rng.uniform(-10, 10), 4)
        fx, fy = _fixed16(x), _fixed16(y)   # the client's encoding
        want = [fx * fy, fx * fy * fx, fx * fy + fx, fx * fx]
        fault = ["--simulate-fault", "wrong-shares:%d" % t] if i == 1 else []
        checks.append(("mpc/fixed_mul_%d_n%d_t%d" % (i, n, t),
                       [prog, "--local-mpc", "--n-parties", str(n), "--threshold", str(t),
                        "--inputs", "%r,%r" % (x, y)] + fault, 0, _expect_means(want, tol=0.002)))
    # reliable broadcast (Rbc.*): everyone's, in order; t silent parties do not block it
    rbc_all, rbc0 = os.path.join(REPO, "tests", "mpc", "rbc_all.s"), os.path.join(REPO, "tests", "mpc", "rbc_from0.s")
    for n, t in ((4, 1), (7, 2)):
        base = ["--local-mpc", "--n-parties", str(n), "--threshold", str(t)]
        checks.append(("mpc/rbc_all_n%d_t%d" % (n, t), [rbc_all] + base, 0,
                       _expect_line('Program returned: "%s"' % "".join("p%d;" % i for i in range(n)))))
        checks.append(("mpc/rbc_silent_%d_of_n%d" % (t, n), [rbc0] + base + ["--simulate-fault", "silent:%d" % t], 0,
                       _expect_line('Program returned: "hello from 0"')))
    rbc_err = os.path.join(REPO, "tests", "mpc", "rbc_errors.s")
    for entry, want in (("bad_message", "Rbc.broadcast failed: Message must be a string"),
                        ("bad_party", "Rbc.receive failed: from_party must be a non-negative integer"),
                        ("timeout", "RBC receive timeout waiting for message from party 1"),
                        ("timeout_any", "RBC receive_any timeout waiting for message from any party"),
                        ("arity", "Rbc.receive expects 2 arguments: from_party, timeout_ms")):
        checks.append(("mpc/rbc_error_" + entry, [rbc_err, entry, "--local-mpc", "--n-parties", "4"], 4, want))
    builtins = os.path.join(REPO, "tests", "mpc", "share_builtins.s")
    for n, t in ((4, 1), (7, 2)):
        checks.append(("mpc/share_builtins_n%d_t%d" % (n, t),
                       [builtins, "--local-mpc", "--n-parties", str(n), "--threshold", str(t), "--inputs", "15,25"], 0,
                       _expect_line('Program returned: [22, 45, 375, 625, 30, 20, "SecretInt", %d, %d, true]' % (n, t))))
    # public fixed-point values round to nearest on every path (0.3 -> 19661/65536)
    checks.append(("mpc/fixed_round", [os.path.join(REPO, "tests", "mpc", "fixed_round.s"), "--local-mpc",
                                       "--n-parties", "4", "--inputs", "0.3,-0.3"], 0,
                   _expect_line("Program returned: [19661, -19661, 19661, -19661, 19661, 39322]")))
    # Field.* random-bit recipe and Share.random_int on every field
    for curve, fname in (("bls12-381", "bls12-381-fr"), ("bn254", "bn254-fr"), ("ed25519", "curve25519-fr")):
        checks.append(("mpc/field_random_bit_" + curve,
                       [os.path.join(REPO, "tests", "mpc", "field_random_bit.s"), "--local-mpc", "--n-parties", "4",
                        "--mpc-curve", curve], 0, _expect_random_bits(fname)))
    # comparisons, selection, bit decomposition, floor division (docs/builtins.md)
    cmp_prog = os.path.join(REPO, "tests", "mpc", "compare_builtins.s")
    cmp_want = ("Program returned: [true, true, false, false, false, true, true, false, true, true, 25, 15, 15, "
                "99, 1, 0, [true, false, true], [true, true, true, true, false], 6, -3, -4, 2, 3, -1, 10, 1, -3, "
                "true, true, true, true, true, true, true, true]")
    for n, t, fault in ((4, 1, []), (7, 2, ["--simulate-fault", "wrong-shares:2"])):
        checks.append(("mpc/compare_builtins_n%d_t%d%s" % (n, t, "_faulty" if fault else ""),
                       [cmp_prog, "--local-mpc", "--n-parties", str(n), "--threshold", str(t), "--inputs", "15,25"]
                       + fault, 0, _expect_line(cmp_want)))
    # Share.lt(a, b, k): the bit length given is the one used (3 online rounds at k = 6: 3-bit blocks, 6 at 64)
    # (the JSON report truncates stdout: the result is checked by a second run)
    def _cmp_k_rounds(out):
        m = re.search(r'"party": 0, "rounds": (\d+)', out)
        if not m:
            return "stdout %r" % out
        # untyped inputs (bound 64) are wrapped into 6 bits first: 6 + 2 + 1
        return None if m.group(1) == "9" else "party 0 ran %s online rounds, want 9" % m.group(1)
    cmp_k = [os.path.join(REPO, "tests", "mpc", "compare_bit_length.s"), "--local-mpc", "--n-parties", "4", "--inputs",
             "15,25"]
    checks.append(("mpc/compare_bit_length", cmp_k, 0, _expect_line("Program returned: true")))
    checks.append(("mpc/compare_bit_length_rounds", cmp_k + ["--stats-json", "/dev/stdout"], 0, _cmp_k_rounds))
    checks.append(("mpc/compare_bit_length_error", [os.path.join(REPO, "tests", "mpc", "compare_bit_length_error.s"),
                                                    "--local-mpc", "--n-parties", "4", "--inputs", "15,25"], 4,
                   "Share.lt: bit length 65 is not between 1 and 64"))
    checks.append(("mpc/cmp_secret_error", [os.path.join(REPO, "tests", "mpc", "cmp_secret_error.s"), "--local-mpc",
                                            "--n-parties", "4", "--inputs", "15,25"], 4, "compare with Share.lt"))
    send = os.path.join(REPO, "tests", "mpc", "send_outputs.s")
    checks.append(("mpc/send_outputs", [send, "--local-mpc", "--n-parties", "4", "--inputs", "15,25"], 0,
                   lambda out: None if out.splitlines() == ["client 0 received: 40", "Program returned: 375"]
                   else "stdout %r" % out))
    checks.append(("mpc/bn254_client_mul", [mul, "--local-mpc", "--n-parties", "4", "--mpc-curve", "bn254",
                                            "--inputs", "15,25"], 0, _expect_line("Program returned: 375")))
    checks.append(("mpc/ed25519_client_mul", [mul, "--local-mpc", "--n-parties", "4", "--mpc-curve", "ed25519",
                                              "--inputs", "15,25"], 0, _expect_line("Program returned: 375")))
    # opening in the exponent (Share.open_exp[_custom]): 15·G1 || 15·G2 || 15·hash_to_g1("msg"),
    # 15·G on bn254 and ed25519 (twice: open_exp, open_exp_custom); expected bytes from
    # @noble/curves (arkworks' encodings for bn254 and ed25519)
    exp_bls = ("8d9e19b3f4c7c233a6112e5397309f9812a4f61f754f11dd3dcb8b07d55a7b1dfea65f19a1488a14fef9a41495083582"
               "8cc64109c67b342b6dbcf86cb60fca7ad378ed6398d89076ed108685c57a07d26e40ed3d5c4b3560b21e519db5875d49"
               "090721a089bbbb130c21a529be0ede9271a91a2dde9cb2a8e091a19fd2c0a40c390ac2bda8304085c2d6e38e520eae44"
               "82549b5eaca32486a3463127a41f8e60087ee593a92e7b8e239ebc400bbb8dc67b5c236a7315a3df245445301f19785a")
    exp_prog = os.path.join(REPO, "tests", "mpc", "open_exp_bls.s")
    for n, t, fault in ((4, 1, None), (4, 1, "wrong-shares:1"), (4, 1, "silent:1"), (7, 2, "wrong-shares:2")):
        args = [exp_prog, "--local-mpc", "--n-parties", str(n), "--threshold", str(t), "--inputs", "15"]
        args += ["--simulate-fault", fault] if fault else []
        checks.append(("mpc/open_exp_bls_n%d_t%d%s" % (n, t, "_" + fault.split(":")[0] if fault else ""), args, 0,
                       _expect_line("Program returned: byte[192] 0x" + exp_bls)))
    for curve, point in (("bn254", "3cf6577450cd5db04f520369333a98c16c8a2f7de549f57bdab96a4821b196ad"),
                         ("ed25519", "df5c2eadc44c6d94a19a9aa118afe5ac3193d26401f76251f522ff042dfbcb92")):
        checks.append(("mpc/open_exp_%s" % curve,
                       [os.path.join(REPO, "tests", "mpc", "open_exp_native.s"), "--local-mpc", "--n-parties", "4",
                        "--mpc-curve", curve, "--inputs", "15", "--simulate-fault", "wrong-shares:1"], 0,
                       _expect_line("Program returned: byte[64] 0x" + point * 2)))
    checks.append(("mpc/open_exp_wrong_group", [os.path.join(REPO, "tests", "mpc", "open_exp_native.s"), "--local-mpc",
                                                "--n-parties", "4", "--inputs", "15"], 4,
                   "MPC backend 'honeybadger-mpc' does not support Share.open_exp for ed25519-edwards"))
    # bad configurations fail cleanly (on our own program, so a bare clone runs them too)
    checks.append(("mpc/too_few_parties", [send, "--local-mpc", "--n-parties", "3", "--threshold", "1",
                                           "--inputs", "15,25"], 2, "need n >= 3t+1"))
    checks.append(("mpc/too_many_faulty", [send, "--local-mpc", "--n-parties", "4", "--inputs", "15,25",
                                           "--simulate-fault", "silent:2"], 2, "at most t = 1"))
    # the protocol timeout applies to a local session too (it used to make the run networked: exit 2)
    checks.append(("mpc/local_timeout_ms", [mul, "--local-mpc", "--n-parties", "4", "--inputs", "15,25",
                                            "--simulate-fault", "silent:1", "--timeout-ms", "3000"], 0,
                   _expect_line("Program returned: 375")))
    checks.append(("mpc/local_timeout_ms_bad", [mul, "--local-mpc", "--n-parties", "4", "--inputs", "15,25",
                                                "--timeout-ms", "-1"], 2, "--timeout-ms needs a non-negative integer"))
    checks.append(("mpc/unknown_curve", [send, "--local-mpc", "--n-parties", "4", "--mpc-curve", "p-521",
                                         "--inputs", "15,25"], 2, "unknown --mpc-curve"))
    checks.append(("mpc/missing_client", [mul, "--local-mpc", "--n-parties", "4", "--inputs", "15"], 4,
                   "No client at index 1"))
    checks.append(("mpc/not_an_integer", [mul, "--local-mpc", "--n-parties", "4", "--inputs", "1.5,2"], 2,
                   "is not an integer"))
    # --trace-instr under --local-mpc: one party traces (--trace-party N)
    local4 = [send, "--local-mpc", "--n-parties", "4", "--inputs", "15,25"]
    checks.append(("mpc/trace_party", local4 + ["--trace-instr", "--trace-party", "2"], 0,
                   "[instr][depth 1][main][pc 0] BEFORE LDI(1, 0)"))
    checks.append(("mpc/trace_party_out_of_range", local4 + ["--trace-instr", "--trace-party", "4"], 2,
                   "--trace-party 4: the session has parties 0..3"))
    checks.append(("mpc/trace_party_without_trace", local4 + ["--trace-party", "1"], 2,
                   "--trace-party needs --local-mpc and one of --trace-instr"))
    checks.append(("mpc/needs_local_mpc", [send, "--n-parties", "4"], 2, "need --local-mpc"))
    return checks


def example_checks():
    """Each examples/*.s whose header shows a run ("#   build/stoffel-run
    examples/X.s ARGS", continued with a backslash) followed by its output
    lines ("#   ..."; a line ending in "..." is a prefix) is run as shown."""
    checks = []
    d = os.path.join(REPO, "examples")
    for name in sorted(os.listdir(d)):
        if not name.endswith(".s"):
            continue
        lines = open(os.path.join(d, name), encoding="utf-8").read().splitlines()
        for i, line in enumerate(lines):
            if line.startswith("#   build/stoffel-run examples/" + name):
                cmd = line[len("#   build/stoffel-run "):]
                while cmd.endswith("\\") and i + 1 < len(lines):
                    i += 1
                    cmd = cmd[:-1] + " " + lines[i].lstrip("# ")
                want = []
                for out in lines[i + 1:]:
                    if not out.startswith("#   "):
                        break
                    want.append(out[4:])
                args = shlex.split(cmd)
                args[0] = os.path.join(REPO, args[0])
                checks.append(("examples/" + name[:-2], args, 0, _expect_stdout(want)))
                break
    return checks


def _expect_stdout(want):
    def check(stdout):
        got = stdout.splitlines()
        if len(got) == len(want) and all(g.startswith(w[:-3]) if w.endswith("...") else g == w
                                         for g, w in zip(got, want)):
            return None
        return "stdout %r, the example's header says %r" % (got, want)
    return check


def run_example_script(script, ctx):
    """examples/*.sh: a networked session of processes on loopback; both
    clients print the product 375."""
    o = Outcome("examples/" + script[:-3])
    res = run_process(["bash", os.path.join(REPO, "examples", script), ctx.build], ctx.env, max(ctx.timeout, 120))
    o.seconds = res.seconds
    if res.returncode != 0 or res.stdout.count("Program returned: 375") != 2:
        o.fail("%s: %s, stdout:\n%s\nstderr:\n%s" % (script, describe_status(res), tail(res.stdout), tail(res.stderr)))
    return finish(o)


def run_python_example(_, ctx):
    """examples/python_client.py: a session driven from Python (issue 21);
    both clients print 375."""
    o = Outcome("examples/python_client")
    if ctx.asan:
        ctx.skipped.append("examples/python_client: under ASan (the sanitizer runtime cannot be loaded into python)")
        return o
    res = run_process([sys.executable, os.path.join(REPO, "examples", "python_client.py"), ctx.build], ctx.env,
                      max(ctx.timeout, 120))
    o.seconds = res.seconds
    if res.returncode != 0 or "client 0 received: 375" not in res.stdout or "client 1 received: 375" not in res.stdout:
        o.fail("%s, stdout:\n%s\nstderr:\n%s" % (describe_status(res), tail(res.stdout), tail(res.stderr)))
    return finish(o)


def run_mpc_check(check, ctx):
    name, args, want_exit, verify = check
    missing = [a for a in args if a.endswith(".stflb") and not os.path.exists(a)]
    if missing:     # upstream's fixtures live in ../shared, absent on a bare clone
        ctx.skipped.append("%s: %s is absent (set STOFFEL_SHARED)" % (name, missing[0]))
        return Outcome(name)
    if callable(verify):
        return run_command_check(name, args, want_exit, ctx, verify_stdout=verify)
    return run_command_check(name, args, want_exit, ctx, want_err=[verify] if verify else [])


# --------------------------------------------------------------------------
# 5. Embedding API extras (docs/embedding.md): the installed-header program
#    and the Python package's pytest suite.

CONVENTION_RULES = ("layering", "includes", "internal", "prefixes")


def run_convention(rule, ctx):
    """One rule of scripts/check-layering.py; each violation is a detail."""
    o = Outcome("conventions/" + rule)
    argv = [sys.executable, os.path.join(REPO, "scripts", "check-layering.py"), "--build", ctx.build, "--only", rule]
    res = run_process(argv, ctx.env, ctx.timeout)
    o.seconds = res.seconds
    lines = res.stdout.splitlines()
    if not lines or not re.match(r"^\d+ checked, \d+ violations$", lines[-1]):
        o.fail("no result line from %s: %s" % (" ".join(argv), tail(res.stderr) or "(no stderr)"))
    elif res.returncode != 0:
        for line in lines[:-1]:
            o.fail(line)
    elif lines[-1].startswith("0 checked"):
        o.note = " ".join(l for l in lines if l.startswith("note:")) or "nothing to check"
    return finish(o)


def run_format_check(_, ctx):
    """Every tracked .c/.h file is formatted by .clang-format.  The style was
    tuned with clang-format 14; another major version formats some
    constructs differently, so it is a counted skip, as is a missing tool."""
    o = Outcome("conventions/format")
    try:
        ver = subprocess.run(["clang-format", "--version"], capture_output=True, text=True).stdout
    except OSError:
        ver = ""
    m = re.search(r"version (\d+)\.", ver)
    if not m or m.group(1) != "14":
        o.note = "skipped: clang-format 14 is not installed (%s)" % (ver.strip() or "none")
        ctx.skipped.append("%s: %s" % (o.name, o.note))
        return finish(o)
    files = subprocess.run(["git", "ls-files", "*.c", "*.h"], cwd=REPO, capture_output=True, text=True).stdout.split()
    if not files:
        o.note = "skipped: not a git checkout"
        ctx.skipped.append("%s: %s" % (o.name, o.note))
        return finish(o)
    res = run_process(["clang-format", "--dry-run", "--style=file"] + files, ctx.env, ctx.timeout)
    o.seconds = res.seconds
    bad = sorted({l.split(":")[0] for l in res.stderr.splitlines() if ": warning: code should be clang-formatted" in l})
    for f in bad:
        o.fail("%s is not formatted (run `make format`)" % f)
    if res.returncode != 0 and not bad:
        o.fail("clang-format failed: %s" % tail(res.stderr))
    return finish(o)


def run_installed_api(_, ctx):
    """tests/api/run_installed.sh: `make install` into a staging directory,
    build tests/api/installed_api.c with pkg-config against the installed
    headers and library, run it.  One test."""
    o = Outcome("api/installed")
    res = run_process(["bash", os.path.join("tests", "api", "run_installed.sh"), ctx.build],
                      ctx.env, max(ctx.timeout, 300))
    o.seconds = res.seconds
    if res.returncode != 0:
        o.fail("%s\nstdout tail:\n%s\nstderr tail:\n%s" % (
            describe_status(res), tail(res.stdout) or "    (empty)", tail(res.stderr) or "    (empty)"))
    elif ctx.asan and sanitizer_report(res.stderr):
        o.fail("sanitizer report (%s):\n%s" % (sanitizer_report(res.stderr), tail(res.stderr, 25)))
    o.note = res.stdout.strip().splitlines()[-1] if res.stdout.strip() else ""
    return finish(o)


PYTEST_SUMMARY_RE = re.compile(r"(\d+) (passed|failed|skipped|errors?)\b")


def find_pytest_python():
    """A Python that can import pytest: this one, python3 on PATH, or
    Debian's /usr/bin/python3 (python3-pytest)."""
    for exe in (sys.executable, shutil.which("python3"), "/usr/bin/python3"):
        if exe and os.path.exists(exe):
            r = subprocess.run([exe, "-c", "import pytest"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
            if r.returncode == 0:
                return exe
    return None


def run_pytest(_, ctx):
    """python3 -m pytest -q python/tests with STOFFEL_LIB=BUILD/libstoffel_vm.so;
    its passed/failed counts go into the totals.  Skipped under ASan: the
    sanitizer runtime would have to be preloaded into the interpreter."""
    o = Outcome("python/pytest")
    if ctx.asan:
        o.note = "skipped under ASan (the sanitizer runtime cannot be loaded into python)"
        ctx.skipped.append("%s: %s" % (o.name, o.note))
        return o
    exe = find_pytest_python()
    if exe is None:
        o.failed = 1
        o.fail("no Python with pytest found (Debian package python3-pytest; `make deps` installs it)")
        return o
    env = dict(ctx.env)
    env["STOFFEL_LIB"] = os.path.join(ctx.build, "libstoffel_vm.so")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    res = run_process([exe, "-m", "pytest", "-q", "-p", "no:cacheprovider", os.path.join("python", "tests")],
                      env, max(ctx.timeout, 300))
    o.seconds = res.seconds
    lines = [l for l in res.stdout.splitlines() if l.strip()]
    counts = {}
    if lines:
        for n, kind in PYTEST_SUMMARY_RE.findall(lines[-1]):
            counts[kind.rstrip("s") if kind.startswith("error") else kind] = int(n)
    o.passed = counts.get("passed", 0)
    o.failed = counts.get("failed", 0) + counts.get("error", 0)
    if counts.get("skipped"):
        ctx.skipped.append("python/pytest: %d tests skipped (upstream fixtures absent: ../shared)" % counts["skipped"])
    if not counts or res.returncode not in (0, 1) or (res.returncode == 1) != (o.failed > 0):
        o.failed += 1
        o.fail("pytest %s without a usable summary line" % describe_status(res))
    if o.failed:
        o.fail("pytest output tail:\n" + (tail(res.stdout, 40) or "    (empty)"))
    o.note = lines[-1] if lines else ""
    return o


# --------------------------------------------------------------------------
# 5b. Exported symbols: the shared library is built with -fvisibility=hidden
#     and exports exactly the functions include/stoffel.h and
#     include/stoffel_vm.h declare with ST_API (docs/embedding.md).

PUBLIC_HEADERS = (os.path.join("include", "stoffel.h"), os.path.join("include", "stoffel_vm.h"),
                  os.path.join("include", "stoffellang.h"))
DECL_RE = re.compile(r"^(ST_API\s+)?(?!typedef\b|extern\b|return\b)[A-Za-z_][\w \t*]*?\b([A-Za-z_]\w*)\s*\(", re.M)


def public_api():
    """(exported, unmarked): function names declared with ST_API in the
    public headers, and those declared without it."""
    marked, unmarked = set(), set()
    for h in PUBLIC_HEADERS:
        with open(os.path.join(REPO, h)) as f:
            text = f.read()
        for m in DECL_RE.finditer(text):
            (marked if m.group(1) else unmarked).add(m.group(2))
    return marked, unmarked - marked


def run_exports(_, ctx):
    o = Outcome("api/exports")
    so = os.path.join(ctx.build, "libstoffel_vm.so")
    nm = shutil.which("nm")
    if not nm or not os.path.isfile(so):
        o.fail("%s" % ("nm not found (binutils)" if not nm else so + " does not exist"))
        return finish(o)
    res = run_process([nm, "-D", "--defined-only", so], ctx.env, ctx.timeout)
    exported = set()
    for line in res.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] not in ("A", "w", "v"):
            exported.add(parts[2].split("@")[0])
    if ctx.asan:   # the sanitizers' own entry points
        exported = {s for s in exported if not s.startswith(("__asan", "__ubsan", "__sanitizer", "__lsan"))}
    marked, unmarked = public_api()
    extra = sorted(exported - marked)
    missing = sorted(marked - exported)
    if res.returncode != 0:
        o.fail("nm %s" % describe_status(res))
    if extra:
        o.fail("exported but not public API (%d): %s" % (len(extra), ", ".join(extra[:40])))
    if missing:
        o.fail("declared ST_API but not exported (%d): %s" % (len(missing), ", ".join(missing)))
    if unmarked:
        o.fail("declared in a public header without ST_API, so not exported: %s" % ", ".join(sorted(unmarked)))
    o.note = "%d symbols" % len(exported)
    return finish(o)


# --------------------------------------------------------------------------
# 6. Networked MPC (docs/network.md): tests/net/net_tests.py starts every
#    party and client as its own stoffel-run process over TLS on 127.0.0.1;
#    its passed/failed counts go into the totals.

NET_SUMMARY_RE = re.compile(r"^(\d+) passed, (\d+) failed$", re.M)


def run_script_step(name, script, ctx):
    """Run a test script that prints "N passed, M failed" last; its counts
    go into the totals, its "SKIP reason" lines into the skipped list."""
    o = Outcome(name)
    res = run_process([sys.executable, script, "--build", ctx.build], ctx.env, max(ctx.timeout, 300))
    o.seconds = res.seconds
    m = NET_SUMMARY_RE.search(res.stdout)
    if m:
        o.passed, o.failed = int(m.group(1)), int(m.group(2))
    if not m or res.returncode != (1 if o.failed else 0):
        o.failed += 1
        o.fail("%s %s without a usable summary line" % (os.path.basename(script), describe_status(res)))
    if o.failed:
        o.fail("output tail:\n" + (tail(res.stdout, 40) or "    (empty)") + "\nstderr tail:\n" +
               (tail(res.stderr) or "    (empty)"))
    for line in res.stdout.splitlines():
        if line.startswith("SKIP "):     # a counted skip, with its reason
            ctx.skipped.append(line[5:])
    o.note = m.group(0) if m else ""
    return o


def run_net_tests(_, ctx):
    return run_script_step("net/sessions", os.path.join("tests", "net", "net_tests.py"), ctx)


# 6b. Upstream's client-I/O flags (--outputs, --client-index, ...) and DER
#     identity files over TLS: tests/net/client_io_tests.py, same harness.
def run_client_io_tests(_, ctx):
    return run_script_step("net/client-io", os.path.join("tests", "net", "client_io_tests.py"), ctx)


# 6c. Client input counts without a manifest (declared in the hello, agreed
#     on by the parties) and output-only clients: tests/net/client_count_tests.py.
def run_client_count_tests(_, ctx):
    return run_script_step("net/client-counts", os.path.join("tests", "net", "client_count_tests.py"), ctx)


# 7. Stores (docs/storage.md): --local-store and --preproc-store across
#    several stoffel-run processes.
def run_storage_tests(_, ctx):
    return run_script_step("storage/cli", os.path.join("tests", "storage", "storage_tests.py"), ctx)


# 8. Usability (issue 17): the examples of docs/programming.md, the tools'
#    --help/--version/--list-builtins, the cost report, the editor grammars.
def run_usability_tests(_, ctx):
    return run_script_step("usability/checks", os.path.join("tests", "usability", "usability_tests.py"), ctx)


# --------------------------------------------------------------------------
# avss/signatures: threshold signatures on the AVSS backend, verified by
# @noble/curves and OpenSSL (tests/avss/signature_tests.py); its "SKIP"
# lines (node/npm or python3-cryptography missing) are counted skips.

def run_avss_signatures(_, ctx):
    return run_script_step("avss/signatures", os.path.join("tests", "avss", "signature_tests.py"), ctx)


# runner/timing: the runner's start order and duration records
# (tests/timing.py, checked by tests/runner/timing_tests.py).
def run_timing_tests(_, ctx):
    return run_script_step("runner/timing", os.path.join("tests", "runner", "timing_tests.py"), ctx)


# --------------------------------------------------------------------------
# crypto/oracle: the curve groups against independent implementations

def run_crypto_oracle(_, ctx):
    """tests/oracle/: vectors from @noble/curves (node; installed by
    setup.sh into tests/oracle/node_modules) and python3-cryptography,
    checked by BUILD/tests/test_crypto --vectors.  A missing node/npm or
    Python module is a counted skip."""
    o = Outcome("crypto/oracle")
    binary = os.path.abspath(os.path.join(ctx.build, "tests", "test_crypto"))
    if not os.path.exists(binary):
        o.failed = 1
        o.fail("%s not built" % binary)
        return o
    vectors = os.path.join(ctx.tmpdir, "crypto_vectors.txt")
    lines = []
    setup = run_process(["bash", os.path.join("tests", "oracle", "setup.sh")], ctx.env, max(ctx.timeout, 300))
    if setup.returncode == 0:
        res = run_process(["node", os.path.join("tests", "oracle", "vectors.mjs")], ctx.env, ctx.timeout)
        if res.returncode != 0:
            o.failed = 1
            o.fail("vectors.mjs %s:\n%s" % (describe_status(res), tail(res.stderr)))
            return o
        lines.append(res.stdout)
    else:
        reason = (setup.stderr.strip().splitlines() or ["setup.sh " + describe_status(setup)])[-1]
        ctx.skipped.append("crypto/oracle (noble): %s" % reason)
    res = run_process([sys.executable, os.path.join("tests", "oracle", "vectors_ec.py")], ctx.env, ctx.timeout)
    if res.returncode == 0:
        lines.append(res.stdout)
    elif res.returncode == 3:
        ctx.skipped.append("crypto/oracle (secp256k1, p-256): python3 module cryptography missing")
    else:
        o.failed = 1
        o.fail("vectors_ec.py %s:\n%s" % (describe_status(res), tail(res.stderr)))
        return o
    if not lines:
        o.note = "skipped"
        return o
    with open(vectors, "w") as f:
        f.write("\n".join(lines))
    res = run_process(ctx.wrap + [binary, "--vectors", vectors], ctx.env, ctx.timeout)
    o.seconds = res.seconds
    m = None
    for line in reversed(res.stdout.splitlines()):
        m = COUNT_RE.match(line)
        if m:
            break
    if m:
        o.passed, o.failed = int(m.group(1)), int(m.group(2))
    if not m or res.returncode != (1 if o.failed else 0):
        o.failed += 1
        o.fail("test_crypto --vectors %s without a usable count line" % describe_status(res))
    if o.failed:
        o.fail("stderr tail:\n" + (tail(res.stderr) or "    (empty)"))
    o.note = "%d passed, %d failed" % (o.passed, o.failed)
    return o


# --------------------------------------------------------------------------

class Context:
    pass


def main():
    ap = argparse.ArgumentParser(description="Run the StoffelVM-C test suite.")
    ap.add_argument("--build", default="build", help="build directory (default: build)")
    ap.add_argument("--filter", default=None, help="only tests whose name contains SUBSTR")
    ap.add_argument("--exclude", action="append", default=[], help="leave out tests whose name contains SUBSTR "
                    "(repeatable)")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every test")
    ap.add_argument("--jobs", "-j", type=int, default=2, help="parallel tests (default 2)")
    ap.add_argument("--timeout", type=float, default=60.0, help="per-test timeout in seconds (default 60)")
    ap.add_argument("--times", default=None, metavar="FILE", help="write every test's wall and child CPU "
                    "seconds to FILE (tab-separated, slowest first)")
    ap.add_argument("--order", choices=("cost", "listed"), default="cost", help="start the most expensive "
                    "tests first (default) or in listed order (to compare)")
    ap.add_argument("--wait-jobs", type=int, default=4, help="tests that mostly wait (tests/timing.py) run "
                    "this many at a time beside the --jobs slots (default 4; 0: in the slots)")
    ap.add_argument("--wrap", default="", help="run unit binaries and stoffel-run under this command, "
                    "e.g. 'valgrind -q --error-exitcode=99' (exit 99 then fails the test)")
    opts = ap.parse_args()
    try:  # never die on a character the terminal cannot show
        sys.stdout.reconfigure(errors="backslashreplace")
    except (AttributeError, ValueError):
        pass

    build = opts.build if os.path.isabs(opts.build) else os.path.join(REPO, opts.build)
    ctx = Context()
    ctx.timeout = opts.timeout
    ctx.wrap = shlex.split(opts.wrap)
    ctx.asan = "asan" in os.path.basename(os.path.normpath(build))
    env = dict(os.environ)
    if "STOFFEL_SHARED" not in env:
        env["STOFFEL_SHARED"] = os.path.normpath(os.path.join(REPO, "..", "shared"))
    if ctx.asan:
        prev = env.get("ASAN_OPTIONS")
        env["ASAN_OPTIONS"] = (prev + ":" if prev else "") + "detect_leaks=1"
        prev = env.get("UBSAN_OPTIONS")
        env["UBSAN_OPTIONS"] = (prev + ":" if prev else "") + "print_stacktrace=1:halt_on_error=1"
    if ctx.wrap:
        env["STOFFEL_TEST_SLOW"] = "1"   # protocol timeouts of the MPC unit tests scale up
    ctx.env = env
    ctx.runner = os.path.join(build, "stoffel-run")
    ctx.runner_ok = os.path.isfile(ctx.runner) and os.access(ctx.runner, os.X_OK)
    ctx.asm = os.path.join(build, "stoffel-asm")
    ctx.asm_ok = os.path.isfile(ctx.asm) and os.access(ctx.asm, os.X_OK)
    ctx.asm_missing = ("%s does not exist or is not executable (build it: make BUILD=%s)"
                       % (os.path.relpath(ctx.asm, REPO), os.path.relpath(build, REPO)))
    ctx.runner_missing = ("%s does not exist or is not executable (build it: make BUILD=%s)"
                          % (os.path.relpath(ctx.runner, REPO), os.path.relpath(build, REPO)))

    tasks = []
    for b in find_unit_binaries(build):
        tasks.append(("unit/" + os.path.basename(b), run_unit, b))
    goldens = find_goldens()
    for g in goldens:
        tasks.append(("golden/" + golden_name(g), run_golden, g))
    for g in goldens:
        if stflb_roundtrip_applies(g):
            tasks.append(("stflb/" + golden_name(g), run_golden_stflb, g))
    for g in goldens:
        tasks.append(("plain/" + golden_name(g), run_golden_plain, g))
    for c in CLI_CHECKS:
        tasks.append((c[0], run_cli_check, c))
    for c in INFO_CHECKS:
        tasks.append((c[0], run_info_check, c))
    for c in mpc_checks() + example_checks():
        tasks.append((c[0], run_mpc_check, c))
    for script in ("network_session.sh", "discovery_session.sh"):
        tasks.append(("examples/" + script[:-3], run_example_script, script))
    tasks.append(("examples/python_client", run_python_example, None))
    ctx.build = build
    ctx.skipped = []
    for rule in CONVENTION_RULES:
        tasks.append(("conventions/" + rule, run_convention, rule))
    tasks.append(("conventions/format", run_format_check, None))
    tasks.append(("api/installed", run_installed_api, None))
    tasks.append(("api/exports", run_exports, None))
    tasks.append(("python/pytest", run_pytest, None))
    tasks.append(("net/sessions", run_net_tests, None))
    tasks.append(("net/client-io", run_client_io_tests, None))
    tasks.append(("net/client-counts", run_client_count_tests, None))
    tasks.append(("storage/cli", run_storage_tests, None))
    tasks.append(("crypto/oracle", run_crypto_oracle, None))
    tasks.append(("usability/checks", run_usability_tests, None))
    # StoffelLang: goldens, upstream's fixtures and examples (tests/lang/lang_tests.py)
    sys.path.insert(0, os.path.join(REPO, "tests", "lang"))
    import lang_tests
    tasks.extend(lang_tests.make_tasks(ctx, Outcome, run_process, describe_status, tail))
    tasks.append(("avss/signatures", run_avss_signatures, None))
    tasks.append(("runner/timing", run_timing_tests, None))
    if opts.filter:
        tasks = [t for t in tasks if opts.filter in t[0]]
    for ex in opts.exclude:
        tasks = [t for t in tasks if ex not in t[0]]

    passed = failed = 0
    failures = []
    jobs = max(1, opts.jobs)
    ctx.tmpdir = tempfile.mkdtemp(prefix="stoffel-tests-")
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=jobs)
    # Started most expensive first, the tests that mostly wait in a pool of
    # their own (tests/timing.py); reported in list order.
    indexed = [(t[0], i) for i, t in enumerate(tasks)]
    waiting, order = [], indexed
    ctx.costs = timing.load_costs(build, timing.build_kind(ctx))
    if opts.order == "cost":
        waiting, order = timing.schedule(indexed, ctx.costs)
        if opts.wait_jobs < 1:
            waiting, order = [], waiting + order
    wait_pool = concurrent.futures.ThreadPoolExecutor(max_workers=max(1, opts.wait_jobs))
    started = {}
    run_start = time.monotonic()
    outcomes = []
    try:
        for p, group in ((wait_pool, waiting), (pool, order)):
            for _, i in group:
                started[i] = p.submit(timing.timed_task, tasks[i][1], tasks[i][2], ctx)
        futures = [(t[0], started[i]) for i, t in enumerate(tasks)]
        for name, fut in futures:
            try:
                o = fut.result()
            except Exception as e:  # a bug in the runner must not hide tests
                o = Outcome(name)
                o.failed = 1
                o.fail("runner exception: %r" % (e,))
            outcomes.append(o)
            passed += o.passed
            failed += o.failed
            if o.failed:
                failures.append(o)
            if opts.verbose:
                status = "FAIL" if o.failed else "ok  "
                extra = (" (%s)" % o.note) if o.note else ""
                print("%s %s  %.2fs%s" % (status, o.name, o.seconds, extra), flush=True)
    except KeyboardInterrupt:
        kill_active()
        pool.shutdown(wait=False, cancel_futures=True)
        wait_pool.shutdown(wait=False, cancel_futures=True)
        shutil.rmtree(ctx.tmpdir, ignore_errors=True)
        raise
    pool.shutdown(wait=True)
    wait_pool.shutdown(wait=True)
    shutil.rmtree(ctx.tmpdir, ignore_errors=True)
    run_wall = time.monotonic() - run_start
    if not ctx.wrap:      # a wrapper's times would mislead the next start order
        timing.record(build, outcomes)
    if opts.times:
        timing.write_times(opts.times, outcomes)

    if failures:
        print("")
        for o in failures:
            print("FAIL %s" % o.name)
            for d in o.details:
                print(d if d.startswith("    ") else "  " + d)
            print("")
    for line in ctx.skipped:
        print("skipped %s" % line)
    if not tasks:
        print("no tests matched" if opts.filter else "no tests found")
    elif len(outcomes) > 1:
        print("\n".join(timing.slowest_lines(outcomes, run_wall)))
    sys.stdout.flush()
    print("%d passed, %d failed" % (passed, failed))
    sys.stdout.flush()
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        kill_active()
        print("\ninterrupted")
        os._exit(130)

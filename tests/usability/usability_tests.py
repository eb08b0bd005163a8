#!/usr/bin/env python3
"""Usability checks (issue 17): the examples of docs/programming.md run as
documented, the common-mistake errors are the documented ones, the tools
behave as tools (--help, --version, --list-builtins), the cost report is
consistent, the editor grammars parse and match.

    python3 tests/usability/usability_tests.py --build build

Prints one line per failure and a last line `N passed, M failed`."""
import argparse
import json
import os
import re
import shlex
import subprocess
import sys

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
PASSED, FAILED = [0], [0]


def ok(cond, name, why=""):
    if cond:
        PASSED[0] += 1
    else:
        FAILED[0] += 1
        print("FAIL %s%s" % (name, (": " + why) if why else ""), flush=True)
    return cond


def run(argv, timeout=120, cwd=REPO):
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=timeout, errors="replace")


def numbers_match(want, got, tol=1e-3):
    """Lines equal, numbers within tol (fixed-point truncation is randomised)."""
    num = r"-?\d+(?:\.\d+)?(?:e-?\d+)?"
    if re.sub(num, "#", want) != re.sub(num, "#", got):
        return False
    return all(abs(float(a) - float(b)) <= tol for a, b in zip(re.findall(num, want), re.findall(num, got)))


def doc_console_blocks(path):
    """(command, expected output lines) of every ```console block."""
    text = open(path, encoding="utf-8").read()
    out = []
    for block in re.findall(r"```console\n(.*?)```", text, re.S):
        lines = block.rstrip("\n").split("\n")
        if lines and lines[0].startswith("$ "):
            out.append((lines[0][2:], lines[1:]))
    return out


def check_doc_examples(build):
    blocks = doc_console_blocks(os.path.join(REPO, "docs", "programming.md"))
    ok(len(blocks) >= 4, "programming.md has its examples", "%d console blocks" % len(blocks))
    for cmd, want in blocks:
        argv = shlex.split(cmd)
        argv[0] = os.path.join(build, os.path.basename(argv[0]))
        res = run(argv)
        got = res.stdout.rstrip("\n").split("\n")
        ok(res.returncode == 0 and len(got) == len(want) and all(numbers_match(w, g) for w, g in zip(want, got)),
           "doc example: " + cmd, "exit %d, stdout %r, stderr %r" % (res.returncode, got, res.stderr[-300:]))


def check_mistakes(build):
    doc = open(os.path.join(REPO, "docs", "programming.md"), encoding="utf-8").read()
    prog = os.path.join(REPO, "tests", "mpc", "mistakes.s")
    cases = [
        ("div", "Share/Share division is only supported on fixed-point shares"),
        ("cmp", "CMP on secret shares is not supported (it would branch on a secret)"),
        ("mod", "Share/Share modulo is not supported on secret shares"),
        ("mix", "Share type mismatch in ADD operation"),
        ("str", "Cannot write clear string value directly to secret register r16: only integers, floats and "
                "booleans can be secret-shared"),
    ]
    for entry, err in cases:
        res = run([os.path.join(build, "stoffel-run"), prog, entry, "--local-mpc", "--n-parties", "4",
                   "--inputs", "5"])
        ok(res.returncode == 4 and err in res.stderr, "mistake " + entry, "exit %d, stderr %r" % (res.returncode, res.stderr))
        ok(err in doc, "mistake %s documented" % entry)
    res = run([os.path.join(build, "stoffel-run"), prog, "noclient", "--local-mpc", "--n-parties", "4"])
    err = "Foreign function ClientStore.take_share failed: No client at index 0"
    ok(res.returncode == 4 and err in res.stderr and err in doc, "mistake noclient", res.stderr)
    res = run([os.path.join(build, "stoffel-run"), prog, "str"])
    err = "Cannot write clear string value directly to secret register r16: MPC engine not configured"
    ok(res.returncode == 4 and err in res.stderr, "mistake without an engine", res.stderr)
    res = run([os.path.join(build, "stoffel-run"), prog, "div", "--local-mpc", "--n-parties", "3", "--inputs", "5"])
    err = "Error: --n-parties 3 is too small for --threshold 1 (need n >= 3t+1 = 4)"
    ok(res.returncode == 2 and err in res.stderr and err in doc, "mistake too few parties", res.stderr)


def check_tools(build):
    """--help on stdout with exit 0, --version from the one definition."""
    hdr = open(os.path.join(REPO, "include", "stoffel.h")).read()
    version = ".".join(re.search(r"#define STOFFEL_VERSION_%s (\d+)" % k, hdr).group(1)
                       for k in ("MAJOR", "MINOR", "PATCH"))
    for tool in ("stoffel-run", "stoffel-asm", "stoffel-dis", "stoffel-keygen", "stoffel", "stoffellang"):
        for flag in ("--help", "-h"):
            res = run([os.path.join(build, tool), flag])
            ok(res.returncode == 0 and "usage: " + tool in res.stdout and not res.stderr,
               "%s %s" % (tool, flag), "exit %d, stdout %r, stderr %r" % (res.returncode, res.stdout[:80], res.stderr))
        res = run([os.path.join(build, tool), "--version"])
        ok(res.returncode == 0 and res.stdout == "%s %s\n" % (tool, version), tool + " --version", res.stdout)
        res = run([os.path.join(build, tool), "--no-such-flag"])
        ok(res.returncode in (1, 2) and res.stderr and not res.stdout, tool + " bad flag", res.stderr)
    res = run(["make", "-s", "-n", "install", "PREFIX=/nonexistent"])
    ok(("libstoffel_vm.so." + version) in res.stdout, "Makefile VERSION is stoffel.h's", res.stdout[-200:])


def check_list_builtins(build):
    """--list-builtins: every registered builtin (the table the doc test
    checks), each with its documented line."""
    res = run([os.path.join(build, "stoffel-run"), "--list-builtins"])
    lines = res.stdout.splitlines()
    ok(res.returncode == 0 and len(lines) > 50, "--list-builtins runs", "exit %d, %d lines" % (res.returncode, len(lines)))
    names = [re.match(r"[^(: ]+", l).group(0) for l in lines]
    doc_test = os.path.join(build, "tests", "test_builtins_doc")
    if os.path.exists(doc_test):
        registered = run([doc_test, "--list"]).stdout.split()
        ok(set(names) == set(registered), "--list-builtins lists the registered builtins",
           "differ: %r" % sorted(set(names) ^ set(registered)))
    ok(not any("undocumented" in l for l in lines), "every listed builtin has its doc line")
    want = {"Share.mul": "Share.mul(a, b", "Rbc.receive": "Rbc.receive(from_party: I64, timeout_ms: I64) -> String",
            "ClientStore.take_share": "ClientStore.take_share(client_index, share_index)"}
    for name, prefix in want.items():
        ok(any(l.startswith(prefix) for l in lines), "--list-builtins line of " + name)


def check_cost_report(build):
    """--stats, --stats-json, --trace, --stats-svg on 5 dependent
    multiplications: the numbers agree with each other and with the program."""
    import tempfile
    import xml.etree.ElementTree as ET
    d = tempfile.mkdtemp(prefix="stoffel-usability-")
    js, tr, svg = (os.path.join(d, n) for n in ("stats.json", "trace.json", "stats.svg"))
    argv = [os.path.join(build, "stoffel-run"), os.path.join(REPO, "examples", "power_chain.s"), "--local-mpc",
            "--n-parties", "4", "--inputs", "2", "--stats", "--stats-json", js, "--trace", tr, "--stats-svg", svg]
    res = run(argv)
    if not ok(res.returncode == 0 and "Program returned: 64" in res.stdout, "power_chain with reports",
              "exit %d, %r" % (res.returncode, res.stderr[-300:])):
        return
    rows = [l.split() for l in res.stderr.splitlines() if re.match(r"\s*\d+\s+\d+", l)]
    ok(len(rows) == 4, "--stats prints a row per party", res.stderr)
    rep = json.load(open(js))
    parties = rep["parties"]
    ok(len(parties) == 4 and [p["party"] for p in parties] == [0, 1, 2, 3], "stats-json has every party")
    for p in parties:
        name = "stats-json party %d" % p["party"]
        ok(p["rounds"] >= 6 and p["multiplications"] == 5 and p["triples_used"] >= 5 and p["opened"] >= 1,
           name + ": >= 5 dependent multiplication rounds + 1 opening", repr(p))
        ok(p["randoms_used"] >= 1, name + ": the client input used a random share")
        ok(p["messages_sent"] > 0 and p["bytes_received"] > 0, name + ": traffic counted")
        tl = p["timeline"]
        ok(not p["timeline_truncated"] and sum(s["bytes"] for s in tl) == p["bytes_sent"]
           and sum(s["messages"] for s in tl) == p["messages_sent"], name + ": timeline adds up to the totals")
        online = [s for s in tl if s["phase"] == "online"]
        ok(len({s["round"] for s in online}) >= 6, name + ": one online segment per round", repr(online))
        ok(all(a["start_us"] + a["dur_us"] <= b["start_us"] + 1 for a, b in zip(tl, tl[1:])),
           name + ": segments in time order, not overlapping")
        ok(p["preprocessing_us"] + p["input_us"] + p["online_us"] + p["output_us"] <= p["total_us"],
           name + ": phase times within the total")
        row = [r for r in rows if r[0] == str(p["party"])]
        ok(row and int(row[0][1]) == p["rounds"] and int(row[0][3]) == p["bytes_sent"],
           name + ": --stats agrees with the JSON", repr(row))
    trace = json.load(open(tr))
    events = [e for e in trace["traceEvents"] if e["ph"] == "X"]
    for p in parties:
        mine = [e for e in events if e["tid"] == p["party"]]
        ok(len(mine) == len(p["timeline"]) and sum(e["args"]["bytes"] for e in mine) == p["bytes_sent"],
           "trace party %d: an event per segment" % p["party"])
        ok(all(e["dur"] > 0 and e["ts"] >= 0 for e in mine), "trace party %d: times" % p["party"])
    names = {e["args"]["name"] for e in trace["traceEvents"] if e["ph"] == "M" and e["name"] == "thread_name"}
    ok(names == {"party %d" % i for i in range(4)}, "trace names a thread per party", repr(names))
    root = ET.parse(svg).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    groups = root.findall(ns + "g")
    ok(len(groups) == 4, "svg: a lane per party", "%d groups" % len(groups))
    for g, p in zip(groups, parties):
        rects = g.findall(ns + "rect")
        ok(int(g.get("data-rounds")) == p["rounds"] and len(rects) == len(p["timeline"])
           and sum(int(r.get("data-bytes")) for r in rects) == p["bytes_sent"],
           "svg party %s: a bar per segment, bytes add up" % g.get("data-party"))
        ok(all(float(r.get("width")) > 0 and float(r.get("height")) > 0 for r in rects), "svg bars have a size")
    res = run([os.path.join(build, "stoffel-run"), os.path.join(REPO, "examples", "hello.s"), "--stats"])
    ok(res.returncode == 2 and "need --local-mpc" in res.stderr, "--stats without a session", res.stderr)
    res = run(argv[:7] + ["--stats-json", os.path.join(d, "no-such-dir", "x.json")])
    ok(res.returncode == 2 and "cannot write" in res.stderr, "--stats-json to an unwritable path", res.stderr)
    import shutil
    shutil.rmtree(d, ignore_errors=True)


def check_pip_install(build):
    """pip install ./python into a fresh venv (offline), then run an MPC
    program from outside the repository with the installed package."""
    import shutil
    import tempfile
    if "asan" in os.path.basename(os.path.normpath(build)):
        print("skipped pip install: an ASan library cannot be loaded into python")
        return
    d = tempfile.mkdtemp(prefix="stoffel-venv-")
    try:
        venv = os.path.join(d, "venv")
        res = run([sys.executable, "-m", "venv", "--system-site-packages", venv], timeout=300, cwd=d)
        if not ok(res.returncode == 0, "python -m venv", res.stderr[-300:]):
            return
        py = os.path.join(venv, "bin", "python")
        env = dict(os.environ, STOFFEL_LIB=os.path.join(build, "libstoffel_vm.so"), PIP_DISABLE_PIP_VERSION_CHECK="1")
        r = subprocess.run([py, "-m", "pip", "install", "-q", "--no-build-isolation", "--no-index",
                            os.path.join(REPO, "python")], cwd=d, env=env, capture_output=True, text=True, timeout=300)
        if not ok(r.returncode == 0, "pip install ./python from another directory", r.stderr[-500:]):
            return
        prog = os.path.join(d, "dot_product.s")
        shutil.copy(os.path.join(REPO, "examples", "dot_product.s"), prog)
        env = {k: v for k, v in os.environ.items() if k not in ("STOFFEL_LIB", "PYTHONPATH")}
        code = ("import stoffel, sys; from stoffel import StoffelProgram; print(stoffel.__file__); "
                "print(StoffelProgram(sys.argv[1]).execute_locally([[2, 7, 1]]))")
        r = subprocess.run([py, "-c", code, prog], cwd=d, env=env, capture_output=True, text=True, timeout=120)
        lines = r.stdout.splitlines()
        ok(r.returncode == 0 and len(lines) == 2 and lines[0].startswith(venv) and lines[1] == "17",
           "installed package runs an MPC program outside the repository", "%r %r" % (r.stdout, r.stderr[-300:]))
    finally:
        shutil.rmtree(d, ignore_errors=True)


def check_man_pages(build):
    """A man page per tool, naming every option its --help names, valid
    roff (groff -ww -z, when groff is there), installed by make install."""
    import shutil
    import tempfile
    groff = shutil.which("groff")
    for tool in ("stoffel-run", "stoffel-asm", "stoffel-dis", "stoffel-keygen", "stoffel", "stoffellang"):
        page = os.path.join(REPO, "man", tool + ".1")
        if not ok(os.path.isfile(page), "man page " + tool):
            continue
        text = open(page, encoding="utf-8").read().replace("\\-", "-")
        flags = set(re.findall(r"--[a-z][a-z-]*", run([os.path.join(build, tool), "--help"]).stdout))
        missing = sorted(f for f in flags if f not in text)
        ok(not missing, "man page %s names every --help option" % tool, "missing %r" % missing)
        if groff:
            r = run([groff, "-man", "-Tutf8", "-ww", "-z", page])
            ok(r.returncode == 0 and not r.stderr.strip(), "man page %s is clean roff" % tool, r.stderr)
    d = tempfile.mkdtemp(prefix="stoffel-install-")
    try:
        r = run(["make", "-s", "install", "BUILD=" + os.path.relpath(build, REPO), "PREFIX=/usr", "DESTDIR=" + d],
                timeout=600)
        got = sorted(os.listdir(os.path.join(d, "usr", "share", "man", "man1"))) if r.returncode == 0 else []
        ok(got == ["stoffel-asm.1", "stoffel-dis.1", "stoffel-keygen.1", "stoffel-run.1", "stoffel.1", "stoffellang.1"],
           "make install puts the man pages in share/man/man1", "%r %r" % (got, r.stderr[-300:]))
    finally:
        shutil.rmtree(d, ignore_errors=True)


class Grammar:
    """A small TextMate scanner, enough for these grammars: match rules
    with captures, begin/end rules with inner patterns, includes.  At each
    position the earliest match wins, ties go to the first rule (as in
    TextMate).  Python's re stands in for Oniguruma."""

    def __init__(self, path):
        self.g = json.load(open(path, encoding="utf-8"))
        self.rules = self._flatten(self.g["patterns"])

    def _flatten(self, patterns):
        out = []
        for p in patterns:
            if "include" in p:
                out += self._flatten([self.g["repository"][p["include"][1:]]])
            elif "patterns" in p and "match" not in p and "begin" not in p:
                out += self._flatten(p["patterns"])
            else:
                out.append(p)
        return out

    def all_regexes(self):
        def walk(node):
            if isinstance(node, dict):
                for k in ("match", "begin", "end"):
                    if k in node:
                        yield node[k]
                for v in node.values():
                    yield from walk(v)
            elif isinstance(node, list):
                for v in node:
                    yield from walk(v)
        return list(walk(self.g))

    def tokens(self, line):
        """[(text, scope)] for the scoped pieces of one line."""
        out, pos = [], 0
        while pos < len(line):
            best = None
            for r in self.rules:
                m = re.compile(r.get("match") or r["begin"]).search(line, pos)
                if m and m.end() > m.start() and (best is None or m.start() < best[1].start()):
                    best = (r, m)
            if best is None:
                break
            r, m = best
            if "match" in r:
                if "name" in r:
                    out.append((m.group(0), r["name"]))
                for k, cap in r.get("captures", {}).items():
                    if m.group(int(k)) is not None:
                        out.append((m.group(int(k)), cap["name"]))
                pos = m.end()
            else:
                end = re.compile(r["end"]).search(line, m.end())
                stop = end.end() if end else len(line)
                out.append((line[m.start():stop], r["name"]))
                inner = self._flatten(r.get("patterns", []))
                for ir in inner:
                    for im in re.finditer(ir["match"], line[m.end():stop - (1 if end else 0)]):
                        out.append((im.group(0), ir["name"]))
                pos = stop
        return out


def check_editor_grammars(build):
    edir = os.path.join(REPO, "editors")
    samples = {
        "stoffel-asm.tmLanguage.json": [
            (".function main regs=24", [(".function", "keyword.control.directive"), ("main", "entity.name.function"),
                                        ("regs", "variable.parameter.attribute"), ("24", "constant.numeric")]),
            ("    MUL r17, r16, r4        # share times clear", [
                ("MUL", "keyword.other.mnemonic"), ("r17", "variable.other.register.secret"),
                ("r4", "variable.other.register.clear"), ("# share times clear", "comment.line")]),
            ("    CALL ClientStore.take_share_fixed", [("CALL", "keyword.control.call"),
                                                      ("ClientStore.take_share_fixed", "entity.name.function.call")]),
            ("loop:", [("loop", "entity.name.label")]),
            ("    JMPEQ done", [("JMPEQ", "keyword.control.jump"), ("done", "entity.name.label")]),
            ('    LDI r6, "average:\\n"', [('"average:\\n"', "string.quoted.double"), ("\\n", "constant.character.escape")]),
            ("    LDI r0, #3", [("#3", "constant.other.pool-index")]),
            ("    LDI r1, -7i32", [("-7i32", "constant.numeric")]),
            (".client 0 inputs=fixed:64:16", [(".client", "keyword.control.directive"),
                                              ("inputs", "variable.parameter.attribute")]),
            (".const U8 255", [("U8", "storage.type"), ("255", "constant.numeric")]),
        ],
        "stoffellang.tmLanguage.json": [
            ("def fibonacci(n: int64) -> int64:", [("def", "storage.type.function"), ("fibonacci", "entity.name.function"),
                                                  ("int64", "support.type"), ("->", "keyword.operator")]),
            ("  var previous: int64 = 0  # the last one", [("var", "keyword.other"), ("0", "constant.numeric"),
                                                            ("# the last one", "comment.line")]),
            ("  for value in 1..limit:", [("for", "keyword.control"), ("in", "keyword.control"), ("..", "keyword.operator")]),
            ("    var r = Share.random_field()", [("Share.random_field", "support.function.builtin")]),
            ('  print(f"total {x}\\n")', [('f"total {x}\\n"', "string.interpolated"), ("{x}", "meta.interpolation")]),
            ("  if a and not b:", [("if", "keyword.control"), ("and", "keyword.operator.word"),
                                   ("not", "keyword.operator.word")]),
            ("  qty: secret int64", [("secret", "keyword.other")]),
            ("object Order:", [("object", "storage.type"), ("Order", "entity.name.type")]),
            ("  var m = 0xff_u8 + 255u8", [("255u8", "constant.numeric")]),
        ],
    }
    for fname, cases in samples.items():
        path = os.path.join(edir, fname)
        try:
            g = Grammar(path)
        except (OSError, ValueError, KeyError) as e:
            ok(False, "grammar %s loads" % fname, repr(e))
            continue
        ok(g.g.get("scopeName", "").startswith("source."), "grammar %s has a scopeName" % fname)
        bad = []
        for rx in g.all_regexes():
            try:
                re.compile(rx)
            except re.error as e:
                bad.append("%s: %s" % (rx, e))
        ok(not bad, "grammar %s: every pattern compiles" % fname, "; ".join(bad))
        for line, want in cases:
            toks = g.tokens(line)
            for text, scope in want:
                ok(any(t == text and sc.startswith(scope) for t, sc in toks), "%s: %r is %s in %r" % (fname, text, scope, line),
                   repr(toks))
    pkg = json.load(open(os.path.join(edir, "package.json")))
    for gr in pkg["contributes"]["grammars"]:
        ok(os.path.isfile(os.path.join(edir, gr["path"])), "package.json grammar %s exists" % gr["path"])


def check_progress(build):
    """A 2.5 s wait for a party that never sends: progress lines on stderr
    with --progress (stderr here is no terminal), none with --quiet or by
    default; the run's outcome is the same."""
    argv = [os.path.join(build, "stoffel-run"), os.path.join(REPO, "tests", "mpc", "slow_wait.s"), "--local-mpc",
            "--n-parties", "4"]
    err = "RBC receive timeout waiting for message from party 1"
    res = run(argv + ["--progress"])
    lines = [l for l in res.stderr.splitlines() if l.startswith("stoffel: waiting for other nodes")]
    ok(res.returncode == 4 and err in res.stderr and 1 <= len(lines) <= 3 and "gives up in" in lines[0],
       "--progress shows a long wait", res.stderr)
    for extra in (["--quiet"], [], ["--progress", "--quiet"]):
        res = run(argv + extra)
        ok(res.returncode == 4 and err in res.stderr and "stoffel: " not in res.stderr,
           "no progress with %r" % (extra,), res.stderr)


SECTIONS = [check_progress, check_editor_grammars, check_man_pages, check_pip_install, check_cost_report, check_doc_examples, check_mistakes, check_tools, check_list_builtins]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    opts = ap.parse_args()
    build = opts.build if os.path.isabs(opts.build) else os.path.join(REPO, opts.build)
    for section in SECTIONS:
        try:
            section(build)
        except Exception as e:  # a crash in one section must not hide the others
            ok(False, section.__name__, "exception %r" % (e,))
    print("%d passed, %d failed" % (PASSED[0], FAILED[0]))
    return 1 if FAILED[0] else 0


if __name__ == "__main__":
    sys.exit(main())

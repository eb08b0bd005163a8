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
        ("div", "Share/Share division is not supported on secret shares"),
        ("cmp", "CMP on secret shares is not supported without an MPC comparison protocol"),
        ("mod", "Modulo is not supported on secret shares"),
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
    for tool in ("stoffel-run", "stoffel-asm", "stoffel-dis", "stoffel-keygen"):
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


SECTIONS = [check_doc_examples, check_mistakes, check_tools, check_list_builtins]


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

#!/usr/bin/env python3
"""Stores through stoffel-run: --local-store and --preproc-store across
several processes (docs/storage.md).

    python3 tests/storage/storage_tests.py --build build [-v]

Run by tests/run.py as the step "storage/cli".  Each scenario works in a
fresh temporary directory.  Prints a line per failing check and a final
"N passed, M failed" line; exits 0 only if all passed.
"""
import argparse
import os
import sqlite3
import stat
import subprocess
import sys
import tempfile

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
HERE = os.path.join("tests", "storage")
PASSED = FAILED = 0
VERBOSE = False


def check(cond, what):
    global PASSED, FAILED
    if cond:
        PASSED += 1
        if VERBOSE:
            print("ok   " + what)
    else:
        FAILED += 1
        print("FAIL " + what)


def run(build, args, timeout=120):
    return subprocess.run([os.path.join(build, "stoffel-run")] + args, cwd=REPO, capture_output=True,
                          text=True, timeout=timeout)


def prog(name):
    return os.path.join(HERE, name)


def write_prog(tmp, name, body):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write(".function main\n" + body + "\n.end\n")
    return path


def scenario_values(build, tmp):
    db = os.path.join(tmp, "values.db")
    r = run(build, [prog("store_values.s"), "--local-store", db])
    check(r.returncode == 0 and r.stdout == "Program returned: true\n", "store every type: %r %r" % (r.stdout, r.stderr))
    check(stat.S_IMODE(os.stat(db).st_mode) == 0o600, "local store file is 0600")
    r = run(build, [prog("load_values.s"), "--local-store", db])
    want = ["200u8 uint8", "-7i32 int32", "2.5f64 float", "true boolean", "h\u00e9llo string",
            "[1, x] array", "{k: [1, x]} object", "() nil", "() nil", "Program returned: ()"]
    check(r.returncode == 0 and r.stdout.splitlines() == want, "values load with their types: %r" % r.stdout)


def scenario_example(build, tmp):
    db = os.path.join(tmp, "example.db")
    for run_no in (1, 2):
        r = run(build, [prog("example_local_storage.s"), "--local-store", db])
        check(r.returncode == 0 and r.stdout == "Program returned: 1121\n",
              "examples/local_storage run %d gives 1121: %r %r" % (run_no, r.stdout, r.stderr))


def scenario_keys(build, tmp):
    db = os.path.join(tmp, "keys.db")
    # a byte-array key is the key of its string; delete/exists report truth
    p = write_prog(tmp, "keys.s", """
    LDI r1, "same"
    LDI r2, 5
    PUSHARG r1
    PUSHARG r2
    CALL LocalStorage.store
    PUSHARG r1
    CALL Bytes.from_string
    MOV r3, r0
    PUSHARG r3
    CALL LocalStorage.retrieve
    PUSHARG r0
    CALL print
    PUSHARG r3
    CALL LocalStorage.exists
    PUSHARG r0
    CALL print
    PUSHARG r3
    CALL LocalStorage.delete
    PUSHARG r0
    CALL print
    PUSHARG r1
    CALL LocalStorage.delete
    PUSHARG r0
    CALL print
    PUSHARG r1
    CALL LocalStorage.exists
    RET r0""")
    r = run(build, [p, "--local-store", db])
    check(r.stdout.splitlines() == ["5", "true", "true", "false", "Program returned: false"],
          "byte-array key = string key, delete and exists: %r %r" % (r.stdout, r.stderr))
    p = write_prog(tmp, "longkey.s", """
    LDI r1, "%s"
    PUSHARG r1
    CALL LocalStorage.load
    RET r0""" % ("k" * 1025))
    r = run(build, [p, "--local-store", db])
    check(r.returncode == 4 and "LocalStorage.load: key is 1025 bytes long, at most 1024 allowed" in r.stderr,
          "too long key: %r" % r.stderr)
    p = write_prog(tmp, "badkey.s", """
    LDI r1, 3
    PUSHARG r1
    CALL LocalStorage.exists
    RET r0""")
    r = run(build, [p, "--local-store", db])
    check(r.returncode == 4 and "LocalStorage.exists failed: Expected byte array" in r.stderr, "int key: %r" % r.stderr)
    p = write_prog(tmp, "closure.s", """
    LDI r1, "k"
    LDI r2, "main"
    PUSHARG r2
    CALL create_closure
    PUSHARG r1
    PUSHARG r0
    CALL LocalStorage.store
    RET r0""")
    r = run(build, [p, "--local-store", db])
    check(r.returncode == 4 and "a function cannot be stored" in r.stderr, "closure value: %r" % r.stderr)
    p = write_prog(tmp, "arity.s", """
    LDI r1, "k"
    PUSHARG r1
    CALL LocalStorage.store
    RET r0""")
    r = run(build, [p, "--local-store", db])
    check(r.returncode == 4 and "LocalStorage.store expects 2 arguments: key and value" in r.stderr,
          "arity: %r" % r.stderr)


def scenario_bad_files(build, tmp):
    garbage = os.path.join(tmp, "garbage.db")
    with open(garbage, "wb") as f:
        f.write(b"not a database" * 100)
    r = run(build, [prog("load_values.s"), "--local-store", garbage])
    check(r.returncode == 2 and "garbage.db: not a usable StoffelVM local store" in r.stderr,
          "corrupt local store refused: %r" % r.stderr)
    foreign = os.path.join(tmp, "foreign.db")
    c = sqlite3.connect(foreign)
    c.execute("CREATE TABLE notes(x)")
    c.commit()
    c.close()
    r = run(build, [prog("load_values.s"), "--local-store", foreign])
    check(r.returncode == 2 and "foreign.db: not a StoffelVM local store (application id 0x00000000" in r.stderr,
          "foreign SQLite file refused: %r" % r.stderr)
    r = run(build, [prog("load_values.s"), "--local-store", "/proc/stoffel-test/ls.db"])
    check(r.returncode == 2 and "/proc/stoffel-test/ls.db: cannot create" in r.stderr,
          "unwritable path refused: %r" % r.stderr)
    # a value damaged inside a valid store
    db = os.path.join(tmp, "damaged.db")
    run(build, [prog("store_values.s"), "--local-store", db])
    c = sqlite3.connect(db)
    c.execute("UPDATE kv SET value = substr(value, 1, 5) WHERE key = CAST('v4' AS BLOB)")
    c.commit()
    c.close()
    p = write_prog(tmp, "loadv4.s", """
    LDI r1, "v4"
    PUSHARG r1
    CALL LocalStorage.load
    RET r0""")
    r = run(build, [p, "--local-store", db])
    check(r.returncode == 4 and "stored value of key 'v4' is corrupt" in r.stderr, "damaged value: %r" % r.stderr)
    r = run(build, [prog("load_values.s")])
    check(r.returncode == 4 and "Local storage is not configured" in r.stderr, "no --local-store: %r" % r.stderr)
    r = run(build, ["--client", "--client-id", "0", "--roster", garbage, "--key", "k", "--cert", "c",
                    "--local-store", os.path.join(tmp, "client.db")])
    check(r.returncode == 2 and "are for parties, not clients" in r.stderr and
          not os.path.exists(os.path.join(tmp, "client.db")), "a client refuses --local-store: %r" % r.stderr)


MPC = ["--local-mpc", "--n-parties", "4", "--threshold", "1"]


def scenario_shares(build, tmp):
    base = os.path.join(tmp, "ls")
    r = run(build, [prog("store_shares.s")] + MPC + ["--local-store", base])
    check(r.returncode == 0, "store shares: %r" % r.stderr)
    for i in range(4):
        p = "%s.party%d" % (base, i)
        check(os.path.exists(p) and stat.S_IMODE(os.stat(p).st_mode) == 0o600, "party %d store 0600" % i)
    check(not os.path.exists(base), "no file at the bare path with --local-mpc")
    r = run(build, [prog("load_shares.s")] + MPC + ["--local-store", base])
    check(r.stdout.splitlines() == ["SecretInt", "42i32", "SecretFixedPoint", "Program returned: 1.25"],
          "shares keep type and value across runs: %r %r" % (r.stdout, r.stderr))
    r = run(build, [prog("store_shares.s"), "--local-store", os.path.join(tmp, "nompc.db")])
    check(r.returncode == 4, "shares need an MPC session")
    r = run(build, [prog("load_shares.s")] + ["--local-mpc", "--n-parties", "4", "--mpc-curve", "bn254",
                                             "--local-store", base])
    check(r.returncode == 4 and "is over field bls12-381, this session uses bn254" in r.stderr,
          "share of another field refused: %r" % r.stderr)


def cursor(path, kind):
    c = sqlite3.connect(path)
    row = c.execute("SELECT next, end FROM cursor WHERE kind = ?", (kind,)).fetchone()
    rows = c.execute("SELECT first, count FROM material WHERE kind = ?", (kind,)).fetchall()
    c.close()
    return row, rows


def scenario_preproc(build, tmp):
    base = os.path.join(tmp, "pp")
    mul = prog("mul.s")
    r = run(build, [mul] + MPC + ["--preproc-store", base])
    check(r.returncode == 0 and r.stdout.endswith("Program returned: 42\n"), "run 1: %r %r" % (r.stdout, r.stderr))
    (n1, e1), rows = cursor(base + ".party0", 0)
    check(n1 == 0 and e1 > 0 and rows == [(0, e1)], "run 1 saved its unused triples: %r %r" % ((n1, e1), rows))
    modes = [stat.S_IMODE(os.stat("%s.party%d" % (base, i)).st_mode) for i in range(4)]
    check(modes == [0o600] * 4, "preprocessing stores are 0600: %r" % modes)
    r = run(build, [mul] + MPC + ["--preproc-store", base])
    check(r.returncode == 0 and r.stdout.endswith("Program returned: 42\n"), "run 2: %r %r" % (r.stdout, r.stderr))
    for i in range(4):
        (n2, e2), rows = cursor("%s.party%d" % (base, i), 0)
        # run 2 took all of run 1's triples (cursor moved), used one, saved the rest
        check(n2 == e1 and e2 == 2 * e1 - 1 and rows == [(e1, e1 - 1)],
              "party %d: run 2 used stored triples and saved the rest: %r %r" % (i, (n2, e2), rows))
    for args, want in (
            (["--local-mpc", "--n-parties", "7", "--threshold", "2"], "made with n=4, this session has n=7"),
            (["--local-mpc", "--n-parties", "4", "--threshold", "0"], "made with t=1, this session has t=0"),
            (MPC + ["--mpc-curve", "bn254"], "made with field=bls12-381, this session has field=bn254")):
        r = run(build, [mul] + args + ["--preproc-store", base])
        check(r.returncode == 2 and want in r.stderr, "mismatch refused (%s): %r" % (want, r.stderr))
    # a party's store from another party
    other = os.path.join(tmp, "other")
    for i in range(4):
        with open("%s.party%d" % (base, (i + 1) % 4), "rb") as f, open("%s.party%d" % (other, i), "wb") as g:
            g.write(f.read())
    r = run(build, [mul] + MPC + ["--preproc-store", other])
    check(r.returncode == 2 and "made with party=" in r.stderr, "another party's store refused: %r" % r.stderr)
    # one party's store out of step (as after a crash between taking and using)
    c = sqlite3.connect(base + ".party2")
    c.execute("UPDATE cursor SET next = next + 3 WHERE kind = 0")
    c.commit()
    c.close()
    r = run(build, [mul] + MPC + ["--preproc-store", base])
    check(r.returncode == 2 and "pp.party2: this store's triples" in r.stderr and "out of step" in r.stderr,
          "out-of-step store refused: %r" % r.stderr)
    (n3, _), _ = cursor(base + ".party0", 0)
    check(n3 >= 2 * e1 - 1, "refused material is never used again (cursor %d)" % n3)
    r = run(build, [mul, "--preproc-store", base + ".x"])
    check(r.returncode == 2 and "--preproc-store needs an MPC session" in r.stderr, "needs MPC: %r" % r.stderr)
    ls = os.path.join(tmp, "ls")
    run(build, [prog("store_shares.s")] + MPC + ["--local-store", ls])
    r = run(build, [mul] + MPC + ["--preproc-store", ls])
    check(r.returncode == 2 and "not a StoffelVM preprocessing store" in r.stderr,
          "a local store is no preprocessing store: %r" % r.stderr)


def main():
    global VERBOSE
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("-v", action="store_true")
    o = ap.parse_args()
    VERBOSE = o.v
    build = o.build if os.path.isabs(o.build) else os.path.join(REPO, o.build)
    with tempfile.TemporaryDirectory(prefix="stoffel-storage-") as tmp:
        for s in (scenario_values, scenario_example, scenario_keys, scenario_bad_files, scenario_shares, scenario_preproc):
            d = os.path.join(tmp, s.__name__)
            os.makedirs(d)
            try:
                s(build, d)
            except Exception as e:  # a scenario's crash is a failure, not the end
                check(False, "%s raised %r" % (s.__name__, e))
    print("%d passed, %d failed" % (PASSED, FAILED))
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())

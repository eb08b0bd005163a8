"""StoffelLang tests for tests/run.py (section "lang/").

* lang/golden/NAME: tests/lang/*.stfl.  `# expect: LINE` lines are the
  exact stdout of `stoffel-run FILE.stfl` (the compiler runs in memory);
  `# error: L:C: MESSAGE` means `stoffellang FILE` must reject the file
  with exactly "FILE:L:C: error: MESSAGE", the source line and a caret;
  `# exit: N` and `# stderr: TEXT` check a run-time failure; `# args:`
  are stoffel-run options (e.g. a --local-mpc session).
* lang/fixtures: every upstream fixture (../shared/stoffellang/tests/stfl)
  compiles or is rejected as its name says (error_*, *invalid*, missing*,
  circular* are rejected); the reason is shown with -v.
* lang/example/NAME: every upstream example runs with `stoffel run DIR
  <its # run-args> <tests/lang/example_args.txt>` and exits 0, and prints
  the same at -O0 as at -O2 (the default).
* lang/opt/NAME: each runnable golden and tests/lang/opt/*.stfl compiled
  at -O0 and -O2 behaves the same; see opt_same.  Examples in
  tests/lang/pending.txt wait for a builtin another change provides: when
  they fail they are skipped (counted) with that reason, when they pass
  they count as passed.
The corpus parts are skipped (counted) when ../shared/stoffellang is absent.
"""
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
# threshold ECDSA examples whose result r || s || pk is checked with OpenSSL
# Examples whose printed result is itself random (a random bit): -O0 and
# -O2 are compared by exit status only.  Others with random keys or nonces
# are found by a second -O2 run that differs.
RANDOM_OUTPUT = {"mpc_random_bit"}

ECDSA_EXAMPLES = {"threshold_signatures/threshold_ecdsa_p256": "p-256",
                  "threshold_signatures/threshold_ecdsa_secp256k1": "secp256k1"}
REPO = os.path.dirname(os.path.dirname(HERE))

REJECT_RE = re.compile(r"(^error_|invalid|^missing|^circular)")


def shared_corpus(env):
    base = env.get("STOFFEL_SHARED") or os.path.join(REPO, "..", "shared")
    d = os.path.join(base, "stoffellang")
    return d if os.path.isdir(d) else None


def read_map(name):
    """NAME: TEXT lines of a tests/lang list file (# comments)."""
    out = {}
    path = os.path.join(HERE, name)
    if not os.path.isfile(path):
        return out
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#") or ":" not in line:
                continue
            k, v = line.split(":", 1)
            out[k.strip()] = v.strip()
    return out


def _bits(hexstr):
    return [(b >> i) & 1 for b in bytes.fromhex(hexstr) for i in range(8)]


def expand_args(text):
    """Split an example_args.txt entry, expanding @bits/@boollist/@intlist."""
    out = []
    for tok in text.split():
        if tok == "@tmpfile":      # a fresh path in a new temporary directory
            out.append(os.path.join(tempfile.mkdtemp(prefix="stoffel-lang-"), "store.db"))
            continue
        m = re.match(r"@bits\((\d+),([0-9a-fA-F]+)\)$", tok)
        if m:
            for b in _bits(m.group(2)):
                out += ["--client-input", "%s=%s" % (m.group(1), "true" if b else "false")]
            continue
        m = re.search(r"@(boollist|intlist)\(([0-9a-fA-F]+)\)", tok)
        if m:
            vals = _bits(m.group(2))
            lst = ",".join(("true" if b else "false") if m.group(1) == "boollist" else str(b) for b in vals)
            tok = tok[:m.start()] + "[" + lst + "]" + tok[m.end():]
        out.append(tok)
    return out


def parse_golden(path):
    expect, errors, exit_code, stderr, args = [], [], None, [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"#\s*(expect|error|exit|stderr|args):\s?(.*)$", line.rstrip("\n"))
            if not m:
                continue
            kind, text = m.group(1), m.group(2)
            if kind == "expect":
                expect.append(text)
            elif kind == "error":
                errors.append(text)
            elif kind == "args":
                args += text.split()
            elif kind == "exit":
                exit_code = int(text)
            else:
                stderr.append(text)
    return expect, errors, exit_code, stderr, args


def make_tasks(ctx, Outcome, run_process, describe_status, tail):
    build = ctx.build
    slang = os.path.join(build, "stoffellang")
    driver = os.path.join(build, "stoffel")
    tasks = []

    def missing_tool(o, exe):
        if not os.access(exe, os.X_OK):
            o.failed = 1
            o.fail("%s is missing (make -j2 all)" % os.path.relpath(exe, REPO))
            return True
        return False

    def golden(rel, _ctx):
        o = Outcome("lang/golden/" + os.path.basename(rel)[:-5])
        expect, errors, exit_code, stderr_want, run_args = parse_golden(os.path.join(REPO, rel))
        if missing_tool(o, slang) or missing_tool(o, ctx.runner):
            return o
        if errors:
            res = run_process([slang, rel], ctx.env, ctx.timeout)
            o.seconds = res.seconds
            want = "%s:%s" % (rel, errors[0].replace(": ", ": error: ", 1))
            first = res.stderr.splitlines()[:3]
            if res.returncode != 2:
                o.fail("stoffellang should reject it (exit 2), got %s" % describe_status(res))
            if not first or first[0] != want:
                o.fail("expected the error\n    %s\ngot\n%s" % (want, tail(res.stderr, 6)))
            elif len(first) < 3 or "^" not in first[2]:
                o.fail("the error lacks the source line and caret:\n" + tail(res.stderr, 6))
        else:
            res = run_process([ctx.runner, rel] + run_args, ctx.env, ctx.timeout)
            o.seconds = res.seconds
            got = res.stdout.splitlines()
            want_exit = exit_code if exit_code is not None else 0
            if res.returncode != want_exit:
                o.fail("expected exit %d, got %s\n%s" % (want_exit, describe_status(res), tail(res.stderr, 8)))
            if expect and got != expect:
                o.fail("stdout differs:\n    expected: %r\n    got:      %r" % (expect, got))
            for s in stderr_want:
                if s not in res.stderr:
                    o.fail("stderr lacks %r:\n%s" % (s, tail(res.stderr, 8)))
        o.failed = 1 if o.details else 0
        o.passed = 0 if o.details else 1
        return o

    for name in sorted(os.listdir(HERE)):
        if name.endswith(".stfl"):
            rel = os.path.relpath(os.path.join(HERE, name), REPO)
            tasks.append(("lang/golden/" + name[:-5], golden, rel))

    # -O0 against -O2 (the optimizer, src/lang/opt.c): every golden program
    # that runs, and tests/lang/opt/*.stfl, compiled at both levels print the
    # same, fail the same (the message, and at -O2 still the .stfl line) and
    # exit the same.  tests/lang/opt/ files also say what the -O2 code must
    # (not) contain (`# o2-has:` / `# o2-lacks:` TEXT of --print-ir) and
    # whether it needs fewer online rounds (`# fewer-rounds: yes`).
    def opt_checks(path):
        has, lacks, fewer = [], [], False
        with open(path, encoding="utf-8") as f:
            for line in f:
                m = re.match(r"#\s*(o2-has|o2-lacks|fewer-rounds):\s?(.*)$", line.rstrip("\n"))
                if m and m.group(1) == "o2-has":
                    has.append(m.group(2))
                elif m and m.group(1) == "o2-lacks":
                    lacks.append(m.group(2))
                elif m:
                    fewer = m.group(2).strip() == "yes"
        return has, lacks, fewer

    def party0_rounds(stderr):
        m = re.search(r"^party\s+rounds.*\n\s*0\s+(\d+)", stderr, re.M)
        return int(m.group(1)) if m else None

    def opt_same(rel, _ctx):
        name = os.path.relpath(rel, os.path.join("tests", "lang"))[:-5]
        o = Outcome("lang/opt/" + name)
        expect, errors, exit_code, stderr_want, run_args = parse_golden(os.path.join(REPO, rel))
        if missing_tool(o, slang) or missing_tool(o, ctx.runner) or missing_tool(o, driver):
            return o
        runs, irs = {}, {}
        for level in ("-O0", "-O2"):
            out = os.path.join(ctx.tmpdir, "opt_%s%s.stflb" % (name.replace(os.sep, "__"), level))
            res = run_process([slang, rel, level, "-o", out, "--print-ir"], ctx.env, ctx.timeout)
            o.seconds += res.seconds
            if res.returncode != 0:
                o.fail("stoffellang %s failed: %s\n%s" % (level, describe_status(res), tail(res.stderr, 6)))
                continue
            irs[level] = res.stdout
            res = run_process([ctx.runner, out] + run_args, ctx.env, ctx.timeout)
            o.seconds += res.seconds
            # a .stflb run names the instruction index, which moves
            err = "\n".join(l for l in res.stderr.splitlines() if "instruction" not in l)
            runs[level] = (res.returncode, res.stdout, err)
            if level == "-O2" and expect and res.stdout.splitlines() != expect:
                o.fail("-O2 stdout differs from # expect:\n    expected: %r\n    got:      %r"
                       % (expect, res.stdout.splitlines()))
        if len(runs) == 2 and runs["-O0"] != runs["-O2"]:
            o.fail("-O0 and -O2 differ:\n  -O0: %r\n  -O2: %r" % (runs["-O0"], runs["-O2"]))
        if stderr_want:
            # the run-time error still names the .stfl line at -O2
            res = run_process([driver, "run", rel, "-O2"], ctx.env, ctx.timeout)
            o.seconds += res.seconds
            for text in stderr_want:
                if text not in res.stderr:
                    o.fail("stoffel run -O2: stderr lacks %r:\n%s" % (text, tail(res.stderr, 6)))
        has, lacks, fewer = opt_checks(os.path.join(REPO, rel))
        ir = irs.get("-O2", "")
        for text in has:
            if text not in ir:
                o.fail("-O2 code lacks %r" % text)
        for text in lacks:
            if text in ir:
                o.fail("-O2 code still has %r" % text)
        if fewer and len(irs) == 2:
            rounds = {}
            for level in ("-O0", "-O2"):
                out = os.path.join(ctx.tmpdir, "opt_%s%s.stflb" % (name.replace(os.sep, "__"), level))
                res = run_process([ctx.runner, out, "--stats"] + run_args, ctx.env, ctx.timeout)
                o.seconds += res.seconds
                rounds[level] = party0_rounds(res.stderr)
            if None in rounds.values() or rounds["-O2"] >= rounds["-O0"]:
                o.fail("online rounds should drop at -O2: %r" % rounds)
            else:
                o.note = "online rounds %d at -O0, %d at -O2" % (rounds["-O0"], rounds["-O2"])
        o.failed = 1 if o.details else 0
        o.passed = 0 if o.details else 1
        return o

    opt_dir = os.path.join(HERE, "opt")
    for rel in sorted([os.path.join("tests", "lang", n) for n in os.listdir(HERE) if n.endswith(".stfl")] +
                      [os.path.join("tests", "lang", "opt", n) for n in
                       (os.listdir(opt_dir) if os.path.isdir(opt_dir) else []) if n.endswith(".stfl")]):
        if not parse_golden(os.path.join(REPO, rel))[1]:
            tasks.append(("lang/opt/" + os.path.relpath(rel, os.path.join("tests", "lang"))[:-5], opt_same, rel))

    def cli(_, _ctx):
        """stoffel check/compile/run and stoffellang -o / --disassemble."""
        o = Outcome("lang/cli")
        if missing_tool(o, driver) or missing_tool(o, slang):
            return o
        good = os.path.join("tests", "lang", "functions_args.stfl")
        bad = os.path.join("tests", "lang", "err_unknown_name.stfl")
        failing = os.path.join("tests", "lang", "failed_assert.stfl")
        out = os.path.join(ctx.tmpdir, "lang_cli.stflb")
        checks = [
            ([driver, "check", good], 0, "ok"),
            ([driver, "check", bad], 1, "did you mean 'count'"),
            ([driver, "compile", good, "-o", out], 0, "Compiled"),
            ([driver, "run", good], 0, "Program returned: 55"),
            ([driver, "run", failing], 4, "totals differ"),
            ([driver, "run", "tests/lang/secret_mpc.stfl", "--client-input", "0=6", "--client-input", "0=1",
              "--client-input", "1=7", "--client-input", "1=false", "--parties", "4"], 0, "Program returned: 1"),
            # an output-only client: no inputs, registered by --expected-output-clients
            ([driver, "run", "tests/lang/cli/output_only.stfl", "--expected-output-clients", "1", "--parties", "4"],
             0, "client 0 received: 42\nProgram returned: 7"),
            ([driver, "frobnicate"], 1, "unknown command"),
            ([slang, good, "-o", out], 0, "Compiled"),
            ([slang, "--disassemble", out], 0, ".function main"),
            ([slang, good, "--mpc-backend", "bogus"], 2, "unknown MPC backend"),
            # the manifest: literal client slots, bool inputs as int:1, secret products as triples
            ([slang, "tests/lang/secret_mpc.stfl", "--print-ir"], 0, ".client 0 inputs=int:64,int:1\n"
             ".client 1 inputs=int:64,int:1\n.preprocessing triples=2"),
            ([slang, good, "--print-ir", "--mpc-backend", "avss", "--mpc-curve", "bn254"], 0, ".backend avss"),
        ]
        for argv, want, text in checks:
            res = run_process(argv, ctx.env, ctx.timeout)
            o.seconds += res.seconds
            both = res.stdout + res.stderr
            if res.returncode != want or text not in both:
                o.fail("%s: expected exit %d and %r, got %s\n%s" % (" ".join(argv[1:]), want, text,
                                                                   describe_status(res), tail(both, 6)))
        o.failed = 1 if o.details else 0
        o.passed = 0 if o.details else 1
        return o

    tasks.append(("lang/cli", cli, None))

    corpus = shared_corpus(ctx.env)

    def fixtures(_, _ctx):
        o = Outcome("lang/fixtures")
        if corpus is None:
            ctx.skipped.append("lang/fixtures: ../shared/stoffellang is absent")
            return o
        if missing_tool(o, slang):
            return o
        root = os.path.join(corpus, "tests", "stfl")
        notes = []
        for dp, _, files in sorted(os.walk(root)):
            for fn in sorted(files):
                if not fn.endswith(".stfl"):
                    continue
                path = os.path.join(dp, fn)
                rel = os.path.relpath(path, root)
                reject = bool(REJECT_RE.search(fn[:-5]))
                res = run_process([slang, path], ctx.env, ctx.timeout)
                o.seconds += res.seconds
                reason = (res.stderr.splitlines() or [""])[0]
                ok = (res.returncode == 2) if reject else (res.returncode == 0)
                if reject and res.returncode == 2 and ": error: " not in reason:
                    ok = False
                if not ok:
                    o.fail("%s: expected %s, got %s %s" % (rel, "rejection" if reject else "success",
                                                          describe_status(res), reason))
                else:
                    o.passed += 1
                    notes.append("%s %s%s" % (rel, "rejected:" if reject else "compiles",
                                              (" " + reason.split(": error: ", 1)[-1]) if reject else ""))
        o.failed = len(o.details)
        o.note = "%d fixtures; %s" % (o.passed + o.failed, " | ".join(notes))
        return o

    tasks.append(("lang/fixtures", fixtures, None))

    pending = read_map("pending.txt")
    extra = read_map("example_args.txt")
    expected = read_map("example_expect.txt")

    def example(rel, _ctx):
        o = Outcome("lang/example/" + rel)
        if missing_tool(o, driver):
            return o
        d = os.path.join(corpus, "examples", rel)
        with open(os.path.join(d, "main.stfl"), encoding="utf-8") as f:
            first = f.readline()
        args = first.split("run-args:", 1)[1].split() if first.startswith("# run-args:") else []
        if rel in extra:
            args += expand_args(extra[rel])
        res = run_process([driver, "run", d] + args, ctx.env, max(ctx.timeout, 300))
        o.seconds = res.seconds
        ok = res.returncode == 0
        if ok and rel in expected and ("Program returned: %s" % expected[rel]) not in res.stdout.splitlines():
            ok = False
            o.fail("expected 'Program returned: %s', got:\n%s" % (expected[rel], tail(res.stdout, 4)))
        curve = ECDSA_EXAMPLES.get(rel)
        if ok and curve:
            # the signature must verify (OpenSSL via python3-cryptography)
            m = re.search(r"Program returned: byte\[97\] 0x([0-9a-f]+)", res.stdout)
            ver = subprocess.run([sys.executable, os.path.join(REPO, "tests", "oracle", "verify_avss_ec.py")],
                                 input="%s %s\n" % (curve, m.group(1) if m else ""), capture_output=True, text=True)
            if ver.returncode == 3:
                ctx.skipped.append("lang/example/%s: signature check: python3-cryptography is missing" % rel)
            elif not ver.stdout.startswith("ok"):
                ok = False
                o.fail("the signature does not verify: %s%s" % (ver.stdout, tail(res.stdout, 4)))
        if ok:
            # `stoffel run` compiles at -O2: unoptimized code must print the same
            res0 = run_process([driver, "run", d, "-O0"] + args, ctx.env, max(ctx.timeout, 300))
            o.seconds += res0.seconds
            same = res0.returncode == res.returncode and (res0.stdout == res.stdout or rel in RANDOM_OUTPUT)
            if not same and res0.returncode == res.returncode:
                # random keys or nonces: a second -O2 run differs as well
                again = run_process([driver, "run", d] + args, ctx.env, max(ctx.timeout, 300))
                o.seconds += again.seconds
                if again.returncode == res.returncode and again.stdout != res.stdout:
                    same = True
                    o.note = "output differs from run to run (random values); -O0 and -O2 both exit %d" % res.returncode
            if not same:
                ok = False
                o.fail("-O0 and -O2 differ: -O0 %s\n%s\n-O2:\n%s" % (describe_status(res0), tail(res0.stdout, 4),
                                                                     tail(res.stdout, 4)))
        if ok:
            o.passed = 1
            if rel in pending:
                o.note = "listed as pending (%s) but passes" % pending[rel]
            return o
        if rel in pending:
            ctx.skipped.append("lang/example/%s: pending: %s" % (rel, pending[rel]))
            return o
        o.failed = 1
        if not o.details:
            o.fail("stoffel run %s %s: %s\n%s" % (rel, " ".join(args), describe_status(res), tail(res.stderr, 6)))
        return o

    if corpus is None:
        def skipped_examples(_, _ctx):
            ctx.skipped.append("lang/examples: ../shared/stoffellang is absent")
            return Outcome("lang/examples")
        tasks.append(("lang/examples", skipped_examples, None))
    else:
        root = os.path.join(corpus, "examples")
        for dp, _, files in sorted(os.walk(root)):
            if "main.stfl" in files:
                rel = os.path.relpath(dp, root)
                tasks.append(("lang/example/" + rel, example, rel))
    return tasks

#!/usr/bin/env python3
"""Threshold signatures on the AVSS backend, verified by libraries
independent of this implementation (docs/avss.md).

    python3 tests/avss/signature_tests.py --build build [-v]

Run by tests/run.py as the step "avss/signatures".  Each program of
tests/avss/ runs as a 5-party session (t = 1; two also with 7 parties,
t = 2 and two faulty) with `--mpc-backend avss`,
honestly and with faulty parties (--simulate-fault), and its result, in
upstream's byte layout, is checked: BLS (pairing), Schnorr and EdDSA-style
(s·G = R + e·A) with @noble/curves under node (tests/oracle/verify_avss.mjs,
installed by tests/oracle/setup.sh), ECDSA on secp256k1 and P-256 with
python3-cryptography (OpenSSL; tests/oracle/verify_avss_ec.py).  A missing
node/npm or Python module skips its schemes: each skip is printed as a line
"SKIP reason".  Every verifier is also shown a tampered signature, which it
must reject.  Prints "N passed, M failed" last.
"""
import argparse
import concurrent.futures
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PASSED = FAILED = 0
VERBOSE = False

# (scheme, program, curve, verifier)
SCHEMES = [
    ("bls", "threshold_bls.s", "bls12-381", "noble"),
    ("eddsa", "threshold_eddsa.s", "ed25519", "noble"),
    ("schnorr", "threshold_schnorr.s", "ed25519", "noble"),
    ("secp256k1", "threshold_ecdsa.s", "secp256k1", "openssl"),
    ("p-256", "threshold_ecdsa.s", "p-256", "openssl"),
]
# (label, extra arguments): honest, a faulty dealer / wrong partials, a
# silent party (each fault costs protocol timeouts: silence is tried on
# two schemes only)
SILENT_ON = ("bls", "secp256k1")
# The silent sessions wait out each protocol timeout: 4 s instead of the
# default 10 s (--timeout-ms, as killed_in_keygen below) cuts the longest
# from 70 s to about 28 s.  Which dealings count is agreed, not timed, so a
# shorter timeout changes how long the silent party is waited for, not
# what is checked.
SILENT_TIMEOUT = ["--timeout-ms", "4000"]
# and with 7 parties, t = 2, two faulty: (scheme, label, extra)
SEVEN = [("bls", "n=7 wrong-shares:2", ["--simulate-fault", "wrong-shares:2"]),
         ("secp256k1", "n=7 wrong-shares:2", ["--simulate-fault", "wrong-shares:2"]),
         ("bls", "n=7 silent:2", ["--simulate-fault", "silent:2"] + SILENT_TIMEOUT)]
# a first leader alive but late for some parties (the testing aid makes
# them leave view 0 at once, docs/avss.md "Protocol"): (scheme, label, n,
# t, parties); one late party leaves a quorum in view 0, more than t do not
LATE = [("bls", "late leader for party 4", 5, 1, "4"),
        ("bls", "late leader for parties 2,3,4", 5, 1, "2,3,4"),
        ("bls", "n=7 late leader for parties 5,6", 7, 2, "5,6")]
FAULTS = [
    ("honest", []),
    ("wrong-shares:1", ["--simulate-fault", "wrong-shares:1"]),
    ("silent:1", ["--simulate-fault", "silent:1"] + SILENT_TIMEOUT),
]


# The sessions run concurrently (most of their time is protocol timeouts,
# not CPU: a silent party costs 30 s of waiting and 10 ms of CPU); a
# session's checks are kept in its thread's list and replayed in the listed
# order, so the output is the same as a serial run's.
_records = threading.local()


def check(cond, what, detail=""):
    global PASSED, FAILED
    if getattr(_records, "checks", None) is not None:
        _records.checks.append((cond, what, detail))
        return
    if cond:
        PASSED += 1
        if VERBOSE:
            print("ok   " + what)
    else:
        FAILED += 1
        print("FAIL " + what + (": " + detail if detail else ""))


# avss_certificate/sign: threshold_ecdsa.s with the key that
# certificate_keygen.s stored in the party's local store
FRESH_KEY = "    CALL Share.random\n    MOV r1, r0                      ; x\n"
STORED_KEY = "    LDI r1, \"ca:avss:sk:v1\"\n    PUSHARG r1\n    CALL LocalStorage.load\n    MOV r1, r0\n"


def program(tmp, name, curve, stored_key=False):
    src = os.path.join(REPO, "tests", "avss", name)
    if name != "threshold_ecdsa.s":
        return src
    path = os.path.join(tmp, "ecdsa_%s%s.s" % (curve, "_stored" if stored_key else ""))
    if os.path.exists(path):     # written once: sessions may be reading it
        return path
    with open(src) as f, open(path, "w") as g:
        text = f.read().replace('"CURVE"', '"%s"' % curve)
        if stored_key:
            assert FRESH_KEY in text
            text = text.replace(FRESH_KEY, STORED_KEY)
        g.write(text)
    return path


def certificate(build, tmp, curve):
    """keygen twice (the same key), then sign with the stored key: the
    signature's public key must be keygen's.  Returns "curve hex" or None."""
    store = ["--local-store", os.path.join(tmp, "ca-%s" % curve)]
    keygen = os.path.join(REPO, "tests", "avss", "certificate_keygen.s")
    pk1, why1 = sign(build, keygen, curve, store)
    pk2, why2 = sign(build, keygen, curve, store)
    check(pk1 is not None and len(pk1) == 66, "certificate keygen %s returns a SEC1 key" % curve, why1)
    check(pk1 is not None and pk1 == pk2, "certificate keygen %s is idempotent" % curve, why2)
    sig, why = sign(build, program(tmp, "threshold_ecdsa.s", curve, stored_key=True), curve, store)
    check(sig is not None and pk1 is not None and sig[128:] == pk1,
          "certificate sign %s uses the stored key" % curve, why)
    return "%s %s" % (curve, sig) if sig else None


def over_tls(build, tmp, prog, curve, ports=None):
    """The same 5-party session as separate stoffel-run processes over TLS
    (tests/net/net_tests.py's Session: keys, roster, free ports): every
    party must return the same signature.  Returns its hex or None."""
    sys.path.insert(0, os.path.join(REPO, "tests", "net"))
    import net_tests
    s = net_tests.Session(build, tmp, "tls-" + curve, parties=5, clients=0, ports=ports)
    for i in range(5):
        s.party(i, prog, "--threshold", "1", "--mpc-backend", "avss", "--mpc-curve", curve)
    res = s.wait()
    sigs = set()
    for tag in sorted(res):
        m = re.search(r"^Program returned: byte\[\d+\] 0x([0-9a-f]+)$", res[tag][1], re.M)
        sigs.add(m.group(1) if m and res[tag][0] == 0 else None)
    ok = len(sigs) == 1 and None not in sigs
    check(ok, "%s over TLS: every party returns the same signature" % curve,
          "; ".join("%s: %s" % (t, (res[t][2].strip() or res[t][1].strip())[-200:]) for t in sorted(res)))
    return sigs.pop() if ok else None


def killed_in_keygen(build, tmp, prog, curve, n, t, victim, ports=None):
    """Separate processes over TLS; party `victim` kills itself (SIGKILL) in
    the middle of its first dealing, the key's DKG
    (STOFFEL_NET_TEST_KILL_AT=avss-deal: commitments broadcast, shares sent
    to the parties below it only).  The n-1 others must finish with the same
    signature, which the caller has verified.  Returns its hex or None."""
    sys.path.insert(0, os.path.join(REPO, "tests", "net"))
    import net_tests
    s = net_tests.Session(build, tmp, "killed-%s-n%d" % (curve, n), parties=n, clients=0, ports=ports)
    # the signing's multiplications preprocessed up front, while all n are
    # there (preprocessing itself needs every party, docs/network.md)
    with open(prog) as f:
        text = f.read()
    prog = os.path.join(s.dir, "ecdsa_preprocessed.s")
    with open(prog, "w") as f:
        f.write(".version 8\n.preprocessing triples=4\n" + text)
    for i in range(n):
        s.party(i, prog, "--threshold", str(t), "--mpc-backend", "avss", "--mpc-curve", curve,
                # which dealings count is agreed, not timed: the timeout
                # only bounds how long the dead party is waited for
                "--timeout-ms", "4000", env={"STOFFEL_NET_TEST_KILL_AT": "avss-deal"} if i == victim else None)
    res = s.wait()
    what = "%s n=%d: party %d killed during key generation" % (curve, n, victim)
    check(res["p%d" % victim][0] == -signal.SIGKILL, what + ": it was killed", str(res["p%d" % victim]))
    sigs = set()
    for tag in sorted(res):
        if tag == "p%d" % victim:
            continue
        m = re.search(r"^Program returned: byte\[\d+\] 0x([0-9a-f]+)$", res[tag][1], re.M)
        sigs.add(m.group(1) if m and res[tag][0] == 0 else None)
    ok = len(sigs) == 1 and None not in sigs
    check(ok, what + ": the other %d return the same signature" % (n - 1),
          "; ".join("%s: %s" % (t_, (res[t_][2].strip() or res[t_][1].strip())[-200:]) for t_ in sorted(res)))
    return sigs.pop() if ok else None


def sign(build, prog, curve, extra, n=5, t=1, env=None):
    args = [os.path.join(build, "stoffel-run"), prog, "--local-mpc", "--n-parties", str(n), "--threshold", str(t),
            "--mpc-backend", "avss", "--mpc-curve", curve] + extra
    res = subprocess.run(args, cwd=REPO, capture_output=True, text=True, timeout=300,
                         env=dict(os.environ, **env) if env else None)
    m = re.search(r"^Program returned: byte\[\d+\] 0x([0-9a-f]+)$", res.stdout, re.M)
    return (m.group(1) if m else None), (res.stderr.strip() or res.stdout.strip())[-300:]


def verifiers():
    """{"noble": argv or None, "openssl": argv or None} with skip lines."""
    out = {}
    setup = subprocess.run(["bash", os.path.join("tests", "oracle", "setup.sh")], cwd=REPO, capture_output=True,
                           text=True, timeout=600)
    if setup.returncode == 0:
        out["noble"] = (["node", "verify_avss.mjs"], os.path.join(REPO, "tests", "oracle"))
    else:
        print("SKIP avss/signatures (bls, eddsa, schnorr): %s" %
              ((setup.stderr.strip().splitlines() or ["setup.sh failed"])[-1]))
    probe = subprocess.run([sys.executable, os.path.join("tests", "oracle", "verify_avss_ec.py")], cwd=REPO,
                           input="", capture_output=True, text=True)
    if probe.returncode == 0:
        out["openssl"] = ([sys.executable, "verify_avss_ec.py"], os.path.join(REPO, "tests", "oracle"))
    else:
        print("SKIP avss/signatures (ecdsa): python3 module cryptography missing")
    return out


def tamper(hexsig):
    b = bytearray.fromhex(hexsig)
    # flip a bit of s (bytes 32..63 in every layout but BLS, whose
    # signature point is bytes 0..47: re-encode is impossible, so swap sig
    # and H(m), both G1 points)
    if len(b) == 192:
        b = b[144:192] + b[48:144] + b[0:48]
    else:
        b[40] ^= 1
    return b.hex()


def session_ports(sizes):
    """Distinct free ports for sessions over TLS that run at the same time,
    picked in one go (sessions picking their own at the same time could
    get the same port): one list per size."""
    sys.path.insert(0, os.path.join(REPO, "tests", "net"))
    import net_tests
    ports = net_tests.free_ports(sum(sizes))
    out = []
    for k in sizes:
        out.append(ports[:k])
        ports = ports[k:]
    return out


def recorded(fn, *args):
    """fn(*args) with its checks kept: returns (result, [check args])."""
    _records.checks = []
    try:
        return fn(*args), _records.checks
    finally:
        _records.checks = None


class Concurrent:
    """Starts every session at once; results() gives them back in order."""

    def __init__(self, pool):
        self.pool = pool
        self.futures = []

    def submit(self, fn, *args):
        self.futures.append(self.pool.submit(recorded, fn, *args))
        return len(self.futures) - 1

    def result(self, i):
        res, checks = self.futures[i].result()
        for c in checks:
            check(*c)
        return res


def main():
    global VERBOSE
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("-v", action="store_true")
    opts = ap.parse_args()
    VERBOSE = opts.v
    build = os.path.abspath(opts.build)
    vers = verifiers()
    lines = {}      # verifier -> [(what, "scheme hex")]
    with tempfile.TemporaryDirectory() as tmp, \
            concurrent.futures.ThreadPoolExecutor(max_workers=32) as pool:
        # every session is started first, then the results are taken in order
        jobs = Concurrent(pool)
        sessions = []
        for scheme, name, curve, ver in SCHEMES:
            if ver not in vers:
                continue
            prog = program(tmp, name, curve)
            runs = [(label, extra, 5, 1) for label, extra in FAULTS
                    if not label.startswith("silent") or scheme in SILENT_ON]
            runs = [(label, extra, n, t, None) for label, extra, n, t in runs]
            runs += [(label, extra, 7, 2, None) for s7, label, extra in SEVEN if s7 == scheme]
            runs += [(label, [], n, t, {"STOFFEL_AVSS_TEST_LATE_PROPOSAL": late})
                     for sl, label, n, t, late in LATE if sl == scheme]
            for label, extra, n, t, env in runs:
                sessions.append((scheme, ver, curve, label,
                                 jobs.submit(sign, build, prog, curve, extra, n, t, env)))
        if "openssl" in vers:
            kills = (("secp256k1", 5, 1, 2), ("p-256", 7, 2, 3))
            ports = session_ports([5] + [n for _, n, _, _ in kills])
            tls = jobs.submit(over_tls, build, tmp, program(tmp, "threshold_ecdsa.s", "secp256k1"), "secp256k1",
                              ports[0])
            killed = [(curve, n, jobs.submit(killed_in_keygen, build, tmp, program(tmp, "threshold_ecdsa.s", curve),
                                             curve, n, t, victim, p))
                      for (curve, n, t, victim), p in zip(kills, ports[1:])]
            certs = [(curve, jobs.submit(certificate, build, tmp, curve)) for curve in ("secp256k1", "p-256")]
        for scheme, ver, curve, label, job in sessions:
            what = "%s %s" % (scheme, label)
            sig, why = jobs.result(job)
            check(sig is not None, what + ": session returns a signature", why)
            if sig:
                lines.setdefault(ver, []).append((what, "%s %s" % (scheme if ver == "noble" else curve, sig)))
                if label == "honest":
                    lines[ver].append(("!" + what + " tampered",
                                       "%s %s" % (scheme if ver == "noble" else curve, tamper(sig))))
        if "openssl" in vers:
            sig = jobs.result(tls)
            if sig:
                lines.setdefault("openssl", []).append(("secp256k1 over TLS", "secp256k1 " + sig))
            # a party killed in the middle of its key dealing: the survivors
            # agree on the dealings without it (docs/avss.md)
            for curve, n, job in killed:
                sig = jobs.result(job)
                if sig:
                    lines["openssl"].append(("%s n=%d with a party killed in keygen" % (curve, n), curve + " " + sig))
            for curve, job in certs:
                line = jobs.result(job)
                if line:
                    lines.setdefault("openssl", []).append(("certificate sign " + curve, line))
    for ver, items in lines.items():
        argv, cwd = vers[ver]
        res = subprocess.run(argv, cwd=cwd, input="".join(l + "\n" for _, l in items), capture_output=True,
                             text=True, timeout=300)
        verdicts = res.stdout.strip().splitlines()
        check(len(verdicts) == len(items), "%s verifier answers every line" % ver, res.stderr[-300:])
        for (what, _), v in zip(items, verdicts):
            if what.startswith("!"):
                check(v.startswith("bad "), what[1:] + " is rejected by " + ver, v)
            else:
                check(v.startswith("ok "), what + " verifies with " + ver, v)
    print("%d passed, %d failed" % (PASSED, FAILED))
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Upstream's client-I/O flags and identity files over TLS, every node its
own stoffel-run process on 127.0.0.1 (free ephemeral ports):

  --outputs, --output-fixed-point-fractional-bits, --wait-for-clients,
  --client-input-count, --client-input-total, --expected-clients,
  --client-index (seats after discovery), keys and certificates in DER.

    python3 tests/net/client_io_tests.py --build build [--filter NAME]

Run by tests/run.py as the step "net/client-io"; uses the harness of
net_tests.py and prints its "N passed, M failed" line last.
"""
import re
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import net_tests  # noqa: E402
from net_tests import CTOKEN, LEADER_ENV, REPO, TOKEN, Session, expect, expect_result  # noqa: E402

HERE = os.path.join(REPO, "tests", "net")
SUB = os.path.join(REPO, "tests", "mpc", "client_sub_order.s")
FIXED = os.path.join(HERE, "fixed_double.s")


def run(build, args, timeout=30):
    return subprocess.run([os.path.join(build, "stoffel-run")] + args, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, timeout=timeout)


def wait_for_log(s, tag, text, count, limit=20.0):
    """Until tag's stderr holds text count times (the leader's log)."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        with open(s.path(tag + ".err")) as f:
            if f.read().count(text) >= count:
                return
        time.sleep(0.05)
    raise net_tests.Fail("%s never logged %r %d times" % (tag, text, count))


def t_fixed_point_outputs(build, tmp):
    """No manifest: a plain client prints 25.5 as --local-mpc does (the
    parties send each output's type with it; issue 12), and so does one with
    --output-fixed-point-fractional-bits 16; --outputs checks the
    result's size; the parties take --wait-for-clients, --client-input-count
    and --client-input-total."""
    local = run(build, [FIXED, "--local-mpc", "--n-parties", "4", "--inputs", "12.75,1,1"])
    expect(local.returncode == 0 and "Program returned: 25.5\n" in local.stdout, "--local-mpc: %r" % local.stdout)
    s = Session(build, tmp, "fixed", clients=3)
    for i in range(4):
        s.party(i, FIXED, "--wait-for-clients", "3", "--client-input-count", "1", "--client-input-total", "3")
    raw = str(int(12.75 * 65536))
    s.client(0, raw, "--output-fixed-point-fractional-bits", "16")
    s.client(1, raw, "--outputs", "2")
    s.client(2, raw, "--outputs", "1")
    res = s.wait()
    expect_result(res, ["c0"], "25.5")
    expect_result(res, ["c2"], "25.5")
    rc, _, e = res["c1"]
    expect(rc == 22 and "--outputs 2 but the result has 1 value" in e, "c1 should refuse a 1-value result", res)


def t_output_types_outvoted(build, tmp):
    """Each party sends the output's type with its share; one party (at most
    t) that sends another type is outvoted, the client still prints the
    fixed-point number.  The client decodes as soon as 2t+1 shares and
    t+1 alike types are in, so the odd party is named only when its types
    arrived by then: if anyone is named, it must be party 2."""
    s = Session(build, tmp, "types", clients=1)
    for i in range(4):
        s.party(i, FIXED, env={"STOFFEL_NET_TEST_WRONG_TYPES": "1"} if i == 2 else None)
    s.client(0, "12.75", FIXED)
    res = s.wait()
    expect_result(res, ["c0"], "25.5")
    _, _, e = res["c0"]
    named = re.findall(r"party (\d+) sent other output types", e)
    expect(named in ([], ["2"]), "only party 2 may be named as outvoted", res)


def t_party_client_flags(build, tmp):
    """--wait-for-clients / --client-input-total / --expected-clients that
    contradict the roster stop a party before it connects (exit 2)."""
    s = Session(build, tmp, "flags", clients=2)
    s.keygen("other", "--client", "9")
    base = [SUB, "--party-id", "0", "--roster", s.roster, "--key", s.path("p0.key"), "--cert", s.path("p0.crt")]
    cases = [
        (["--wait-for-clients", "3"], "--wait-for-clients 3 but the roster lists 2 clients"),
        (["--client-input-total", "3"], "--client-input-total 3 but the 2 clients' inputs add up to 2"),
        (["--client-input-count", "2", "--client-input-total", "3"], "add up to 4 (--client-input-count each)"),
        (["--expected-clients", s.path("c1.crt") + "," + s.path("c0.crt")],
         "--expected-clients entry 1 is not the key of the roster's client 0"),
        (["--expected-clients", s.path("c0.crt")], "--expected-clients lists 1 clients but the roster 2"),
        (["--expected-clients", s.path("c0.crt") + "," + s.path("nope.crt")], "--expected-clients entry 2: cannot read"),
        (["--wait-for-clients", "0"], "--wait-for-clients count must be greater than 0"),
        (["--client-input-count", "0"], "--client-input-count must be greater than 0"),
        (["--outputs", "1"], "--outputs is for clients (--client)"),
    ]
    for extra, want in cases:
        r = run(build, base + extra)
        expect(r.returncode == 2 and want in r.stderr, "%s: want %r, got exit %d %r" % (extra, want, r.returncode,
                                                                                     r.stderr))
    r = run(build, ["--client", "--roster", s.roster, "--key", s.path("c0.key"), "--cert", s.path("c0.crt"),
                    "--output-fixed-point-fractional-bits", "63"])
    expect(r.returncode == 2 and "--output-fixed-point-fractional-bits must be <= 62" in r.stderr, r.stderr)
    r = run(build, ["--client", "--client-index", "0", "--roster", s.roster, "--key", s.path("c0.key"),
                    "--cert", s.path("c0.crt")])
    expect(r.returncode == 2 and "either provide --inputs" in r.stderr and "--outputs <N>" in r.stderr, r.stderr)
    # with discovery too, before the client takes (and wastes) a seat
    r = run(build, ["--client", "--bootstrap", "127.0.0.1:%d" % s.ports[0], "--key", s.path("c0.key"),
                    "--cert", s.path("c0.crt"), "--connect-timeout-ms", "20000"])
    expect(r.returncode == 2 and "either provide --inputs" in r.stderr, r.stderr)
    r = run(build, ["--client", "--client-index", "1", "--client-id", "0", "--inputs", "1", "--roster", s.roster,
                    "--key", s.path("c0.key"), "--cert", s.path("c0.crt")])
    expect(r.returncode == 2 and "--client-index 1 and --client-id 0 disagree" in r.stderr, r.stderr)


def t_client_index_discovery(build, tmp):
    """Discovery: a client's --client-index decides its seat, not the order
    it registered in (client_sub_order.s returns seat 0 - seat 1); a claim out of
    range or taken already is refused (exit 25); a client that claims no
    seat fills a free one; every client says its id."""
    s = Session(build, tmp, "seats", clients=2)
    s.keygen("dup", "--client", "0")
    s.keygen("far", "--client", "0")
    leader = "127.0.0.1:%d" % s.ports[0]
    pin = ["--leader-key-id", s.leader_pin()]
    s.start("p0", [SUB, "--leader", "--bind", leader, "--n-parties", "4", "--wait-for-clients", "2",
                   "--connect-timeout-ms", "30000", "--insecure-any-party-key"], env=LEADER_ENV, roster=False)
    # c0 registers first but claims seat 1; the refused ones come before c1
    s.start("c0", ["--client", "--bootstrap", leader, *pin, "--inputs", "10", "--client-index", "1"], env=CTOKEN,
            roster=False)
    wait_for_log(s, "p0", "client registered from", 1)
    for tag, idx in (("dup", "1"), ("far", "2")):
        p = s.start(tag, ["--client", "--bootstrap", leader, *pin, "--inputs", "1", "--client-index", idx], env=CTOKEN,
                    roster=False)
        p.wait(timeout=30)
    # c1 claims nothing: it fills the free seat 0
    s.start("c1", ["--client", "--bootstrap", leader, *pin, "--inputs", "3"], env=CTOKEN, roster=False)
    for i in (1, 2, 3):
        s.start("p%d" % i, [SUB, "--bootstrap", leader, *pin, "--bind", "127.0.0.1:%d" % s.ports[i],
                            "--wait-for-clients", "2"], env=TOKEN, roster=False)
    res = s.wait()
    expect_result(res, ["c0", "c1"], "-7")
    expect("warning: --insecure-any-party-key" in res["p0"][2], "a leader seating any key is warned", res)
    expect("registered as client 1" in res["c0"][2] and "registered as client 0" in res["c1"][2],
           "each client should say the id it got", res)
    expect(res["dup"][0] == 25 and "duplicate reserved index 1" in res["dup"][2], "a taken seat is refused", res)
    expect(res["far"][0] == 25 and "--client-index 2 exceeds expected input capacity 2" in res["far"][2],
           "a seat out of range is refused", res)


def t_expected_clients(build, tmp):
    """--expected-clients at the leader: only the listed keys get in, each in
    its listed seat whatever the registration order."""
    s = Session(build, tmp, "expected", clients=2)
    s.keygen("stranger", "--client", "0")
    leader = "127.0.0.1:%d" % s.ports[0]
    pin = ["--leader-key-id", s.leader_pin()]
    s.start("p0", [SUB, "--leader", "--bind", leader, "--n-parties", "4", "--connect-timeout-ms", "30000",
                   "--expected-clients", s.path("c0.crt") + "," + s.path("c1.crt"), "--party-keys", s.party_keys()],
            env=LEADER_ENV, roster=False)
    p = s.start("stranger", ["--client", "--bootstrap", leader, *pin, "--inputs", "1"], env=CTOKEN, roster=False)
    p.wait(timeout=30)
    s.start("c1", ["--client", "--bootstrap", leader, *pin, "--inputs", "3"], env=CTOKEN, roster=False)
    wait_for_log(s, "p0", "client registered from", 1)
    s.start("c0", ["--client", "--bootstrap", leader, *pin, "--inputs", "10"], env=CTOKEN, roster=False)
    for i in (1, 2, 3):
        s.start("p%d" % i, [SUB, "--bootstrap", leader, *pin, "--bind", "127.0.0.1:%d" % s.ports[i]], env=TOKEN,
                roster=False)
    res = s.wait()
    expect_result(res, ["c0", "c1"], "7")
    expect(res["stranger"][0] == 25 and "not one of --expected-clients" in res["stranger"][2],
           "an unlisted key is refused", res)


class DerSession(Session):
    """Every node's key and certificate in DER (stoffel-keygen --der)."""

    def keygen(self, name, *args):
        return Session.keygen(self, name, "--der", *args)


def t_der_identity(build, tmp):
    """A whole session on DER keys and certificates (as upstream writes
    them); bad identity files are named with what is wrong."""
    s = DerSession(build, tmp, "der", clients=2)
    with open(s.path("p0.key"), "rb") as f:
        head = f.read(2)
    expect(head[0] == 0x30, "stoffel-keygen --der should write a DER key")
    for i in range(4):
        s.party(i, SUB)
    s.client(0, "10")
    s.client(1, "3")
    res = s.wait()
    expect_result(res, ["c0", "c1"], "7")
    kid = subprocess.run([os.path.join(build, "stoffel-keygen"), "--key-id", s.path("c0.crt")],
                         stdout=subprocess.PIPE, text=True, timeout=30).stdout.strip()
    expect(kid and kid in s.lines[4], "--key-id of a DER certificate: %r" % kid)
    s.write("garbage.key", "not a key at all\n")
    with open(s.path("trailing.crt"), "wb") as f, open(s.path("p0.crt"), "rb") as g:
        f.write(g.read() + b"\0")
    base = [SUB, "--party-id", "0", "--roster", s.roster]
    cases = [
        (["--key", s.path("p0.crt"), "--cert", s.path("p0.crt")], "holds a certificate, not a private key"),
        (["--key", s.path("p0.key"), "--cert", s.path("p0.key")], "holds a private key, not a certificate"),
        (["--key", s.path("garbage.key"), "--cert", s.path("p0.crt")], "is neither a PEM nor a DER private key"),
        (["--key", s.path("p1.key"), "--cert", s.path("p0.crt")], "does not belong to certificate"),
        (["--key", s.path("p0.key"), "--cert", s.path("trailing.crt")], "has 1 bytes after its DER certificate"),
        (["--key", s.path("missing.key"), "--cert", s.path("p0.crt")], "No such file"),
    ]
    for extra, want in cases:
        r = run(build, base + extra)
        file_named = extra[1] if "key" in want or "No such" in want else extra[3]
        expect(r.returncode == 2 and want in r.stderr and os.path.basename(file_named) in r.stderr,
               "%s: want %r, got exit %d %r" % (extra, want, r.returncode, r.stderr))


TESTS = [t_party_client_flags, t_fixed_point_outputs, t_output_types_outvoted, t_client_index_discovery, t_expected_clients, t_der_identity]

if __name__ == "__main__":
    net_tests.TESTS[:] = TESTS
    sys.exit(net_tests.main())

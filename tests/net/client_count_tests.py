#!/usr/bin/env python3
"""Client input counts without a manifest (issue 12): every node its own
stoffel-run process on 127.0.0.1 (free ephemeral ports), over TLS.

  - each client's count is what its hello declares, agreed on by the
    parties (reliable broadcast of what each party saw);
  - a client that declares different counts to different parties is refused
    and named, and no node hangs;
  - a client without inputs (0 declared) only receives the result, with a
    fixed roster and with --leader / --bootstrap.

    python3 tests/net/client_count_tests.py --build build [--filter NAME]

Run by tests/run.py as the step "net/client-counts"; uses the harness of
net_tests.py and prints its "N passed, M failed" line last.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import net_tests  # noqa: E402
from net_tests import CTOKEN, LEADER_ENV, REPO, TOKEN, Session, expect, expect_result  # noqa: E402

PROG = os.path.join(REPO, "tests", "net", "client_counts.s")
# (100 - 7) + (1000 + 20 - 3): wrong counts or a shifted input give another number
C0, C1, WANT = "100,7", "1000,20,3", "1110"


def t_declared_counts(build, tmp):
    """No manifest, no --client-input-count: client 0 has 2 inputs, client 1
    has 3, client 2 none (--outputs 1); all three get the result."""
    s = Session(build, tmp, "declared", clients=3)
    for i in range(4):
        s.party(i, PROG)
    s.client(0, C0)
    s.client(1, C1)
    s.start("c2", ["--client", "--client-id", "2", "--outputs", "1"])
    res = s.wait()
    expect_result(res, ["c0", "c1", "c2"], WANT)
    for i in range(4):
        rc, o, _ = res["p%d" % i]
        expect(rc == 0 and "sent to 3 clients" in o, "party %d should deliver to 3 clients" % i, res)


def t_explicit_count_wins(build, tmp):
    """--client-input-count still decides: a client with 3 inputs is
    refused up front when the parties expect 2 from each."""
    s = Session(build, tmp, "explicit", clients=2)
    for i in range(4):
        s.party(i, PROG, "--client-input-count", "2", "--connect-timeout-ms", "20000")
    s.client(0, C0, "--connect-timeout-ms", "20000")
    s.client(1, C1, "--connect-timeout-ms", "20000")
    res = s.wait()
    rc, _, err = res["c1"]
    expect(rc not in (0, None) and "expects 2 inputs from client 1, but this client has 3" in err,
           "client 1 should be told that the parties expect 2 inputs", res)
    for i in range(4):
        expect(res["p%d" % i][0] not in (0, None), "party %d should not run the session" % i, res)


def t_lying_client(build, tmp):
    """Client 1 has 3 inputs but declares 2 to party 3 (a test hook): the
    parties see it in the broadcast counts, name it and stop; client 1 is
    told it was refused; nobody waits out a timeout."""
    s = Session(build, tmp, "lying", clients=3)
    for i in range(4):
        s.party(i, PROG)
    s.client(0, C0)
    s.start("c1", ["--client", "--client-id", "1", "--inputs", C1], env={"STOFFEL_NET_TEST_DECLARE": "3:2"})
    s.start("c2", ["--client", "--client-id", "2", "--outputs", "1"])
    res = s.wait(limit=40)
    named = "client 1 declared different input counts to different parties (3 to parties 0, 1, 2; 2 to party 3)"
    for i in range(4):
        rc, _, err = res["p%d" % i]
        expect(rc == 13 and named in err, "party %d should refuse client 1, naming what it declared" % i, res)
    rc, _, err = res["c1"]
    expect(rc == 22 and "parties refused this client: it declared different input counts" in err,
           "client 1 should be told it was refused", res)
    for c in (0, 2):
        rc, _, err = res["c%d" % c]
        # whether it was still connecting when the parties left decides which message
        expect(rc in (21, 22) and ("every party" in err or "left before every node had connected" in err),
               "client %d should fail once the parties have left" % c, res)


def t_output_only_discovery(build, tmp):
    """--leader / --bootstrap, no manifest: seats by --client-index, counts
    declared (2, 3 and an output-only client with 0)."""
    s = Session(build, tmp, "discovery", clients=3)
    leader = "127.0.0.1:%d" % s.ports[0]
    pin = ["--leader-key-id", s.leader_pin()]
    s.start("p0", [PROG, "--leader", "--bind", leader, "--n-parties", "4", "--wait-for-clients", "3",
                   "--insecure-any-party-key"], env=LEADER_ENV, roster=False)
    for i in (1, 2, 3):
        s.start("p%d" % i, [PROG, "--bootstrap", leader, *pin, "--bind", "127.0.0.1:%d" % s.ports[i]], env=TOKEN,
                roster=False)
    s.start("c2", ["--client", "--bootstrap", leader, *pin, "--client-index", "2", "--outputs", "1"], env=CTOKEN,
            roster=False)
    s.start("c1", ["--client", "--bootstrap", leader, *pin, "--client-index", "1", "--inputs", C1], env=CTOKEN,
            roster=False)
    s.start("c0", ["--client", "--bootstrap", leader, *pin, "--client-index", "0", "--inputs", C0], env=CTOKEN,
            roster=False)
    res = s.wait()
    expect_result(res, ["c0", "c1", "c2"], WANT)
    expect("registered as client 2" in res["c2"][2], "the output-only client should get seat 2", res)


def t_program_broadcasts_after_agreement(build, tmp):
    """The agreement is each party's first reliable broadcast: the
    program's own Rbc.broadcast / Rbc.receive (rbc_all.s) still get every
    party's message, in order."""
    s = Session(build, tmp, "rbc", clients=1)
    prog = os.path.join(REPO, "tests", "mpc", "rbc_all.s")
    for i in range(4):
        s.party(i, prog)
    s.client(0, "5,6")
    res = s.wait()
    for i in range(4):
        rc, o, _ = res["p%d" % i]
        expect(rc == 0 and 'Program returned: "p0;p1;p2;p3;"' in o, "party %d: broadcasts" % i, res)


TESTS = [t_declared_counts, t_explicit_count_wins, t_lying_client, t_output_only_discovery,
         t_program_broadcasts_after_agreement]

if __name__ == "__main__":
    net_tests.TESTS[:] = TESTS
    sys.exit(net_tests.main())

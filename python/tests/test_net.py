"""Networked sessions from Python (issue 21): stoffel.Client / stoffel.Party
with stoffel-run processes on 127.0.0.1, upstream's SDK shapes, and a
client whose key the roster does not list.  Every wait is bounded."""
import asyncio
import os
import socket
import subprocess
import sys

import pytest

import stoffel

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
PROG = os.path.join(ROOT, "examples", "client_mul.s")
BUILD = os.path.dirname(os.environ.get("STOFFEL_LIB", os.path.join(ROOT, "build", "libstoffel_vm.so")))
RUN = os.path.join(BUILD, "stoffel-run")
WAITS = dict(connect_timeout_ms=30000, timeout_ms=30000)

pytestmark = pytest.mark.skipif(not os.path.exists(RUN), reason="stoffel-run not built")


def free_ports(k):
    socks = [socket.socket() for _ in range(k)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def deployment(tmp_path, n=4, clients=2):
    lines = []
    for i, port in enumerate(free_ports(n)):
        kid = stoffel.keygen(tmp_path / ("p%d.key" % i), tmp_path / ("p%d.crt" % i), "party %d" % i)
        lines.append("party %d 127.0.0.1:%d %s" % (i, port, kid))
    for c in range(clients):
        kid = stoffel.keygen(tmp_path / ("c%d.key" % c), tmp_path / ("c%d.crt" % c), "client %d" % c)
        lines.append("client %d %s" % (c, kid))
    roster = tmp_path / "roster"
    roster.write_text("\n".join(lines) + "\n")
    return roster


def cli_party(tmp_path, roster, i):
    return subprocess.Popen([RUN, PROG, "--party-id", str(i), "--roster", str(roster), "--threshold", "1",
                             "--key", str(tmp_path / ("p%d.key" % i)), "--cert", str(tmp_path / ("p%d.crt" % i))],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(procs):
    outs = []
    for p in procs:
        try:
            out, err = p.communicate(timeout=90)
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
        outs.append((p.returncode, out, err))
    return outs


def py_client(tmp_path, roster, c):
    return stoffel.Client(c, roster=roster, key=tmp_path / ("c%d.key" % c), cert=tmp_path / ("c%d.crt" % c),
                          threshold=1, **WAITS)


def test_cli_parties_and_two_python_clients(tmp_path):
    roster = deployment(tmp_path)
    parties = [cli_party(tmp_path, roster, i) for i in range(4)]

    async def both():
        c0 = py_client(tmp_path, roster, 0)
        return await asyncio.gather(c0.run_async([15]), py_client(tmp_path, roster, 1).run_async([25]))

    try:
        results = asyncio.run(asyncio.wait_for(both(), 120))
    finally:
        outs = finish(parties)
    assert results == [375, 375]
    for rc, out, err in outs:
        assert rc == 0, err
        assert "Program returned a secret share: sent to 2 clients" in out


def test_python_party_joins_three_cli_parties(tmp_path):
    roster = deployment(tmp_path)
    parties = [cli_party(tmp_path, roster, i) for i in (0, 1, 3)]
    stages = []
    party = stoffel.Party(PROG, party_id=2, roster=roster, key=tmp_path / "p2.key", cert=tmp_path / "p2.crt",
                          threshold=1, progress=stages.append, **WAITS)
    clients = [subprocess.Popen([RUN, "--client", "--client-id", str(c), "--inputs", str(x), "--roster", str(roster),
                                 "--threshold", "1", "--key", str(tmp_path / ("c%d.key" % c)),
                                 "--cert", str(tmp_path / ("c%d.crt" % c))],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for c, x in ((0, 15), (1, 25))]
    try:
        assert party.run() is None          # the result is secret: it went to the clients
    finally:
        outs = finish(parties + clients)
    assert party.values_per_client == 1
    assert stages[:3] == ["connected", "preprocessing", "online"]
    for rc, out, err in outs[3:]:
        assert rc == 0, err
        assert "Program returned: 375" in out
    for rc, _, err in outs[:3]:
        assert rc == 0, err


def test_client_key_not_in_roster_is_refused(tmp_path):
    roster = deployment(tmp_path, clients=1)
    stoffel.keygen(tmp_path / "stranger.key", tmp_path / "stranger.crt", "client 0")
    client = stoffel.Client(0, roster=roster, key=tmp_path / "stranger.key", cert=tmp_path / "stranger.crt",
                            threshold=1, connect_timeout_ms=5000, timeout_ms=5000)
    with pytest.raises(stoffel.NetworkError) as e:
        client.run([15])
    assert e.value.code == 24               # stoffel-run's client identity error
    assert "roster" in str(e.value) and "client 0" in str(e.value)


def test_party_errors_come_back_with_the_code(tmp_path):
    roster = deployment(tmp_path)
    party = stoffel.Party(PROG, party_id=7, roster=roster, key=tmp_path / "p0.key", cert=tmp_path / "p0.crt",
                          threshold=1)
    with pytest.raises(stoffel.NetworkError) as e:
        party.run()
    assert e.value.code == 2
    assert "--party-id must be in 0..3" in str(e.value)


def test_upstream_sdk_shapes_loopback():
    runtime = stoffel.Stoffel.compile_file(PROG).parties(4).threshold(1).clients(2).build()
    servers = [runtime.server(p).with_option(**WAITS).build().start() for p in range(4)]

    async def clients():
        cs = [await runtime.client(c).with_inputs([x]).with_option(**WAITS).connect() for c, x in ((0, 15), (1, 25))]
        return await asyncio.gather(*(c.run_async() for c in cs))

    assert asyncio.run(asyncio.wait_for(clients(), 120)) == [375, 375]
    for s in servers:
        assert s.run_forever(timeout=90) is None


def test_typed_fixed_point_output(tmp_path):
    """A fixed-point result of a program without a manifest comes back to
    a client as a float, as --local-mpc prints it."""
    src = os.path.join(ROOT, "tests", "net", "fixed_double.s")
    if not os.path.exists(src):
        pytest.skip("tests/net/fixed_double.s absent")
    runtime = stoffel.Stoffel.compile_file(src).parties(4).threshold(1).clients(1).build()
    servers = [runtime.server(p).with_option(**WAITS).build().start() for p in range(4)]
    client = runtime.client(0).with_option(**WAITS).with_inputs([1.25]).connect()
    result = client.run()
    for s in servers:
        s.run_forever(timeout=90)
    assert isinstance(result, float) and result == 2.5

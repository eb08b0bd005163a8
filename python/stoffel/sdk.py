"""Upstream's Python SDK shapes (Stoffel-Labs/stoffel-python-sdk) over
stoffel.Party and stoffel.Client, working for real.

Upstream's shapes name servers by address only; a secure session also
needs the roster (every node's address and key) and this node's key and
certificate.  The builders take them with extra methods, documented in
docs/embedding.md:

    client = StoffelClient.builder().with_servers(["127.0.0.1:9001", ...]) \\
        .with_roster("roster").with_identity("c0.key", "c0.crt").with_client_id(0) \\
        .with_threshold(1).connect()
    result = client.run([42])                   # or: await client.run_async([42])

    server = StoffelServer.builder(0).bind("127.0.0.1:9001").with_program("prog.s") \\
        .with_roster("roster").with_identity("p0.key", "p0.crt").with_threshold(1).build()
    server.start()                              # a background thread
    server.run_forever()                        # waits for the session's end

    runtime = Stoffel.compile(src).parties(4).threshold(1).clients(2).build()
    runtime.server(0).build().start() ...       # a loopback deployment it set up
    runtime.client(0).with_inputs([15]).build().run()
"""

import ctypes
import os
import socket
import tempfile
import threading

from . import _lib
from .net import Client, NetworkError, Party, keygen
from .program import StoffelProgram
from .vm import LoadError


class _Identity:
    def __init__(self):
        self.opts = {}

    def with_roster(self, roster):
        """The roster file (stoffel-keygen lines: every node's address and key)."""
        self.opts["roster"] = roster
        return self

    def with_identity(self, key, cert):
        """This node's key and certificate (the ones the roster lists)."""
        self.opts["key"], self.opts["cert"] = key, cert
        return self

    def with_threshold(self, t):
        self.opts["threshold"] = t
        return self

    def with_instance_id(self, instance_id):
        """A session label mixed into the instance id (all nodes give the same)."""
        self.opts["session"] = str(instance_id)
        return self

    def with_option(self, **options):
        """Any stoffel.Party / stoffel.Client option (timeout_ms, curve, ...)."""
        self.opts.update(options)
        return self


class StoffelClientBuilder(_Identity):
    def __init__(self):
        super().__init__()
        self.client_id = None
        self.inputs = []
        self.program = None

    def with_servers(self, servers):
        """The parties' addresses in order, checked against the roster."""
        self.opts["servers"] = ",".join(servers)
        return self

    def with_client_id(self, client_id):
        self.client_id = client_id
        return self

    def with_program(self, program):
        """The program, for its manifest (declared input and output types)."""
        self.program = program
        return self

    def with_inputs(self, inputs):
        self.inputs = list(inputs)
        return self

    def connect(self):
        """The client (awaitable too, as upstream's `await ...connect()`).
        Connecting happens in run(): a session starts when every node is in."""
        return StoffelClient(Client(self.client_id, program=self.program, **self.opts), self.inputs)

    build = connect


class StoffelClient:
    """Upstream's client: `await StoffelClient.builder()...connect()` then
    `await client.run_async([...])` (or the blocking `client.run([...])`)."""

    def __init__(self, client, inputs=()):
        self.client = client
        self.inputs = list(inputs)

    @staticmethod
    def builder():
        return StoffelClientBuilder()

    def __await__(self):
        return self._self().__await__()

    async def _self(self):
        return self

    def run(self, inputs=None):
        return self.client.run(self.inputs if inputs is None else inputs)

    async def run_async(self, inputs=None):
        return await self.client.run_async(self.inputs if inputs is None else inputs)

    execute_with_inputs = run_async


class StoffelServerBuilder(_Identity):
    def __init__(self, party_id):
        super().__init__()
        self.party_id = party_id
        self.program = None

    def bind(self, addr):
        """Listen here instead of the roster's address for this party."""
        self.opts["bind"] = addr
        return self

    def with_peers(self, peers):
        """Every party's address in order (this one's too), checked against
        the roster: the roster, not this list, says whom to trust."""
        self.opts["servers"] = ",".join(peers)
        return self

    def with_program(self, program):
        self.program = program
        return self

    def with_preprocessing(self, triples=None, randoms=None):
        """Accepted for upstream's code: the amounts come from the program's
        manifest (what it will use), so these numbers are not needed."""
        return self

    def with_preprocessing_start_time(self, _t):
        return self

    def build(self):
        if self.program is None:
            raise ValueError("StoffelServer needs the program: .with_program(path)")
        return StoffelServer(Party(self.program, self.party_id, **self.opts))


class StoffelServer:
    """Upstream's server: start() runs the party in a background thread,
    run_forever() waits for its session to end and returns its result."""

    def __init__(self, party):
        self.party = party
        self._thread = None
        self._error = None
        self.result = None

    @staticmethod
    def builder(party_id):
        return StoffelServerBuilder(party_id)

    def _run(self):
        try:
            self.result = self.party.run()
        except Exception as e:   # handed to run_forever's caller
            self._error = e

    def start(self):
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="stoffel-party", daemon=True)
            self._thread.start()
        return self

    def run_forever(self, timeout=None):
        """Waits for the session (at most `timeout` seconds; TimeoutError
        then).  Returns the clear result, or None when it went to clients."""
        self.start()
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise TimeoutError("the party's session is still running")
        if self._error:
            raise self._error
        return self.result

    def join(self, timeout=None):
        return self.run_forever(timeout)


def _free_ports(k):
    socks = [socket.socket() for _ in range(k)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


class StoffelRuntime:
    """A program with its session's shape.  Without a roster it sets up a
    loopback deployment (keys, certificates and a roster in a temporary
    directory, free ports on 127.0.0.1): every server and client of it can
    run in this machine's processes or threads."""

    def __init__(self, program_path, n, t, clients, roster=None, identities=None, instance_id=None):
        self.n, self.t, self.n_clients = n, t, clients
        self._program = StoffelProgram(program_path)
        self._tmp = None
        self.roster, self.identities = roster, dict(identities or {})
        self.instance_id = instance_id
        if roster is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="stoffel-runtime-")
            lines = []
            for i, port in enumerate(_free_ports(n)):
                key_id = self._ident("p%d" % i, "party %d" % i)
                lines.append("party %d 127.0.0.1:%d %s" % (i, port, key_id))
            for c in range(clients):
                lines.append("client %d %s" % (c, self._ident("c%d" % c, "client %d" % c)))
            self.roster = os.path.join(self._tmp.name, "roster")
            with open(self.roster, "w") as f:
                f.write("\n".join(lines) + "\n")

    def _ident(self, name, node):
        key, cert = (os.path.join(self._tmp.name, name + ext) for ext in (".key", ".crt"))
        key_id = keygen(key, cert, name)
        self.identities[node] = (key, cert)
        return key_id

    def program(self):
        return self._program

    def _fill(self, builder, node):
        builder.with_roster(self.roster).with_threshold(self.t)
        if node in self.identities:
            builder.with_identity(*self.identities[node])
        if self.instance_id is not None:
            builder.with_instance_id(self.instance_id)
        return builder

    def server(self, party_id):
        """A StoffelServerBuilder for party `party_id`, filled in."""
        return self._fill(StoffelServer.builder(party_id).with_program(self._program.path), "party %d" % party_id)

    node = server

    def client(self, client_id):
        """A StoffelClientBuilder for client `client_id`, filled in."""
        b = StoffelClient.builder().with_client_id(client_id).with_program(self._program.path)
        return self._fill(b, "client %d" % client_id)


class StoffelBuilder:
    def __init__(self, program_path):
        self._path, self._n, self._t, self._clients = program_path, 4, 1, 1
        self._roster, self._identities, self._instance = None, None, None

    def parties(self, n):
        self._n = n
        return self

    def threshold(self, t):
        self._t = t
        return self

    def clients(self, k):
        """How many clients the loopback deployment has (default 1)."""
        self._clients = k
        return self

    def instance_id(self, i):
        self._instance = i
        return self

    def network(self, roster, identities):
        """A real deployment: the roster file and {"party 0": (key, cert),
        "client 1": (key, cert), ...} for the nodes this process runs."""
        self._roster, self._identities = roster, identities
        return self

    def build(self):
        if self._n < 3 * self._t + 1:
            raise ValueError("%d parties are too few for threshold %d (need n >= 3t+1)" % (self._n, self._t))
        return StoffelRuntime(self._path, self._n, self._t, self._clients, self._roster, self._identities,
                              self._instance)


class Stoffel:
    """Upstream's entry: Stoffel.compile(src) / compile_file(path) / load(bytes)."""

    _tmp = []

    @classmethod
    def _write(cls, name, data):
        d = tempfile.TemporaryDirectory(prefix="stoffel-")
        cls._tmp.append(d)   # kept while the process lives: the parties hash the file
        path = os.path.join(d.name, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    @classmethod
    def compile(cls, source, filename="program.stfl"):
        lib = _lib.lib()
        lib.stoffel_compile_to_binary.restype = ctypes.c_int
        lib.stoffel_compile_to_binary.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p),
                                                  ctypes.POINTER(ctypes.c_size_t), ctypes.POINTER(ctypes.c_void_p)]
        out, n, err = ctypes.c_void_p(), ctypes.c_size_t(), ctypes.c_void_p()
        rc = lib.stoffel_compile_to_binary(source.encode(), filename.encode(), ctypes.byref(out), ctypes.byref(n),
                                           ctypes.byref(err))
        try:
            if rc != 0:
                raise LoadError(ctypes.string_at(err.value).decode() if err.value else "compilation failed", result=rc)
            data = ctypes.string_at(out.value, n.value)
        finally:
            lib.stoffel_free_text(out.value)
            lib.stoffel_free_text(err.value)
        return StoffelBuilder(cls._write(os.path.splitext(os.path.basename(filename))[0] + ".stflb", data))

    @classmethod
    def compile_file(cls, path):
        return StoffelBuilder(StoffelProgram(path).compile() if str(path).endswith(".stfl") else str(path))

    @classmethod
    def load(cls, data):
        return StoffelBuilder(cls._write("program.stflb", bytes(data)))


__all__ = ["Stoffel", "StoffelRuntime", "StoffelClient", "StoffelServer", "NetworkError"]

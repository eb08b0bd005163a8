"""Networked sessions from Python: stoffel.Party and stoffel.Client over the
C handles of include/stoffel.h (stoffel_party_*, stoffel_client_*).

    party = Party("prog.s", party_id=0, roster="roster", key="p0.key", cert="p0.crt", threshold=1)
    party.run()                        # blocks until the session ends

    client = Client(client_id=0, roster="roster", key="c0.key", cert="c0.crt", threshold=1)
    print(client.run([15]))            # inputs in, the reconstructed result out

`run_async()` does the same from asyncio: the C call runs in a worker
thread, and ctypes releases the GIL while it waits on the network, so the
event loop and other Python threads keep running.  Errors raise NetworkError
with the stoffel-run exit code (`code`) and its message (the peer named).
docs/embedding.md.
"""

import asyncio
import ctypes
import os
from ctypes import (CFUNCTYPE, POINTER, Structure, c_char_p, c_double, c_int, c_int64, c_size_t, c_uint32,
                    c_uint64, c_void_p)

from . import _lib
from .vm import StoffelError

PROGRESSFN = CFUNCTYPE(None, c_void_p, c_char_p)
INT, FIXED, BOOL, FIELD = 0, 1, 2, 3


class NetworkError(StoffelError):
    """A networked run failed: `code` is stoffel-run's exit code (2 bad
    configuration, 3 bad program, 4 execution, 11-13 party setup, 21-25
    client), the message what stoffel-run prints."""

    def __init__(self, message, code):
        super().__init__(message, result=code)
        self.code = code


class NetOptions(Structure):
    """StoffelNetOptions (include/stoffel.h), field for field."""
    _fields_ = [
        ("program_path", c_char_p), ("entry", c_char_p),
        ("roster_path", c_char_p), ("key_path", c_char_p), ("cert_path", c_char_p),
        ("client", c_int), ("party_id", c_int64), ("client_id", c_int64),
        ("n_parties", c_uint32), ("threshold", c_uint32), ("curve", c_char_p),
        ("inputs_per_client", c_uint32), ("inputs", c_char_p), ("bind", c_char_p), ("session", c_char_p),
        ("timeout_ms", c_int), ("connect_timeout_ms", c_int), ("roster_text", c_char_p), ("servers", c_char_p),
        ("leader", c_int), ("bootstrap", c_char_p), ("leader_key_id", c_char_p), ("n_clients", c_uint32),
        ("local_store", c_char_p), ("preproc_store", c_char_p), ("backend", c_char_p),
        ("outputs", c_uint32), ("output_fixed_point", c_int), ("output_frac_bits", c_uint32),
        ("wait_for_clients", c_uint32), ("client_input_total", c_uint32), ("expected_clients", c_char_p),
        ("has_client_index", c_int), ("client_index", c_uint32),
        ("cost_report", c_void_p), ("progress", c_void_p),
        ("max_call_depth", c_uint32), ("instruction_budget", c_uint64), ("heap_limit", c_size_t),
        ("insecure_no_leader_pin", c_int),
    ]


class NetValue(Structure):
    _fields_ = [("kind", c_int), ("i", c_int64), ("d", c_double), ("bytes", c_void_p), ("text", c_char_p)]


_declared = False


def _api():
    global _declared
    lib = _lib.lib()
    if not _declared:
        def fn(name, restype, *argtypes):
            f = getattr(lib, name)
            f.restype = restype
            f.argtypes = list(argtypes)
        h, opts = c_void_p, POINTER(NetOptions)
        fn("stoffel_program_read", c_int, c_char_p, POINTER(c_void_p), POINTER(c_void_p))
        fn("stoffel_program_free", None, c_void_p)
        fn("stoffel_party_new", c_int, c_void_p, opts, POINTER(c_void_p), POINTER(c_void_p))
        fn("stoffel_party_set_progress", None, h, PROGRESSFN, c_void_p)
        fn("stoffel_party_run", c_int, h)
        fn("stoffel_party_error", c_char_p, h)
        fn("stoffel_party_id", c_int64, h)
        fn("stoffel_party_result", c_char_p, h, POINTER(c_size_t), POINTER(c_uint32))
        fn("stoffel_party_free", None, h)
        fn("stoffel_client_new", c_int, c_void_p, opts, POINTER(c_void_p), POINTER(c_void_p))
        fn("stoffel_client_add_int", c_int, h, c_int64)
        fn("stoffel_client_add_fixed", c_int, h, c_double)
        fn("stoffel_client_add_bool", c_int, h, c_int)
        fn("stoffel_client_set_progress", None, h, PROGRESSFN, c_void_p)
        fn("stoffel_client_run", c_int, h)
        fn("stoffel_client_error", c_char_p, h)
        fn("stoffel_client_id", c_int64, h)
        fn("stoffel_client_batch_count", c_size_t, h)
        fn("stoffel_client_value_count", c_size_t, h, c_size_t)
        fn("stoffel_client_batch_text", c_char_p, h, c_size_t)
        fn("stoffel_client_value", c_int, h, c_size_t, c_size_t, POINTER(NetValue))
        fn("stoffel_client_free", None, h)
        fn("stoffel_net_keygen", c_int, c_char_p, c_char_p, c_char_p, ctypes.c_char * 65, POINTER(c_void_p))
        _declared = True
    return lib


def _take_text(lib, ptr):
    try:
        return ctypes.string_at(ptr.value).decode() if ptr.value else ""
    finally:
        lib.stoffel_free_text(ptr.value)


def _message(text):
    """stoffel-run's stderr text as an exception message."""
    text = text.strip()
    return text[7:] if text.startswith("Error: ") else text


def keygen(key_path, cert_path, name):
    """A node identity (Ed25519 key, self-signed certificate); returns the
    key id a roster lists (64 hex digits)."""
    lib = _api()
    key_id, error = (ctypes.c_char * 65)(), c_void_p()
    rc = lib.stoffel_net_keygen(str(key_path).encode(), str(cert_path).encode(), name.encode(), key_id,
                                ctypes.byref(error))
    message = _take_text(lib, error)
    if rc != 0:
        raise NetworkError(message, 2)
    return key_id.value.decode()


class _Program:
    """A program file read once (stoffel_program_read)."""

    def __init__(self, path):
        lib = _api()
        self.path = str(path)
        self.handle, error = c_void_p(), c_void_p()
        rc = lib.stoffel_program_read(self.path.encode(), ctypes.byref(self.handle), ctypes.byref(error))
        message = _take_text(lib, error)
        if rc != 0:
            raise NetworkError(message or "cannot read %s" % self.path, 2)

    def __del__(self):
        if getattr(self, "handle", None) and self.handle.value:
            _lib.lib().stoffel_program_free(self.handle)
            self.handle = None


def _program_of(program):
    if program is None or isinstance(program, _Program):
        return program
    path = getattr(program, "path", program)   # a StoffelProgram or a path
    return _Program(os.fspath(path))


class _Node:
    """What a party and a client share: the options (kept alive here while
    the C run reads them) and the progress callback."""

    _KEYS = {"roster": "roster_path", "key": "key_path", "cert": "cert_path", "roster_text": "roster_text",
             "curve": "curve", "entry": "entry", "bind": "bind", "session": "session", "bootstrap": "bootstrap",
             "leader_key_id": "leader_key_id", "backend": "backend", "servers": "servers",
             "local_store": "local_store", "preproc_store": "preproc_store", "expected_clients": "expected_clients"}
    _NUMBERS = ("threshold", "n_parties", "timeout_ms", "connect_timeout_ms", "n_clients", "outputs",
                "wait_for_clients", "client_input_total", "inputs_per_client", "max_call_depth",
                "instruction_budget", "heap_limit")

    def __init__(self, program, progress, options):
        self.program = _program_of(program)
        self.options = NetOptions()
        self._keep = []
        for name, value in options.items():
            if value is None:
                continue
            if name in self._KEYS:
                data = os.fspath(value).encode() if not isinstance(value, str) else value.encode()
                self._keep.append(data)
                setattr(self.options, self._KEYS[name], data)
            elif name in self._NUMBERS:
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    raise ValueError("%s must be a non-negative integer, got %r" % (name, value))
                setattr(self.options, name, value)
            elif name == "leader":
                self.options.leader = 1 if value else 0
            elif name == "insecure_no_leader_pin":
                self.options.insecure_no_leader_pin = 1 if value else 0
            elif name == "output_fixed_point_fractional_bits":
                self.options.output_fixed_point, self.options.output_frac_bits = 1, value
            else:
                raise TypeError("unknown option %r" % name)
        if self.program is not None:
            self.options.program_path = self.program.path.encode()
        self._progress = PROGRESSFN(lambda _ud, stage: progress(stage.decode())) if progress else None

    async def run_async(self, *args, **kwargs):
        """run() in a worker thread: the event loop is free while it waits."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, lambda: self.run(*args, **kwargs))


class Party(_Node):
    """One party of a networked session.  Options are StoffelNetOptions'
    (docs/network.md): roster/key/cert (files) or roster_text, party_id,
    threshold, n_parties, curve, bind, session, timeout_ms,
    connect_timeout_ms, limits (max_call_depth, instruction_budget,
    heap_limit); discovery: leader=True with bind and n_parties, or
    bootstrap="HOST:PORT" with leader_key_id (STOFFEL_AUTH_TOKEN set).
    progress(stage) is called from the running thread."""

    def __init__(self, program, party_id=None, progress=None, **options):
        super().__init__(program, progress, options)
        if self.program is None:
            raise ValueError("a party needs the program")
        self.options.party_id = -1 if party_id is None else party_id
        self.party_id = party_id
        self.result = None
        self.values_per_client = 0

    def run(self):
        """Runs the whole session.  Returns the clear result as text (as
        `Program returned:` prints it), or None when the result was secret
        and went to the clients (then values_per_client says how many)."""
        lib = _api()
        handle, error = c_void_p(), c_void_p()
        rc = lib.stoffel_party_new(self.program.handle, ctypes.byref(self.options), ctypes.byref(handle),
                                   ctypes.byref(error))
        message = _take_text(lib, error)
        if rc != 0:
            raise NetworkError(message, 2)
        try:
            if self._progress:
                lib.stoffel_party_set_progress(handle, self._progress, None)
            code = lib.stoffel_party_run(handle)
            self.party_id = lib.stoffel_party_id(handle)
            if code != 0:
                raise NetworkError(_message(lib.stoffel_party_error(handle).decode()), code)
            nvalues, nclients = c_size_t(), c_uint32()
            clear = lib.stoffel_party_result(handle, ctypes.byref(nvalues), ctypes.byref(nclients))
            self.values_per_client = nvalues.value
            self.result = clear.decode() if clear is not None else None
            return self.result
        finally:
            lib.stoffel_party_free(handle)


class Client(_Node):
    """A client of a networked session: submits its secret inputs and
    reconstructs its outputs.  Options as Party's, with client_id (or,
    with discovery, client_index: the seat it claims), outputs (how many
    values it expects), output_fixed_point_fractional_bits; program
    (optional) gives the manifest: the declared input and output types."""

    def __init__(self, client_id=None, program=None, progress=None, client_index=None, **options):
        super().__init__(program, progress, options)
        self.options.client = 1
        self.options.client_id = -1 if client_id is None else client_id
        if client_index is not None:
            self.options.has_client_index, self.options.client_index = 1, client_index
            if client_id is None and not options.get("bootstrap"):
                self.options.client_id = client_index
        self.client_id = client_id
        self.batches = []

    def run(self, inputs=()):
        """Submits `inputs` (int, float for fixed point, bool; in order) and
        waits for the outputs.  Returns the result: one value, or a list
        when the program returned several.  Every batch received is in
        `batches` (lists of values)."""
        lib = _api()
        handle, error = c_void_p(), c_void_p()
        rc = lib.stoffel_client_new(self.program.handle if self.program else None, ctypes.byref(self.options),
                                    ctypes.byref(handle), ctypes.byref(error))
        message = _take_text(lib, error)
        if rc != 0:
            raise NetworkError(message, 2)
        try:
            for v in inputs:
                if isinstance(v, bool):
                    lib.stoffel_client_add_bool(handle, int(v))
                elif isinstance(v, int):
                    lib.stoffel_client_add_int(handle, v)
                elif isinstance(v, float):
                    lib.stoffel_client_add_fixed(handle, v)
                else:
                    raise TypeError("client inputs are int, float or bool, got %r" % (v,))
            if self._progress:
                lib.stoffel_client_set_progress(handle, self._progress, None)
            code = lib.stoffel_client_run(handle)
            self.client_id = lib.stoffel_client_id(handle)
            self.batches = [self._batch(lib, handle, b) for b in range(lib.stoffel_client_batch_count(handle))]
            if code != 0:
                raise NetworkError(_message(lib.stoffel_client_error(handle).decode()), code)
            last = self.batches[-1]
            return last[0] if len(last) == 1 else last
        finally:
            lib.stoffel_client_free(handle)

    @staticmethod
    def _batch(lib, handle, b):
        values = []
        for i in range(lib.stoffel_client_value_count(handle, b)):
            v = NetValue()
            lib.stoffel_client_value(handle, b, i, ctypes.byref(v))
            if v.kind == INT:
                values.append(v.i)
            elif v.kind == FIXED:
                values.append(v.d)
            elif v.kind == BOOL:
                values.append(bool(v.i))
            else:
                values.append(int.from_bytes(ctypes.string_at(v.bytes, 32), "big"))
        return values


__all__ = ["Party", "Client", "NetworkError", "keygen"]

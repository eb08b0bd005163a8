"""StoffelProgram: a compiled program run as an MPC computation."""

import ctypes
import os

from . import _lib
from .vm import ExecutionError, LoadError, StoffelError, VirtualMachine

_OK, _INVALID, _LOAD, _IO = 0, 1, 5, 8


def _format_inputs(inputs):
    """{client: [values]} or [[values], ...] or [value, ...] -> "a:b,c"."""
    if inputs is None:
        return ""
    if isinstance(inputs, dict):
        if sorted(inputs) != list(range(len(inputs))):
            raise ValueError("client indices must be 0..N-1, got %r" % sorted(inputs))
        inputs = [inputs[i] for i in range(len(inputs))]
    clients = []
    for client in inputs:
        values = client if isinstance(client, (list, tuple)) else [client]
        if not values:
            raise ValueError("a client needs at least one input")
        for v in values:
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise TypeError("client inputs must be int or float, got %r" % (v,))
        clients.append(":".join(repr(v) if isinstance(v, float) else str(v) for v in values))
    return ",".join(clients)


def _parse_value(text):
    """The `Program returned:` text of a local MPC run -> Python value."""
    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        inner = text[1:-1].strip()
        if not inner:
            return []
        parts, depth, cur = [], 0, ""
        for ch in inner:
            if ch == "," and depth == 0:
                parts.append(cur)
                cur = ""
                continue
            depth += ch == "["
            depth -= ch == "]"
            cur += ch
        parts.append(cur)
        return [_parse_value(p) for p in parts]
    if text in ("true", "false"):
        return text == "true"
    if text == "()":
        return None
    if text.startswith('"') and text.endswith('"'):
        return text[1:-1]
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


class StoffelProgram:
    """A StoffelLang program (.stflb or assembly) to run with secret inputs."""

    def __init__(self, path):
        self.path = str(path)
        self.source = self.path if self.path.endswith(".stfl") else None
        self._tmpdir = None

    def compile(self, output=None):
        """Compile StoffelLang source (a .stfl path) with the compiler in
        libstoffel_vm, in this process.  Writes the .stflb to ``output``
        (default: a temporary file); afterwards the program runs from it.
        Returns the .stflb path.  Raises LoadError with the compiler's
        message ("file:line:col: error: ...") when the source is rejected."""
        import tempfile
        src = self.source or self.path
        if output is None:
            if self._tmpdir is None:
                self._tmpdir = tempfile.TemporaryDirectory(prefix="stoffel-")
            base = os.path.basename(src)
            output = os.path.join(self._tmpdir.name, (base[:-5] if base.endswith(".stfl") else base) + ".stflb")
        lib = _lib.lib()
        error = ctypes.c_void_p()
        rc = lib.stoffel_compile_file(src.encode(), str(output).encode(), ctypes.byref(error))
        try:
            message = ctypes.string_at(error.value).decode() if error.value else None
        finally:
            lib.stoffel_free_text(error.value)
        if rc != _OK:
            raise LoadError(message or "compilation failed (code %d)" % rc, result=rc)
        self.source = src
        self.path = str(output)
        return self.path

    def vm(self, **options):
        """A new VirtualMachine with this program loaded (clear values only)."""
        machine = VirtualMachine(**options)
        machine.load_file(self.path)
        return machine

    def execute_locally(self, inputs=None, n_parties=4, threshold=1, curve=None, entry=None):
        """Run the program as an n-party MPC session in this process.

        Every party is a thread with its own VM and MPC engine; every client
        submits its inputs masked with a preprocessed random share.
        ``inputs`` gives each client's values: ``{0: [15], 1: [25]}``,
        ``[[15], [25]]`` or ``[15, 25]`` (one value per client).  Floats are
        fixed-point inputs for programs that take fixed-point shares.

        Returns the result as `stoffel-run --local-mpc` prints it, as a
        Python value: a returned secret share is the value the clients
        reconstruct (never revealed to the parties); a clear result is the
        value all parties computed.  Raises LoadError for an unreadable
        program, ValueError for bad options or inputs, and ExecutionError
        when execution or the protocol fails."""
        # ctypes would wrap a negative number to 4294967295 in the message
        for name, value in (("n_parties", n_parties), ("threshold", threshold)):
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < (1 << 32):
                raise ValueError("%s must be an integer from 0 to 4294967295, got %r" % (name, value))
        text = _format_inputs(inputs)
        lib = _lib.lib()
        result, error = ctypes.c_void_p(), ctypes.c_void_p()
        rc = lib.stoffel_run_local_mpc(
            self.path.encode(), entry.encode() if entry else None, n_parties, threshold,
            curve.encode() if curve else None, text.encode(), ctypes.byref(result), ctypes.byref(error))
        try:
            if rc == _OK:
                return _parse_value(ctypes.string_at(result.value).decode())
            message = ctypes.string_at(error.value).decode() if error.value else "failed (code %d)" % rc
        finally:
            lib.stoffel_free_text(result.value)
            lib.stoffel_free_text(error.value)
        if rc == _INVALID:
            raise ValueError(message)
        if rc in (_LOAD, _IO):
            raise LoadError(message, result=rc)
        raise ExecutionError(message, result=rc)


__all__ = ["StoffelProgram", "StoffelError"]

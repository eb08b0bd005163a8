"""VirtualMachine: a StoffelVM-C virtual machine driven from Python.

Values cross between Python and the VM like this:

==================  ===========================  ===============================
Python              VM                           back to Python
==================  ===========================  ===============================
``None``            Unit ``()``                  ``None``
``bool``            Bool                         ``bool``
``int``             I64 (U64 above 2**63 - 1)    ``int`` (every integer width)
``float``           Float                        ``float``
``str``             String (UTF-8)               ``str``
``bytes``           Array of U8                  ``list`` of ``int``
``list``/``tuple``  Array                        ``list``
``dict``            Object (keys converted too)  ``dict``
``Closure``         Closure                      ``Closure``
``Foreign``         Foreign object               ``Foreign``
==================  ===========================  ===============================

Arrays and objects are copied in both directions (cycles are preserved).
Closures, foreign objects and secret shares come back as handle objects
that keep the VM value alive and can be passed back in.
"""

import ctypes
import functools
import sys
import threading
from ctypes import byref, c_double, c_int, c_int64, c_size_t, c_uint32, c_uint64, c_void_p

from . import _lib as L

__all__ = ["VirtualMachine", "StoffelError", "LoadError", "ExecutionError",
           "Closure", "Foreign", "Share"]


class StoffelError(Exception):
    """An error reported by the VM.  Attributes mirror ``StoffelError`` of
    stoffel.h: ``result``, ``message``, ``function``, ``instruction``,
    ``line``, ``column``, ``offset``."""

    def __init__(self, message, result=None, function=None, instruction=-1,
                 line=0, column=0, offset=-1):
        super().__init__(message)
        self.message = message
        self.result = result
        self.function = function
        self.instruction = instruction
        self.line = line
        self.column = column
        self.offset = offset


class LoadError(StoffelError):
    """A program could not be read, parsed, verified or registered."""


class ExecutionError(StoffelError):
    """Running a function failed (``function`` and ``instruction`` say where)."""


class _Ref:
    """A VM value kept alive by a handle of stoffel.h."""

    def __init__(self, vm, handle):
        self._vm = vm
        self._handle = handle

    def __del__(self):
        vm = getattr(self, "_vm", None)
        if vm is None:
            return
        # Never block in a finalizer: if another thread is using the VM,
        # the handle is released by the VM's next call.
        if vm._lock.acquire(blocking=False):
            try:
                if vm._ptr:
                    L.lib().stoffel_release_handle(vm._ptr, self._handle)
            finally:
                vm._lock.release()
        else:
            vm._orphans.append(self._handle)


def _locked(method):
    """Runs a VirtualMachine method under the VM's lock: ctypes releases
    the GIL during every C call, so two threads could otherwise be inside
    one VM at once (the C library serves one thread per VM at a time)."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self._lock:
            while self._orphans and self._ptr:
                L.lib().stoffel_release_handle(self._ptr, self._orphans.pop())
            return method(self, *args, **kwargs)
    return wrapper


class Closure(_Ref):
    """A VM closure; pass it back as an argument or call it with
    ``VirtualMachine.call_closure``."""

    def __repr__(self):
        return "<stoffel.Closure>"


class Foreign(_Ref):
    """A VM foreign object (``id`` is the number it prints as)."""

    def __init__(self, vm, handle, id):
        super().__init__(vm, handle)
        self.id = id

    def __repr__(self):
        return "<stoffel.Foreign %d>" % self.id


class Share(_Ref):
    """A secret share (opaque until the MPC engine is available)."""

    def __repr__(self):
        return "<stoffel.Share>"


class VirtualMachine:
    """One independent VM with the standard library.

    ``output``: callable taking a ``str``, receives what ``print`` writes
    (default: ``sys.stdout.write``).  ``max_call_depth``,
    ``instruction_budget`` (per call) and ``heap_limit`` (bytes) are the
    VM's limits, 0 meaning the default / unlimited.  ``allow_ffi=False``
    disables the ``Ffi.*`` builtins (for untrusted programs).

    Every method takes a per-VM lock, so one VM may be shared between
    threads (calls are serialised); separate VMs run in parallel.  A
    registered function may call back into its VM on the same thread.
    ``close()`` from inside a registered function is deferred until the
    outermost ``execute`` returns.
    """

    def __init__(self, output=None, max_call_depth=0, instruction_budget=0,
                 heap_limit=0, allow_ffi=True):
        self._lock = threading.RLock()
        self._calls = 0               # execute() calls in progress (nested from callbacks)
        self._close_pending = False
        self._orphans = []            # handles to release (their owner was collected elsewhere)
        self._ptr = None
        lib = L.lib()
        self._callbacks = []          # keep ctypes callbacks alive
        self._output = output if output is not None else (lambda s: sys.stdout.write(s))
        cfg = L.Config()
        lib.stoffel_config_init(byref(cfg))

        def write(_vm, text, length):
            self._output(ctypes.string_at(text, length).decode("utf-8", "replace"))

        self._write_cb = L.WRITEFN(write)
        cfg.write = self._write_cb
        cfg.max_call_depth = max_call_depth
        cfg.instruction_budget = instruction_budget
        cfg.heap_limit = heap_limit
        cfg.allow_ffi = 1 if allow_ffi else 0
        ptr = lib.stoffel_new(byref(cfg))
        if not ptr:
            raise MemoryError("cannot create a StoffelVM")
        self._ptr = ptr

    # -- lifecycle ----------------------------------------------------------

    def close(self):
        """Free the VM (also done when the object is collected).  From
        inside a registered function the VM is still running: it is freed
        when the outermost ``execute`` returns."""
        lock = getattr(self, "_lock", None)
        if lock is None:
            return
        with lock:
            if self._calls:
                self._close_pending = True
                return
            if getattr(self, "_ptr", None):
                ptr, self._ptr = self._ptr, None
                L.lib().stoffel_free(ptr)

    def __del__(self):
        self.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def _live(self):
        if not self._ptr:
            raise ValueError("the VirtualMachine is closed")
        return self._ptr

    # -- errors -------------------------------------------------------------

    def _error(self, cls=StoffelError):
        e = L.lib().stoffel_last_error(self._ptr).contents
        msg = (e.message or b"").decode("utf-8", "replace")
        fn = e.function.decode("utf-8", "replace") if e.function else None
        if e.result == L.ERROR_LOAD or e.result == L.ERROR_IO:
            cls = LoadError
        elif e.result == L.ERROR_RUNTIME:
            cls = ExecutionError
        return cls(msg, e.result, fn, e.instruction, e.line, e.column, e.offset)

    def _check(self, rc):
        if rc != L.OK:
            raise self._error()

    # -- programs -------------------------------------------------------------

    @_locked
    def load(self, program, name=None):
        """Load a program from ``bytes`` (a .stflb image, or assembly text)
        or ``str`` (assembly text).  Raises ``LoadError``."""
        data = program.encode("utf-8") if isinstance(program, str) else bytes(program)
        rc = L.lib().stoffel_load(self._live(), data, len(data),
                                  name.encode("utf-8") if name else None)
        if rc != L.OK:
            raise self._error(LoadError)

    @_locked
    def load_file(self, path):
        """Load a .stflb or assembly file.  Raises ``LoadError``."""
        rc = L.lib().stoffel_load_file(self._live(), str(path).encode("utf-8"))
        if rc != L.OK:
            raise self._error(LoadError)

    @_locked
    def has_function(self, name):
        """Whether a function (loaded, builtin or registered) exists."""
        return bool(L.lib().stoffel_has_function(self._live(), name.encode("utf-8")))

    @_locked
    def execute(self, name="main", *args):
        """Run ``name`` with the given arguments and return its result.
        Raises ``ExecutionError`` (message, function, instruction) or
        ``StoffelError`` (e.g. no such function)."""
        ptr = self._live()
        lib = L.lib()
        n = len(args)
        self._calls += 1
        try:
            self._check(lib.stoffel_ensure_slots(ptr, n + 1))
            tmp = _Temps(self, n + 1)
            for i, a in enumerate(args):
                self._put(i + 1, a, tmp, {})
            rc = lib.stoffel_call(ptr, name.encode("utf-8"), n)
            if rc != L.OK:
                raise self._error(ExecutionError if rc == L.ERROR_RUNTIME else StoffelError)
            return self._get(0, _Temps(self, 1), {})
        finally:
            self._calls -= 1
            if not self._calls and self._close_pending:
                self._close_pending = False
                self.close()

    @_locked
    def call_closure(self, closure, *args):
        """Call a ``Closure`` with arguments (through ``call_closure``)."""
        return self.execute("call_closure", closure, *args)

    @_locked
    def register_function(self, name, fn):
        """Register a Python callable as a foreign function.  It receives
        the converted arguments; its return value is converted back.  An
        exception becomes a VM error whose message includes the
        exception's text."""
        def trampoline(vm_ptr, argc, _ud):
            try:
                tmp = _Temps(self, argc + 1)
                args = [self._get(i + 1, tmp, {}) for i in range(argc)]
                result = fn(*args)
                self._put(0, result, _Temps(self, argc + 1), {})
                return 0
            except BaseException as e:  # noqa: B902 - every error must reach the VM
                text = "%s: %s" % (type(e).__name__, e) if str(e) else type(e).__name__
                L.lib().stoffel_set_error(vm_ptr, text.encode("utf-8", "replace"))
                return 1

        cb = L.FOREIGNFN(trampoline)
        rc = L.lib().stoffel_register_function(self._live(), name.encode("utf-8"), cb, None)
        self._check(rc)
        self._callbacks.append(cb)

    @_locked
    def collect_garbage(self):
        """Run a full collection now."""
        self._check(L.lib().stoffel_collect_garbage(self._live()))

    @_locked
    def heap_bytes(self):
        """Bytes the VM's heap accounts for."""
        return L.lib().stoffel_heap_bytes(self._live())

    # -- value conversion ------------------------------------------------------

    def _put(self, slot, value, tmp, seen):
        """Store a Python value in a slot (temporaries from tmp)."""
        lib = L.lib()
        p = self._ptr
        if value is None:
            rc = lib.stoffel_set_unit(p, slot)
        elif isinstance(value, bool):
            rc = lib.stoffel_set_bool(p, slot, 1 if value else 0)
        elif isinstance(value, int):
            if -(1 << 63) <= value < (1 << 63):
                rc = lib.stoffel_set_int(p, slot, value)
            elif 0 <= value < (1 << 64):
                rc = lib.stoffel_set_uint64(p, slot, value)
            else:
                raise OverflowError("integer %d does not fit int64 or uint64" % value)
        elif isinstance(value, float):
            rc = lib.stoffel_set_float(p, slot, value)
        elif isinstance(value, str):
            data = value.encode("utf-8")
            rc = lib.stoffel_set_string_len(p, slot, data, len(data))
        elif isinstance(value, _Ref):
            if value._vm is not self:
                raise ValueError("%r belongs to another VirtualMachine" % (value,))
            rc = lib.stoffel_set_handle(p, slot, value._handle)
        elif isinstance(value, (bytes, bytearray)):
            rc = lib.stoffel_new_array(p, slot)
            e = tmp.take()
            for b in value:
                if rc == L.OK:
                    rc = lib.stoffel_set_int_as(p, e, L.TYPE_U8, b)
                if rc == L.OK:
                    rc = lib.stoffel_array_push(p, slot, e)
            tmp.give(e)
        elif isinstance(value, (list, tuple)):
            if id(value) in seen:
                rc = lib.stoffel_copy_slot(p, slot, seen[id(value)])
            else:
                rc = lib.stoffel_new_array(p, slot)
                seen[id(value)] = slot
                e = tmp.take()
                for item in value:
                    if rc != L.OK:
                        break
                    self._put(e, item, tmp, seen)
                    rc = lib.stoffel_array_push(p, slot, e)
                tmp.give(e)
                del seen[id(value)]   # only cycles refer back; the slot is reused later
        elif isinstance(value, dict):
            if id(value) in seen:
                rc = lib.stoffel_copy_slot(p, slot, seen[id(value)])
            else:
                rc = lib.stoffel_new_object(p, slot)
                seen[id(value)] = slot
                k, v = tmp.take(), tmp.take()
                for key, item in value.items():
                    if rc != L.OK:
                        break
                    self._put(k, key, tmp, seen)
                    self._put(v, item, tmp, seen)
                    rc = lib.stoffel_object_set(p, slot, k, v)
                tmp.give(v)
                tmp.give(k)
                del seen[id(value)]
        else:
            raise TypeError("cannot pass %s to the VM" % type(value).__name__)
        self._check(rc)

    def _get(self, slot, tmp, seen):
        """Convert the value in a slot to Python (temporaries from tmp)."""
        lib = L.lib()
        p = self._ptr
        t = lib.stoffel_slot_type(p, slot)
        if t == L.TYPE_UNIT:
            return None
        if t in L.INT_TYPES:
            if t == L.TYPE_U64:
                u = c_uint64()
                self._check(lib.stoffel_get_uint64(p, slot, byref(u)))
                return u.value
            i = c_int64()
            self._check(lib.stoffel_get_int(p, slot, byref(i)))
            return i.value
        if t == L.TYPE_FLOAT:
            d = c_double()
            self._check(lib.stoffel_get_float(p, slot, byref(d)))
            return d.value
        if t == L.TYPE_BOOL:
            b = c_int()
            self._check(lib.stoffel_get_bool(p, slot, byref(b)))
            return bool(b.value)
        if t == L.TYPE_STRING:
            s, n = c_void_p(), c_size_t()
            self._check(lib.stoffel_get_string(p, slot, byref(s), byref(n)))
            return ctypes.string_at(s, n.value).decode("utf-8")
        if t in (L.TYPE_ARRAY, L.TYPE_OBJECT):
            ident = c_uint64()
            self._check(lib.stoffel_get_id(p, slot, byref(ident)))
            if ident.value in seen:
                return seen[ident.value]
            if t == L.TYPE_ARRAY:
                out = seen[ident.value] = []
                n = c_int64()
                self._check(lib.stoffel_array_length(p, slot, byref(n)))
                e = tmp.take()
                for i in range(n.value):
                    self._check(lib.stoffel_array_get(p, slot, i, e))
                    out.append(self._get(e, tmp, seen))
                tmp.give(e)
                return out
            out = seen[ident.value] = {}
            k, v = tmp.take(), tmp.take()
            cursor = c_uint32(0)
            while lib.stoffel_object_next(p, slot, byref(cursor), k, v) == L.OK:
                key = self._get(k, tmp, seen)
                if isinstance(key, list):
                    key = tuple(key)
                elif isinstance(key, dict):
                    key = tuple(key.items())
                out[key] = self._get(v, tmp, seen)
            tmp.give(v)
            tmp.give(k)
            return out
        if t in (L.TYPE_CLOSURE, L.TYPE_FOREIGN, L.TYPE_SHARE):
            h = lib.stoffel_get_handle(p, slot)
            if not h:
                raise self._error()
            if t == L.TYPE_CLOSURE:
                return Closure(self, h)
            if t == L.TYPE_SHARE:
                return Share(self, h)
            ident = c_uint64()
            self._check(lib.stoffel_get_id(p, slot, byref(ident)))
            return Foreign(self, h, ident.value)
        raise StoffelError("cannot convert a value of VM type %d" % t)


class _Temps:
    """Temporary slots above the ones a call uses, handed out as a stack."""

    def __init__(self, vm, first):
        self._vm = vm
        self._next = first

    def take(self):
        slot = self._next
        self._next += 1
        rc = L.lib().stoffel_ensure_slots(self._vm._ptr, self._next)
        if rc != L.OK:
            raise self._vm._error()
        return slot

    def give(self, slot):
        L.lib().stoffel_set_unit(self._vm._ptr, slot)
        if slot == self._next - 1:
            self._next -= 1

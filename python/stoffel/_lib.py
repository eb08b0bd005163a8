"""ctypes bindings of the native embedding API (include/stoffel.h).

The shared library is looked up in this order:

1. the path in the environment variable ``STOFFEL_LIB``;
2. ``libstoffel_vm.so`` inside the package (installed with
   ``pip install ./python``, which packages the library);
3. ``../build/libstoffel_vm.so`` relative to this package's directory
   (a source checkout after ``make``);
4. the system: ``libstoffel_vm.so.0`` / ``libstoffel_vm.so`` through the
   dynamic loader (after ``make install``).
"""

import ctypes
import ctypes.util
import os
from ctypes import (CFUNCTYPE, POINTER, Structure, c_char, c_char_p, c_double,
                    c_int, c_int64, c_size_t, c_uint32, c_uint64, c_void_p)

# StoffelResult
OK = 0
ERROR_INVALID = 1
ERROR_TYPE = 2
ERROR_RANGE = 3
ERROR_NOT_FOUND = 4
ERROR_LOAD = 5
ERROR_RUNTIME = 6
ERROR_MEMORY = 7
ERROR_IO = 8

# StoffelType
TYPE_UNIT, TYPE_I64, TYPE_I32, TYPE_I16, TYPE_I8 = 0, 1, 2, 3, 4
TYPE_U8, TYPE_U16, TYPE_U32, TYPE_U64 = 5, 6, 7, 8
TYPE_FLOAT, TYPE_BOOL, TYPE_STRING = 9, 10, 11
TYPE_OBJECT, TYPE_ARRAY, TYPE_FOREIGN, TYPE_CLOSURE, TYPE_SHARE = 12, 13, 14, 15, 16
INT_TYPES = range(TYPE_I64, TYPE_U64 + 1)

ALLOCFN = CFUNCTYPE(c_void_p, c_void_p, c_void_p, c_size_t, c_size_t)
WRITEFN = CFUNCTYPE(None, c_void_p, POINTER(c_char), c_size_t)
ERRORFN = CFUNCTYPE(None, c_void_p, c_int, c_char_p, c_int64, c_char_p)
FOREIGNFN = CFUNCTYPE(c_int, c_void_p, c_int, c_void_p)


class Config(Structure):
    _fields_ = [
        ("alloc", ALLOCFN),
        ("alloc_user_data", c_void_p),
        ("write", WRITEFN),
        ("error", ERRORFN),
        ("max_call_depth", c_uint32),
        ("instruction_budget", c_uint64),
        ("heap_limit", c_size_t),
        ("allow_ffi", c_int),
        ("user_data", c_void_p),
    ]


class Error(Structure):
    _fields_ = [
        ("result", c_int),
        ("message", c_char_p),
        ("function", c_char_p),
        ("instruction", c_int64),
        ("line", c_uint32),
        ("column", c_uint32),
        ("offset", c_int64),
    ]


def _candidates():
    env = os.environ.get("STOFFEL_LIB")
    if env:
        yield env
        return
    here = os.path.dirname(os.path.abspath(__file__))
    # an installed wheel carries its own copy (python/pyproject.toml)
    yield os.path.join(here, "libstoffel_vm.so")
    yield os.path.normpath(os.path.join(here, "..", "..", "build", "libstoffel_vm.so"))
    yield "libstoffel_vm.so.0"
    found = ctypes.util.find_library("stoffel_vm")
    if found:
        yield found
    yield "libstoffel_vm.so"


def _load():
    errors = []
    for path in _candidates():
        if os.sep in path and not os.path.exists(path):
            errors.append("%s: no such file" % path)
            continue
        try:
            return ctypes.CDLL(path)
        except OSError as e:
            errors.append(str(e))
    raise OSError("cannot load libstoffel_vm (set STOFFEL_LIB to its path): " + "; ".join(errors))


def _declare(lib):
    vm = c_void_p

    def fn(name, restype, *argtypes):
        f = getattr(lib, name)
        f.restype = restype
        f.argtypes = list(argtypes)

    fn("stoffel_run_local_mpc", c_int, c_char_p, c_char_p, c_uint32, c_uint32, c_char_p, c_char_p,
       POINTER(c_void_p), POINTER(c_void_p))
    fn("stoffel_free_text", None, c_void_p)
    fn("stoffel_compile_file", c_int, c_char_p, c_char_p, POINTER(c_void_p))
    fn("stoffel_config_init", None, POINTER(Config))
    fn("stoffel_new", vm, POINTER(Config))
    fn("stoffel_free", None, vm)
    fn("stoffel_last_error", POINTER(Error), vm)
    fn("stoffel_set_error", c_int, vm, c_char_p)
    fn("stoffel_load", c_int, vm, c_char_p, c_size_t, c_char_p)
    fn("stoffel_load_file", c_int, vm, c_char_p)
    fn("stoffel_has_function", c_int, vm, c_char_p)
    fn("stoffel_call", c_int, vm, c_char_p, c_int)
    fn("stoffel_register_function", c_int, vm, c_char_p, FOREIGNFN, c_void_p)
    fn("stoffel_slot_count", c_int, vm)
    fn("stoffel_ensure_slots", c_int, vm, c_int)
    fn("stoffel_slot_type", c_int, vm, c_int)
    fn("stoffel_type_name", c_char_p, c_int)
    fn("stoffel_copy_slot", c_int, vm, c_int, c_int)
    fn("stoffel_set_unit", c_int, vm, c_int)
    fn("stoffel_set_int", c_int, vm, c_int, c_int64)
    fn("stoffel_set_int_as", c_int, vm, c_int, c_int, c_int64)
    fn("stoffel_set_uint64", c_int, vm, c_int, c_uint64)
    fn("stoffel_set_float", c_int, vm, c_int, c_double)
    fn("stoffel_set_bool", c_int, vm, c_int, c_int)
    fn("stoffel_set_string_len", c_int, vm, c_int, c_char_p, c_size_t)
    fn("stoffel_get_int", c_int, vm, c_int, POINTER(c_int64))
    fn("stoffel_get_uint64", c_int, vm, c_int, POINTER(c_uint64))
    fn("stoffel_get_float", c_int, vm, c_int, POINTER(c_double))
    fn("stoffel_get_bool", c_int, vm, c_int, POINTER(c_int))
    fn("stoffel_get_string", c_int, vm, c_int, POINTER(c_void_p), POINTER(c_size_t))
    fn("stoffel_get_id", c_int, vm, c_int, POINTER(c_uint64))
    fn("stoffel_new_array", c_int, vm, c_int)
    fn("stoffel_new_object", c_int, vm, c_int)
    fn("stoffel_array_length", c_int, vm, c_int, POINTER(c_int64))
    fn("stoffel_array_get", c_int, vm, c_int, c_int64, c_int)
    fn("stoffel_array_push", c_int, vm, c_int, c_int)
    fn("stoffel_object_set", c_int, vm, c_int, c_int, c_int)
    fn("stoffel_object_next", c_int, vm, c_int, POINTER(c_uint32), c_int, c_int)
    fn("stoffel_get_handle", c_uint64, vm, c_int)
    fn("stoffel_set_handle", c_int, vm, c_int, c_uint64)
    fn("stoffel_release_handle", c_int, vm, c_uint64)
    fn("stoffel_collect_garbage", c_int, vm)
    fn("stoffel_heap_bytes", c_size_t, vm)
    return lib


_lib = None


def lib():
    """The loaded library (loaded on first use)."""
    global _lib
    if _lib is None:
        _lib = _declare(_load())
    return _lib

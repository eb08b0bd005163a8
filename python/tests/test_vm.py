"""Tests of the Python package: values of every type round-trip, foreign
functions, errors as exceptions, programs from text and from .stflb."""

import math
import os
import subprocess
import tempfile
import threading

import pytest

from stoffel import (Closure, ExecutionError, Foreign, LoadError, StoffelError,
                     StoffelProgram, VirtualMachine)

PROG = """
.function ident params=x
    RET r0
.end
.function add params=a,b
    ADD r0, r0, r1
    RET r0
.end
.function boom
    LDI r0, 1
    LDI r1, 0
    DIV r0, r0, r1
    RET r0
.end
.function via_host params=x
    PUSHARG r0
    CALL host
    RET r0
.end
.function hello
    LDI r1, "hello from the VM"
    PUSHARG r1
    CALL print
    RET r0
.end
.function make_closure
    LDI r1, "seven"
    PUSHARG r1
    CALL create_closure
    RET r0
.end
.function seven
    LDI r0, 7
    RET r0
.end
.function narrow
    LDI r0, -3i8
    RET r0
.end
.function big
    LDI r0, 18446744073709551615u64
    RET r0
.end
.function loop
    LDI r0, 0
top:
    JMP top
.end
"""


@pytest.fixture
def vm():
    out = []
    machine = VirtualMachine(output=out.append)
    machine.out = out
    machine.load(PROG, "prog.s")
    yield machine
    machine.close()


@pytest.mark.parametrize("value", [
    None, True, False, 0, -1, 42, (1 << 63) - 1, -(1 << 63), (1 << 64) - 1,
    0.0, -2.5, 1e300, "", "text", "héllo wörld ✓", "a\0b",
    [], [1, 2, 3], [1, "two", 3.0, None, [True]], {}, {"a": 1, "b": [2, 3]},
    {1: "int key", "nested": {"x": {"y": None}}},
])
def test_round_trip(vm, value):
    assert vm.execute("ident", value) == value


def test_round_trip_types(vm):
    r = vm.execute("ident", 2.0)
    assert isinstance(r, float) and r == 2.0
    assert vm.execute("ident", True) is True
    assert vm.execute("ident", (1, 2)) == [1, 2]
    assert vm.execute("ident", b"\x00\xff") == [0, 255]
    assert math.isnan(vm.execute("ident", float("nan")))
    assert vm.execute("ident", float("inf")) == float("inf")
    assert vm.execute("narrow") == -3
    assert vm.execute("big") == (1 << 64) - 1


def test_cycles_survive(vm):
    a = [1]
    a.append(a)
    r = vm.execute("ident", a)
    assert r[0] == 1 and r[1] is r
    shared = [9]
    r = vm.execute("ident", [shared, shared])
    assert r == [[9], [9]]


def test_bad_values(vm):
    with pytest.raises(OverflowError):
        vm.execute("ident", 1 << 64)
    with pytest.raises(TypeError):
        vm.execute("ident", object())


def test_execute(vm):
    assert vm.execute("add", 40, 2) == 42
    vm.execute("hello")
    assert "".join(vm.out) == "hello from the VM\n"
    assert vm.has_function("add") and not vm.has_function("nope")


def test_closure_round_trip(vm):
    c = vm.execute("make_closure")
    assert isinstance(c, Closure)
    assert vm.execute("ident", c) is not None
    assert vm.call_closure(c) == 7
    vm.collect_garbage()
    assert vm.call_closure(c) == 7


def test_foreign_function(vm):
    calls = []

    def host(x):
        calls.append(x)
        return {"got": x, "twice": x * 2}

    vm.register_function("host", host)
    assert vm.execute("via_host", 21) == {"got": 21, "twice": 42}
    assert calls == [21]
    # Called directly by name too.
    assert vm.execute("host", "ab") == {"got": "ab", "twice": "abab"}


def test_callback_exception_becomes_vm_error(vm):
    def host(x):
        raise ValueError("no good: %r" % (x,))

    vm.register_function("host", host)
    with pytest.raises(ExecutionError) as ei:
        vm.execute("via_host", 5)
    e = ei.value
    assert "Foreign function host failed: ValueError: no good: 5" in str(e)
    assert e.function == "via_host" and e.instruction == 1
    # The VM is still usable.
    assert vm.execute("add", 1, 2) == 3


def test_callback_bad_return_value(vm):
    vm.register_function("host", lambda x: object())
    with pytest.raises(ExecutionError, match="TypeError: cannot pass object"):
        vm.execute("via_host", 1)


def test_register_twice(vm):
    vm.register_function("host", lambda x: x)
    with pytest.raises(StoffelError, match="already registered"):
        vm.register_function("host", lambda x: x)
    with pytest.raises(StoffelError):
        vm.register_function("print", lambda x: x)


def test_runtime_errors(vm):
    with pytest.raises(ExecutionError) as ei:
        vm.execute("boom")
    assert ei.value.message == "Division by zero"
    assert ei.value.function == "boom" and ei.value.instruction == 2
    with pytest.raises(StoffelError, match="Function nope not found"):
        vm.execute("nope")
    with pytest.raises(ExecutionError, match="expects 2 arguments but got 1"):
        vm.execute("add", 1)


def test_load_errors():
    with VirtualMachine() as m:
        with pytest.raises(LoadError) as ei:
            m.load(".function f\n    FROB r0\n.end\n", "bad.s")
        assert ei.value.line == 2 and ei.value.column == 5
        assert "bad.s:2:5: error:" in str(ei.value)
        with pytest.raises(LoadError, match="byte offset"):
            m.load(b"STFL\x09\x00\x01\x00\x00\x00\x2a", "bad.stflb")
        with pytest.raises(LoadError, match="cannot read"):
            m.load_file("/nonexistent/program.s")


def test_limits():
    with VirtualMachine(instruction_budget=1000) as m:
        m.load(PROG)
        with pytest.raises(ExecutionError, match="Instruction budget exhausted"):
            m.execute("loop")


def test_stflb_and_ffi(tmp_path):
    build = os.environ.get("STOFFEL_LIB")
    asm = os.path.join(os.path.dirname(build), "stoffel-asm") if build else None
    src = tmp_path / "cos.s"
    src.write_text(".function main params=x\n"
                   "    MOV r9, r0\n"
                   "    LDI r1, \"libm.so.6\"\n"
                   "    PUSHARG r1\n"
                   "    CALL Ffi.open\n"
                   "    MOV r2, r0\n"
                   "    LDI r3, \"cos\"\n"
                   "    LDI r4, \"double(double)\"\n"
                   "    PUSHARG r2\n"
                   "    PUSHARG r3\n"
                   "    PUSHARG r4\n"
                   "    CALL Ffi.bind\n"
                   "    PUSHARG r0\n"
                   "    PUSHARG r9\n"
                   "    CALL Ffi.call\n"
                   "    RET r0\n"
                   ".end\n")
    path = src
    if asm and os.path.exists(asm):
        path = tmp_path / "cos.stflb"
        subprocess.run([asm, str(src), "-o", str(path)], check=True)
    with VirtualMachine() as m:
        m.load_file(path)
        assert m.execute("main", 0.0) == 1.0
    with VirtualMachine(allow_ffi=False) as m:
        m.load_file(path)
        with pytest.raises(ExecutionError, match="disabled"):
            m.execute("main", 0.0)
    prog = StoffelProgram(path)
    with prog.vm() as m:
        assert m.execute("main", 0.0) == 1.0



def test_foreign_objects_from_vm(tmp_path):
    with VirtualMachine() as m:
        m.load(".function lib\n LDI r1, \"libm.so.6\"\n PUSHARG r1\n CALL Ffi.open\n RET r0\n.end\n"
               ".function ident params=x\n RET r0\n.end\n")
        f = m.execute("lib")
        assert isinstance(f, Foreign) and f.id >= 1
        g = m.execute("ident", f)
        assert isinstance(g, Foreign) and g.id == f.id


def test_closed_vm():
    m = VirtualMachine()
    m.close()
    m.close()
    with pytest.raises(ValueError):
        m.execute("main")


def test_threads_separate_vms():
    results = {}

    def work(i):
        with VirtualMachine() as m:
            m.load(PROG)
            results[i] = sum(m.execute("add", i, k) for k in range(200))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {i: 200 * i + sum(range(200)) for i in range(4)}

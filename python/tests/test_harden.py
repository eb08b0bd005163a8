"""Embedder mistakes that crashed the process (issue 16): one VM used from
two threads, close() from a callback, a negative threshold."""

import os
import sys
import threading

import pytest

from stoffel import ExecutionError, StoffelProgram, VirtualMachine

PROG = """
.function via_host params=x
    PUSHARG r0
    CALL host
    RET r0
.end
.function add params=a,b
    ADD r0, r0, r1
    RET r0
.end
"""


def test_one_vm_from_two_threads():
    """ctypes drops the GIL during C calls: without the VM's lock the two
    threads were inside one VM at once and it crashed."""
    vm = VirtualMachine()
    vm.load(PROG)
    vm.register_function("host", lambda x: [x, x * 2, {"k": str(x)}])
    errors, rounds = [], 300

    def work(base):
        try:
            for i in range(rounds):
                got = vm.execute("via_host", base + i)
                if got != [base + i, 2 * (base + i), {"k": str(base + i)}]:
                    errors.append(got)
                if vm.execute("add", i, base) != i + base:
                    errors.append(("add", i))
        except Exception as e:  # any failure is a test failure
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k * 100000,)) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    vm.close()


def test_close_from_a_callback_is_deferred():
    """vm.close() inside a registered function freed the VM under the
    interpreter (a segfault); now the VM is freed when execute returns."""
    vm = VirtualMachine()
    vm.load(PROG)

    def host(x):
        vm.close()
        return x + 1

    vm.register_function("host", host)
    assert vm.execute("via_host", 41) == 42
    with pytest.raises(ValueError, match="closed"):
        vm.execute("add", 1, 2)


def test_nested_callbacks_are_bounded():
    """A callback recursing through the VM gets an error at the nesting
    bound instead of overflowing the C stack."""
    vm = VirtualMachine()
    vm.load(PROG)
    innermost = []

    def host(x):
        try:
            return 0 if x <= 0 else vm.execute("via_host", x - 1)
        except ExecutionError as e:
            innermost.append(str(e))
            raise

    vm.register_function("host", host)
    assert vm.execute("via_host", 50) == 0
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(20000)       # so the VM's bound is reached before Python's
    try:
        with pytest.raises(ExecutionError):
            vm.execute("via_host", 100000)
    finally:
        sys.setrecursionlimit(limit)
    assert "too many nested calls" in innermost[0]
    assert vm.execute("add", 2, 3) == 5


def fixture(name):
    shared = os.environ.get("STOFFEL_SHARED") or os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared")
    path = os.path.join(shared, "fixtures", "stoffel-vm", name)
    own = os.path.join(os.path.dirname(__file__), "..", "..", "examples", os.path.splitext(name)[0] + ".s")
    return path if os.path.exists(path) else own   # our stand-in on a bare clone


@pytest.mark.parametrize("field,value", [("threshold", -1), ("n_parties", -4), ("threshold", 1 << 32),
                                         ("threshold", 1.0), ("n_parties", True)])
def test_bad_party_counts_rejected_before_conversion(field, value):
    """ctypes wrapped -1 to 4294967295 in the error message."""
    options = {"n_parties": 4, "threshold": 1}
    options[field] = value
    with pytest.raises(ValueError, match="%s must be an integer from 0" % field):
        StoffelProgram(fixture("client_mul.stflb")).execute_locally([15, 25], **options)

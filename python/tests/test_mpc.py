"""StoffelProgram.execute_locally: the upstream fixtures as in-process MPC
sessions (n parties as threads, clients submitting masked inputs)."""
import os

import pytest

from stoffel import StoffelProgram
from stoffel.vm import ExecutionError, LoadError

SHARED = os.environ.get("STOFFEL_SHARED") or os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared")
FIXTURES = os.path.join(SHARED, "fixtures", "stoffel-vm")


ROOT = os.path.join(os.path.dirname(__file__), "..", "..")


def fixture(name):
    """Upstream's fixture from ../shared; on a bare clone our own stand-in
    tests/mpc/NAME.s where there is one, else the test is skipped."""
    path = os.path.join(FIXTURES, name)
    if not os.path.exists(path):
        stem = os.path.splitext(name)[0] + ".s"
        own = [p for p in (os.path.join(ROOT, "examples", stem), os.path.join(ROOT, "tests", "mpc", stem))
               if os.path.exists(p)]
        if not own:
            pytest.skip("fixture %s missing (set STOFFEL_SHARED)" % path)
        path = own[0]
    return StoffelProgram(path)


@pytest.mark.parametrize("n,t", [(4, 1), (7, 2)])
def test_client_mul(n, t):
    assert fixture("client_mul.stflb").execute_locally([15, 25], n_parties=n, threshold=t) == 375


def test_client_sub_order_is_signed():
    assert fixture("client_sub_order.stflb").execute_locally({0: [15], 1: [25]}) == -10


def test_matrix_average_fixed_point():
    clients = [[1.5, 2, 3, 4, 5, 6], [2.5, 3, 4, 5, 6, 7], [10.25, 4, 5, 6, 7, 8]]
    got = fixture("matrix_average_fixed_point.stflb").execute_locally(clients)
    want = [sum(c[i] for c in clients) / 3 for i in range(6)]
    assert len(got) == 6
    assert all(abs(g - w) < 0.01 for g, w in zip(got, want))


def test_bad_options_raise_value_error():
    with pytest.raises(ValueError, match="3t\\+1"):
        fixture("client_mul.stflb").execute_locally([15, 25], n_parties=3, threshold=1)
    with pytest.raises(TypeError):
        fixture("client_mul.stflb").execute_locally(["x", 25])


def test_missing_client_is_an_execution_error():
    with pytest.raises(ExecutionError, match="No client at index 1"):
        fixture("client_mul.stflb").execute_locally([15])


def test_unreadable_program(tmp_path):
    with pytest.raises(LoadError):
        StoffelProgram(tmp_path / "nope.stflb").execute_locally([1, 2])

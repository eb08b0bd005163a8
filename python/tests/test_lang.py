"""StoffelProgram(".stfl").compile(): the compiler in libstoffel_vm, then
execute_locally() / vm() on the result, all in this process."""
import os

import pytest

from stoffel import StoffelProgram
from stoffel.vm import LoadError

HERE = os.path.dirname(os.path.abspath(__file__))
LANG = os.path.join(HERE, "..", "..", "tests", "lang")


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return str(p)


def test_compile_then_execute_locally(tmp_path):
    src = write(tmp_path, "sum.stfl",
                "def main() -> int64:\n"
                "  var a: secret int64 = ClientStore.take_share(0, 0)\n"
                "  var b: secret int64 = ClientStore.take_share(1, 0)\n"
                "  return (a * b + 1).reveal()\n")
    prog = StoffelProgram(src)
    out = prog.compile()
    assert out.endswith(".stflb") and os.path.exists(out)
    assert prog.execute_locally([6, 7], n_parties=4, threshold=1) == 43


def test_compile_clear_program_runs_in_a_vm(tmp_path):
    src = write(tmp_path, "fib.stfl",
                "def fib(n: int64) -> int64:\n"
                "  if n < 2:\n"
                "    return n\n"
                "  return fib(n - 1) + fib(n - 2)\n\n"
                "def main() -> int64:\n"
                "  return fib(15)\n")
    prog = StoffelProgram(src)
    prog.compile(str(tmp_path / "fib.stflb"))
    assert prog.vm().execute("main") == 610


def test_compile_error_names_file_line_and_column(tmp_path):
    src = write(tmp_path, "bad.stfl", "def main() -> int64:\n  var count = 1\n  return cout\n")
    with pytest.raises(LoadError) as e:
        StoffelProgram(src).compile()
    assert "bad.stfl:3:10: error: unknown name 'cout'; did you mean 'count'?" in str(e.value)


def test_golden_program_compiles():
    prog = StoffelProgram(os.path.join(LANG, "functions_args.stfl"))
    prog.compile()
    assert prog.vm().execute("main") == 55

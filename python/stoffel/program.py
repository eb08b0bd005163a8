"""StoffelProgram: a compiled program run as an MPC computation."""

from .vm import VirtualMachine


class StoffelProgram:
    """A StoffelLang program (.stflb or assembly) to run with secret inputs.

    ``execute_locally(inputs)`` will run the program as an in-process
    n-party MPC simulation.  The MPC engine is not available yet, so it
    raises ``NotImplementedError("MPC engine not available yet")``; the MPC
    work implements it.  Until then, ``vm()`` gives a plain
    ``VirtualMachine`` with the program loaded (clear values only).
    """

    def __init__(self, path):
        self.path = str(path)

    def vm(self, **options):
        """A new VirtualMachine with this program loaded."""
        machine = VirtualMachine(**options)
        machine.load_file(self.path)
        return machine

    def execute_locally(self, inputs):
        """Run the program as a local MPC simulation on ``inputs``.

        Not implemented yet: raises NotImplementedError because the MPC
        engine is not available yet."""
        raise NotImplementedError("MPC engine not available yet")

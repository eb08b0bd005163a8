"""Python bindings of StoffelVM-C (ctypes over libstoffel_vm, standard
library only).

    from stoffel import VirtualMachine
    vm = VirtualMachine()
    vm.load(open("prog.s").read())
    print(vm.execute("main", 1, 2))

See docs/embedding.md.  The shared library is found through STOFFEL_LIB,
then ../build/libstoffel_vm.so next to this package, then the system.
"""

from .net import Client, NetworkError, Party, keygen
from .program import StoffelProgram
from .sdk import Stoffel, StoffelClient, StoffelRuntime, StoffelServer
from .vm import (Closure, ExecutionError, Foreign, LoadError, Share, StoffelError,
                 VirtualMachine)

__all__ = ["VirtualMachine", "StoffelProgram", "StoffelError", "LoadError",
           "ExecutionError", "Closure", "Foreign", "Share",
           "Party", "Client", "NetworkError", "keygen",
           "Stoffel", "StoffelRuntime", "StoffelClient", "StoffelServer"]
__version__ = "0.1.0"

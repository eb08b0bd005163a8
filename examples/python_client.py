#!/usr/bin/env python3
"""A networked MPC session driven from Python (docs/embedding.md).

    make && python3 examples/python_client.py [BUILD_DIR]

Sets up a loopback deployment of examples/client_mul.s with upstream's SDK
shapes: four parties (StoffelServer, each a thread of this process, with
its own key, certificate and TLS connections on 127.0.0.1) and two clients
(StoffelClient) that submit 15 and 25 as secret inputs and reconstruct the
product, 375.  The parties never see the inputs nor the result.
"""
import asyncio
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
build = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "build")
os.environ.setdefault("STOFFEL_LIB", os.path.join(build, "libstoffel_vm.so"))
sys.path.insert(0, os.path.join(root, "python"))

from stoffel import Stoffel  # noqa: E402


async def main():
    runtime = Stoffel.compile_file(os.path.join(here, "client_mul.s")).parties(4).threshold(1).clients(2).build()
    servers = [runtime.server(pid).with_option(connect_timeout_ms=30000, timeout_ms=30000).build().start()
               for pid in range(4)]
    clients = [await runtime.client(c).with_inputs([x]).with_option(connect_timeout_ms=30000, timeout_ms=30000)
               .connect() for c, x in ((0, 15), (1, 25))]
    results = await asyncio.gather(*(c.run_async() for c in clients))
    for c, r in enumerate(results):
        print("client %d received: %s" % (c, r))
    for pid, s in enumerate(servers):
        s.run_forever(timeout=60)
        print("party %d: %d value(s) sent to each client" % (pid, s.party.values_per_client))
    return 0 if results == [375, 375] else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

#!/usr/bin/env bash
# A networked MPC session on this machine: 4 parties and 2 clients, each its
# own process, TLS 1.3 over 127.0.0.1 (docs/network.md).
#
#   make tools && bash examples/network_session.sh [BUILD_DIR]
#
# Generates a key per node, writes the roster, starts the parties on
# examples/client_mul.s (client 0's input times client 1's input) and prints what the
# clients reconstruct: 15 * 25 = 375.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
prog=$here/examples/client_mul.s
for tool in stoffel-run stoffel-keygen; do
    [ -x "$build/$tool" ] || { echo "network_session.sh: $build/$tool is missing: run 'make tools' first" >&2; exit 2; }
done
command -v python3 >/dev/null || { echo "network_session.sh: python3 is needed to pick free ports" >&2; exit 2; }
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

# Free loopback ports for the parties (the kernel picks them).
ports=$(python3 -c 'import socket
ss=[socket.socket() for _ in range(4)]
[s.bind(("127.0.0.1",0)) for s in ss]
print(" ".join(str(s.getsockname()[1]) for s in ss))')
set -- $ports

# 1. keys and the roster: every node's line, parties first.
for i in 0 1 2 3; do
    port=$(eval echo \${$((i + 1))})
    "$build/stoffel-keygen" --key "$work/p$i.key" --cert "$work/p$i.crt" \
        --party $i --addr 127.0.0.1:$port >> "$work/roster"
done
for c in 0 1; do
    "$build/stoffel-keygen" --key "$work/c$c.key" --cert "$work/c$c.crt" --client $c >> "$work/roster"
done
echo "== roster"
cat "$work/roster"

# 2. the parties (each would run on its own machine in a real deployment).
for i in 0 1 2 3; do
    "$build/stoffel-run" "$prog" --party-id $i --roster "$work/roster" \
        --key "$work/p$i.key" --cert "$work/p$i.crt" > "$work/p$i.log" 2>&1 &
    pids+=($!)
done

# 3. the clients submit their inputs and print the reconstructed result.
echo "== client 0 (input 15)"
"$build/stoffel-run" --client --client-id 0 --inputs 15 --roster "$work/roster" \
    --key "$work/c0.key" --cert "$work/c0.crt" &
c0=$!
echo "== client 1 (input 25)"
"$build/stoffel-run" --client --client-id 1 --inputs 25 --roster "$work/roster" \
    --key "$work/c1.key" --cert "$work/c1.crt"
wait $c0
for p in "${pids[@]}"; do wait "$p"; done
pids=()
echo "== party 0"
cat "$work/p0.log"

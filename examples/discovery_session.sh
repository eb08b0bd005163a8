#!/usr/bin/env bash
# A networked MPC session found by discovery instead of a roster file: party
# 0 is the leader and collects registrations; the other parties and the
# clients register with it and receive the roster it assembles
# (docs/network.md, "Discovery").  4 parties and 2 clients, each its own
# process, TLS 1.3 over 127.0.0.1.
#
#   make tools && bash examples/discovery_session.sh [BUILD_DIR]
#
# Every node holds its own key and its role's token: the parties
# STOFFEL_AUTH_TOKEN, the clients STOFFEL_CLIENT_TOKEN (so a client cannot
# take a party seat), the leader both.  The registrants pin the leader's key
# id (required), so a token goes only to the leader.
# The clients print what they reconstruct: 15 * 25 = 375.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
prog=$here/examples/client_mul.s
for tool in stoffel-run stoffel-keygen; do
    [ -x "$build/$tool" ] || { echo "discovery_session.sh: $build/$tool is missing: run 'make tools' first" >&2; exit 2; }
done
command -v python3 >/dev/null || { echo "discovery_session.sh: python3 is needed to pick free ports" >&2; exit 2; }
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

party_token=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
client_token=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
unset STOFFEL_AUTH_TOKEN STOFFEL_CLIENT_TOKEN
ports=$(python3 -c 'import socket
ss=[socket.socket() for _ in range(4)]
[s.bind(("127.0.0.1",0)) for s in ss]
print(" ".join(str(s.getsockname()[1]) for s in ss))')
set -- $ports
leader=127.0.0.1:$1

# 1. a key per node; the leader's key id is what the others pin.
for i in 0 1 2 3; do
    port=$(eval echo \${$((i + 1))})
    "$build/stoffel-keygen" --key "$work/p$i.key" --cert "$work/p$i.crt" --party $i --addr 127.0.0.1:$port > "$work/p$i.line"
done
for c in 0 1; do
    "$build/stoffel-keygen" --key "$work/c$c.key" --cert "$work/c$c.crt" --client $c > /dev/null
done
pin=$(awk '{print $NF}' "$work/p0.line")
echo "== leader 127.0.0.1:$1, key id $pin"
# the keys that may take a party seat: the token alone is not enough
cat "$work/p1.line" "$work/p2.line" "$work/p3.line" > "$work/party_keys"

# 2. the leader, then the parties that register with it.
STOFFEL_AUTH_TOKEN=$party_token STOFFEL_CLIENT_TOKEN=$client_token \
    "$build/stoffel-run" "$prog" --leader --bind "$leader" --n-parties 4 --clients 2 \
    --party-keys "$work/party_keys" --key "$work/p0.key" --cert "$work/p0.crt" > "$work/p0.log" 2>&1 &
pids+=($!)
for i in 1 2 3; do
    port=$(eval echo \${$((i + 1))})
    STOFFEL_AUTH_TOKEN=$party_token "$build/stoffel-run" "$prog" --bootstrap "$leader" --bind 127.0.0.1:$port --leader-key-id "$pin" \
        --key "$work/p$i.key" --cert "$work/p$i.crt" > "$work/p$i.log" 2>&1 &
    pids+=($!)
done

# 3. the clients register too, submit their inputs and print the result.
echo "== client inputs 15 and 25"
STOFFEL_CLIENT_TOKEN=$client_token "$build/stoffel-run" --client --bootstrap "$leader" --leader-key-id "$pin" --inputs 15 \
    --key "$work/c0.key" --cert "$work/c0.crt" &
c0=$!
STOFFEL_CLIENT_TOKEN=$client_token "$build/stoffel-run" "$prog" --client --bootstrap "$leader" --leader-key-id "$pin" --inputs 25 \
    --key "$work/c1.key" --cert "$work/c1.crt"
wait $c0
for p in "${pids[@]}"; do wait "$p"; done
pids=()
echo "== party 0 (the leader)"
cat "$work/p0.log"

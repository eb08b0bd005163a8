#!/usr/bin/env bash
# Installs the test oracle @noble/curves into tests/oracle/node_modules
# (git-ignored) unless it is there already.  Exit 0 when ready, 3 when node
# or npm is missing or the install failed (the caller skips, with the reason
# on stderr).
set -u
cd "$(dirname "$0")"
command -v node >/dev/null 2>&1 || { echo "node not found" >&2; exit 3; }
if [ -f node_modules/@noble/curves/package.json ]; then exit 0; fi
command -v npm >/dev/null 2>&1 || { echo "npm not found" >&2; exit 3; }
# A lock directory keeps two test runs from installing at the same time.
for _ in $(seq 1 120); do
    if mkdir .install.lock 2>/dev/null; then
        trap 'rmdir .install.lock 2>/dev/null' EXIT
        if [ ! -f node_modules/@noble/curves/package.json ]; then
            npm install --no-audit --no-fund --no-save --loglevel=error @noble/curves@2.4.0 >&2 \
                || { echo "npm install @noble/curves failed" >&2; exit 3; }
        fi
        exit 0
    fi
    sleep 1
done
echo "timed out waiting for another install (tests/oracle/.install.lock)" >&2
exit 3

#!/usr/bin/env bash
# Installs the peer interpreters `make bench` compares against: Lua 5.4,
# LuaJIT, hyperfine, CPython and Erlang/OTP (Debian packages).  Safe to run repeatedly;
# skips apt when everything is already there.  Never needed for building or
# testing StoffelVM-C itself.
set -euo pipefail

packages=(lua5.4 luajit hyperfine python3 erlang-base)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"

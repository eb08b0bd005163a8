#!/usr/bin/env bash
# Installs the Debian packages StoffelVM-C needs to build and test.
# Safe to run repeatedly; skips apt when everything is already there.
set -euo pipefail

packages=(build-essential clang clang-format python3 python3-pytest libsodium-dev libssl-dev libffi-dev libgmp-dev libsecp256k1-dev libsqlite3-dev python3-cryptography pkg-config valgrind time)

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

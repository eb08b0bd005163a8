#!/usr/bin/env bash
# Installs the library into a staging directory (make install DESTDIR=...
# PREFIX=/usr), then builds tests/api/installed_api.c against the INSTALLED
# headers and library with pkg-config and runs it.  One test for
# tests/run.py.  Usage: tests/api/run_installed.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${1:-build}"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
# Called from make: do not talk to the parent's jobserver.
unset MAKEFLAGS MFLAGS MAKELEVEL
make -s --no-print-directory install BUILD="$build" DESTDIR="$stage" PREFIX=/usr >/dev/null

export PKG_CONFIG_LIBDIR="$stage/usr/lib/pkgconfig"
export PKG_CONFIG_SYSROOT_DIR="$stage"
cflags="$(pkg-config --cflags stoffel_vm)"
libs="$(pkg-config --libs stoffel_vm)"
case "$cflags" in *"$stage/usr/include"*) ;; *) echo "pkg-config did not point into the staging dir: $cflags" >&2; exit 1;; esac

extra=()
# A sanitizer build of the library needs the sanitizer runtime in the program.
case "$(basename "$build")" in *asan*) extra=(-fsanitize=address,undefined);; esac
"$stage/usr/bin/stoffel-asm" tests/api/installed_api.s -o "$stage/prog.stflb"
${CC:-cc} -std=c99 -Wall -Wextra -pedantic -Werror "${extra[@]}" $cflags tests/api/installed_api.c $libs \
    -o "$stage/installed_api"
LD_LIBRARY_PATH="$stage/usr/lib" "$stage/installed_api" "$stage/prog.stflb" 10000

# Leaks: the same program under valgrind with fewer cycles (the ASan build
# checks leaks itself, and valgrind cannot run sanitized code).
if [ ${#extra[@]} -eq 0 ] && command -v valgrind >/dev/null; then
    rc=0
    LD_LIBRARY_PATH="$stage/usr/lib" valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
        --error-exitcode=3 "$stage/installed_api" "$stage/prog.stflb" 20 2>"$stage/valgrind.err" || rc=$?
    if [ $rc -ne 0 ] && grep -q 'debuginfo reader\|unhandled dwarf2' "$stage/valgrind.err"; then
        # Valgrind 3.19 cannot read clang 14's DWARF 5: not a finding.
        echo "valgrind skipped: it cannot read this build's debug information"
    elif [ $rc -ne 0 ]; then
        tail -40 "$stage/valgrind.err" >&2
        exit $rc
    fi
fi

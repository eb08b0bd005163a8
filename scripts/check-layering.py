#!/usr/bin/env python3
"""Check the project's conventions (docs/architecture.md, "Conventions").

    python3 scripts/check-layering.py [--build DIR] [--only RULE[,RULE...]]

Rules:
  layering   which directory of src/ may include which (the table below)
  includes   one include style: no "../"; another directory's header by its
             path from src/ ("mpc/engine.h"), public headers by name
             ("stoffel.h"), the own directory's by name or path
  internal   internal headers (*_internal.h, *_internal.def, tool_io.h) are
             included only from their own directory
  prefixes   every global function of a module carries one of its prefixes
             or its file's stem (needs the object files of BUILD)

Each violation is printed as "FILE:LINE: RULE: what is wrong (what is
allowed)"; the last line is "N checked, N violations".  Exit status 1 when
there is a violation.  Standard library only.
"""

import argparse
import os
import re
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Directory -> directories of src/ (or "include") it may include from.
ALLOWED = {
    "core": set(),
    "bytecode": {"core"},
    "net": {"core"},
    "crypto": {"core", "mpc"},
    "storage": {"core", "mpc"},
    "mpc": {"core", "net", "crypto"},
    "lang": {"core", "bytecode", "include"},   # include: its public compiler API
    "vm": {"core", "bytecode", "mpc", "crypto", "storage"},
    "api": {"core", "bytecode", "net", "mpc", "vm", "lang", "crypto", "storage", "include"},
    "cli": {"include", "bytecode", "lang"},
    "include": set(),
}

# Narrower rules: (directory, target directory) -> the only headers allowed.
ONLY = {
    ("vm", "mpc"): {"mpc/engine.h", "mpc/compare.h"},  # the engine interface and its comparison protocols
    ("mpc", "net"): {"net/transport.h"},
    ("storage", "mpc"): {"mpc/engine.h"},
    ("crypto", "mpc"): {"mpc/field.h"},     # scalars are the MPC fields' elements; field.h includes nothing of ours  # saved material goes through the engine interface    # protocol code sees the transport interface only
}

# Files that may use the public headers only (clients of the public API),
# and the tools' own headers that use nothing of the library.
PUBLIC_ONLY = {"src/cli/run.c", "src/cli/keygen.c"}
PUBLIC_ONLY_TOOLS = {"cli/tool_malloc.h"}

# Debt, not to be added to: files that still reach past their directory's
# rule, with the directories they may use until they move onto stoffel.h.
FILE_DEBT = {
    "src/cli/stoffel.c": {"api", "vm", "core", "storage"},   # the project driver: in-process runs through api/local_mpc.h
}

# Prefixes of each module's cross-file functions (besides its files' stems).
PREFIXES = {
    "core": ["heap_", "val_", "sb_", "fmt_", "table_", "array_", "string_", "bytes_", "mono_"],
    "bytecode": ["stf_", "stfl_", "asm_", "disasm_"],
    "net": ["net_", "tls_", "roster_", "inproc_", "discovery_", "frame_"],
    "mpc": ["mpc_", "fe_", "field_", "shamir_", "robust_", "wire_", "rbc_"],
    "vm": ["vm_", "mpcvm_", "stdlib_", "sl_", "ffi_", "arith_", "closures_", "translate_", "pins_"],
    "api": ["stoffel_", "hb_", "api_", "session_", "party_", "local_mpc_", "net_mpc_"],
    "lang": ["lang_", "stoffel_", "lex", "tok", "tokens_", "parse_", "ck_", "ty_", "cg_", "arena_", "builtin_"],  # stoffel_: upstream's compiler API (stoffellang.h)
    "crypto": ["crypto_", "fp_", "fp2_"],   # Fp and Fp2 of BLS12-381 (fp381.c)
    "storage": ["storage_", "kv_", "pstore_", "sqlf_"],
}

# Existing exceptions to the prefix rule, to be renamed (not to be added to).
PREFIX_DEBT = {
    "mpc": {"open_round", "round_internal", "dcache_init", "deadline_in", "dec_buf", "gather_all_parties",
            "gather_begin", "gather_end", "gather_one", "gather_row", "grow_buf", "ms_left", "msg_begin",
            "pool_append", "pool_head", "prg_fe", "send_node", "send_parties", "gather_take", "pool_consume",
            "pool_free", "dcache_free", "ensure_bits", "ensure_randoms", "ensure_triples"},
}

INTERNAL = re.compile(r"(_internal\.(h|def)|^tool_io\.h)$")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def sources():
    for top in ("src", "include"):
        base = os.path.join(REPO, top)
        if not os.path.isdir(base):
            continue
        for dirpath, _, files in os.walk(base):
            for f in sorted(files):
                if f.endswith((".c", ".h", ".def")):
                    yield os.path.relpath(os.path.join(dirpath, f), REPO)


def module_of(rel):
    parts = rel.split(os.sep)
    return "include" if parts[0] == "include" else parts[1]


def resolve(rel, inc):
    """(module, path from src/ or include/) an include names, or None."""
    mod = module_of(rel)
    if "/" not in inc:
        if os.path.isfile(os.path.join(REPO, "include", inc)) and mod != "include":
            return "include", inc
        return mod, (inc if mod == "include" else mod + "/" + inc)
    top = inc.split("/")[0]
    if os.path.isdir(os.path.join(REPO, "src", top)):
        return top, inc
    return None


def check_includes(rules, out):
    checked = 0
    for rel in sources():
        mod = module_of(rel)
        with open(os.path.join(REPO, rel), encoding="utf-8", errors="replace") as fh:
            lines = fh.readlines()
        for n, line in enumerate(lines, 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            inc = m.group(1)
            checked += 1
            where = "%s:%d" % (rel, n)
            if inc.startswith("../") or "/../" in inc:
                if "includes" in rules:
                    out.append("%s: includes: \"%s\" is relative to a parent; name it from src/ "
                               "(\"dir/file.h\") or include/ (\"stoffel.h\")" % (where, inc))
                continue
            target = resolve(rel, inc)
            if target is None:
                if "includes" in rules:
                    out.append("%s: includes: \"%s\" is no header of src/ or include/" % (where, inc))
                continue
            tmod, path = target
            if "layering" in rules:
                if rel in PUBLIC_ONLY and tmod != "include" and path not in PUBLIC_ONLY_TOOLS:
                    out.append("%s: layering: %s is a client of the public API and may include only "
                               "include/*.h, not \"%s\"" % (where, rel, inc))
                elif tmod != mod and tmod not in ALLOWED.get(mod, set()) | FILE_DEBT.get(rel, set()):
                    allowed = ", ".join(sorted(ALLOWED.get(mod, set()))) or "nothing of ours"
                    out.append("%s: layering: %s/ may not include %s/ (\"%s\"); %s/ may include: %s"
                               % (where, mod, tmod, inc, mod, allowed))
                elif (mod, tmod) in ONLY and path not in ONLY[(mod, tmod)]:
                    out.append("%s: layering: %s/ may use only %s of %s/, not \"%s\""
                               % (where, mod, ", ".join(sorted(ONLY[(mod, tmod)])), tmod, inc))
            if "internal" in rules and INTERNAL.search(os.path.basename(path)) and tmod != mod \
                    and tmod not in FILE_DEBT.get(rel, set()):
                out.append("%s: internal: \"%s\" is internal to %s/" % (where, inc, tmod))
    return checked


def check_prefixes(build, out, notes):
    objdir = os.path.join(build, "obj", "src")
    if not os.path.isdir(objdir):
        notes.append("prefixes: no object files in %s (build first)" % os.path.relpath(objdir, REPO))
        return 0
    checked = 0
    for mod in sorted(os.listdir(objdir)):
        if mod not in PREFIXES:
            continue
        d = os.path.join(objdir, mod)
        for f in sorted(os.listdir(d)):
            if not f.endswith(".o"):
                continue
            stem = f[:-2]
            try:
                res = subprocess.run(["nm", "-g", "--defined-only", os.path.join(d, f)],
                                     capture_output=True, text=True, check=True)
            except (OSError, subprocess.CalledProcessError) as e:
                notes.append("prefixes: nm failed on %s: %s" % (f, e))
                continue
            for line in res.stdout.splitlines():
                parts = line.split()
                if len(parts) != 3 or parts[1] not in "T":
                    continue
                sym = parts[2]
                checked += 1
                ok = sym.startswith(tuple(PREFIXES[mod]) + (stem + "_",)) or sym in PREFIX_DEBT.get(mod, ())
                if mod == "vm" and sym.startswith("mpc_builtins_"):
                    ok = True       # mpc_builtins.c's stem
                if not ok:
                    out.append("src/%s/%s.c: prefixes: global function %s carries none of %s/'s prefixes "
                               "(%s) nor the file's (%s_); make it static or rename it"
                               % (mod, stem, sym, mod, " ".join(PREFIXES[mod]), stem))
    return checked


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--only", default="layering,includes,internal,prefixes")
    opts = ap.parse_args()
    rules = set(opts.only.split(","))
    build = opts.build if os.path.isabs(opts.build) else os.path.join(REPO, opts.build)
    out, notes = [], []
    checked = 0
    if rules & {"layering", "includes", "internal"}:
        checked += check_includes(rules, out)
    if "prefixes" in rules:
        checked += check_prefixes(build, out, notes)
    for line in out:
        print(line)
    for line in notes:
        print("note: " + line)
    print("%d checked, %d violations" % (checked, len(out)))
    return 1 if out else 0


if __name__ == "__main__":
    sys.exit(main())

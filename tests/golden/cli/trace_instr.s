# --trace-instr writes BEFORE/AFTER lines to stderr (spec §12); stdout and
# the exit code are unchanged.
# args: main --trace-instr
# expect: Program returned: 42
# exit: 0
# expect-error: [instr][depth 1][main]
# expect-error: BEFORE LDI(0, 42)
# expect-error: AFTER  LDI(0, 42)
.function main
    LDI r0, 42
    RET r0
.end

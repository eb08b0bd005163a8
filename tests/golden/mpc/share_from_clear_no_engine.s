# Share.from_clear needs the MPC engine; a local run has none, so the
# builtin fails with the engine error (spec §1.3, §7.4).
# expect-error: Execution error in 'main':
# expect-error: MPC engine not configured
.function main
    LDI r1, 5
    PUSHARG r1
    CALL Share.from_clear
    RET r0
.end

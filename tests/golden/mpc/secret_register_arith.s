# An ALU result written to a secret register is a clear value to share
# (spec §2.3: applies to ALU results).
# expect-error: Execution error in 'main': Cannot write clear int64 value directly to secret register r20
# expect-error: MPC engine not configured
# expect-error: at main, instruction 2
.function main regs=21
    LDI r1, 2
    LDI r2, 3
    ADD r20, r1, r2
    RET r1
.end

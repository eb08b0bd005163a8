# Writing a clear value to a secret register (r16+) shares it through the
# MPC engine; without one even LDI fails (spec §2.3, §4.4).
# expect-error: Execution error in 'main': Cannot write clear int64 value directly to secret register r16
# expect-error: MPC engine not configured
# expect-error: at main, instruction 1
.function main regs=17
    LDI r1, 5
    LDI r16, 5
    RET r1
.end

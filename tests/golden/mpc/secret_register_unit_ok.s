# Unit is stored unchanged in a secret register, and LDS writes raw
# (spec §2.3), so neither needs the engine.
# expect: Program returned: 1
.function main regs=17
    LDI r16, ()
    LDI r1, 5
    STS 0, r1
    LDS r16, 0
    LDI r0, 1
    RET r0
.end

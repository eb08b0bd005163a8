# Spec §15 vector 2: PUSHARG, LD from the argument stack, MOV.
# expect: Program returned: 42
.function main regs=3
    LDI r0, 42
    PUSHARG r0
    LD r1, 0
    MOV r2, r1
    RET r2
.end

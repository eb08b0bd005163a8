# Float - U64: Float mixes only with I64 (spec §1.4).
# expect-error: Execution error in 'main': Type error in SUB operation
# expect-error: at main, instruction 2
.function main
    LDI r1, 1.5
    LDI r2, 2u64
    SUB r3, r1, r2
    RET r3
.end

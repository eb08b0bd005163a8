# Float + I32: Float mixes only with I64 (spec §1.4).
# expect-error: Execution error in 'main': Type error in ADD operation
# expect-error: at main, instruction 2
.function main
    LDI r1, 1.5
    LDI r2, 2i32
    ADD r3, r1, r2
    RET r3
.end

# I32 * Float: Float mixes only with I64 (spec §1.4).
# expect-error: Execution error in 'main': Type error in MUL operation
# expect-error: at main, instruction 2
.function main
    LDI r1, 2i32
    LDI r2, 1.5
    MUL r3, r1, r2
    RET r3
.end

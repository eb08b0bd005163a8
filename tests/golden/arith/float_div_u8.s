# Float / U8: Float mixes only with I64 (spec §1.4).
# expect-error: Execution error in 'main': Type error in DIV operation
# expect-error: at main, instruction 2
.function main
    LDI r1, 1.5
    LDI r2, 2u8
    DIV r3, r1, r2
    RET r3
.end

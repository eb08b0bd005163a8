# int16 DIV by zero (spec §1.4).
# expect-error: Execution error in 'main': Division by zero
# expect-error: at main, instruction 2
.function main
    LDI r1, 5i16
    LDI r2, 0i16
    DIV r3, r1, r2
    RET r3
.end

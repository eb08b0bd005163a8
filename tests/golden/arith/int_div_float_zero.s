# I64 / Float 0.0 (spec §1.4).
# expect-error: Execution error in 'main': Division by zero
# expect-error: at main, instruction 2
.function main
    LDI r1, 7
    LDI r2, 0.0
    DIV r3, r1, r2
    RET r3
.end

# value and amount must have the same integer type (spec §1.5).
# expect-error: Execution error in 'main': Type error in SHL operation
# expect-error: at main, instruction 2
.function main
    LDI r1, 1i32
    LDI r2, 1
    SHL r3, r1, r2
    RET r3
.end

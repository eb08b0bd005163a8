# a negative amount is invalid (spec §1.5).
# expect-error: Execution error in 'main': Invalid shift amount -3 in SHL operation
# expect-error: at main, instruction 2
.function main
    LDI r1, 1
    LDI r2, -3
    SHL r3, r1, r2
    RET r3
.end

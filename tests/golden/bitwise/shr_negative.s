# a negative amount is invalid (spec §1.5).
# expect-error: Execution error in 'main': Invalid shift amount -1 in SHR operation
# expect-error: at main, instruction 2
.function main
    LDI r1, 8
    LDI r2, -1
    SHR r3, r1, r2
    RET r3
.end

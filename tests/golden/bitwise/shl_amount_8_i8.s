# amount >= 8 is out of range for int8 (spec §1.5).
# expect-error: Execution error in 'main': Shift amount 8 out of range in SHL operation
# expect-error: at main, instruction 2
.function main
    LDI r1, 1i8
    LDI r2, 8i8
    SHL r3, r1, r2
    RET r3
.end

# NaN on the right side too (spec §1.6).
# expect-error: Execution error in 'main': Cannot compare 1 and NaNf64
# expect-error: at main, instruction 2
.function main
    LDI r1, 1
    LDI r2, nan
    CMP r1, r2
    RET r1
.end

# NaN makes a comparison fail (spec §1.6).
# expect-error: Execution error in 'main': Cannot compare NaNf64 and 1f64
# expect-error: at main, instruction 2
.function main
    LDI r1, nan
    LDI r2, 1.0
    CMP r1, r2
    RET r1
.end

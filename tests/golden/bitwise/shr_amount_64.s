# amount >= 64 is out of range for int64 (spec §1.5).
# expect-error: Execution error in 'main': Shift amount 64 out of range in SHR operation
# expect-error: at main, instruction 2
.function main
    LDI r1, 1
    LDI r2, 64
    SHR r3, r1, r2
    RET r3
.end

# amount >= 32 is out of range for uint32 (spec §1.5).
# expect-error: Execution error in 'main': Shift amount 32 out of range in SHR operation
# expect-error: at main, instruction 2
.function main
    LDI r1, 1u32
    LDI r2, 32u32
    SHR r3, r1, r2
    RET r3
.end

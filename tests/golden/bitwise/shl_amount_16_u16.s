# amount >= 16 is out of range for uint16 (spec §1.5).
# expect-error: Execution error in 'main': Shift amount 16 out of range in SHL operation
# expect-error: at main, instruction 2
.function main
    LDI r1, 1u16
    LDI r2, 16u16
    SHL r3, r1, r2
    RET r3
.end

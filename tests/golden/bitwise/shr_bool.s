# bools cannot be shifted (spec §1.5).
# expect-error: Execution error in 'main': Type error in SHR operation
# expect-error: at main, instruction 2
.function main
    LDI r1, true
    LDI r2, false
    SHR r3, r1, r2
    RET r3
.end

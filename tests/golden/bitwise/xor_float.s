# XOR of floats (spec §1.5).
# expect-error: Execution error in 'main': Type error in XOR operation
# expect-error: at main, instruction 2
.function main
    LDI r1, 1.5
    LDI r2, 1.5
    XOR r3, r1, r2
    RET r3
.end

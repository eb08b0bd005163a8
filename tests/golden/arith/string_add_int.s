# String + I64: only String + String concatenates (spec §1.4).
# expect-error: Execution error in 'main': Type error in ADD operation
# expect-error: at main, instruction 2
.function main
    LDI r1, "a"
    LDI r2, 1
    ADD r3, r1, r2
    RET r3
.end

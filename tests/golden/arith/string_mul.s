# String * I64 is not defined (spec §1.4).
# expect-error: Execution error in 'main': Type error in MUL operation
# expect-error: at main, instruction 2
.function main
    LDI r1, "ab"
    LDI r2, 2
    MUL r3, r1, r2
    RET r3
.end

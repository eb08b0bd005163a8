# U8 * I8: signedness differs (spec §1.4).
# expect-error: Execution error in 'main': Type error in MUL operation
# expect-error: at main, instruction 2
.function main
    LDI r1, 2u8
    LDI r2, 2i8
    MUL r3, r1, r2
    RET r3
.end

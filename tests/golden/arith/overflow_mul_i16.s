# int16 MUL overflow is an error (spec §1.4).
# expect-error: Execution error in 'main': Integer overflow in MUL operation
# expect-error: at main, instruction 2
.function main
    LDI r1, 32767i16
    LDI r2, 2i16
    MUL r3, r1, r2
    RET r3
.end

# int32 ADD overflow is an error, not a wrap (spec §1.4).
# expect-error: Execution error in 'main': Integer overflow in ADD operation
# expect-error: at main, instruction 2
.function main
    LDI r1, 2147483647i32
    LDI r2, 1i32
    ADD r3, r1, r2
    RET r3
.end

# uint64 ADD overflow is an error, not a wrap (spec §1.4).
# expect-error: Execution error in 'main': Integer overflow in ADD operation
# expect-error: at main, instruction 2
.function main
    LDI r1, 18446744073709551615u64
    LDI r2, 1u64
    ADD r3, r1, r2
    RET r3
.end

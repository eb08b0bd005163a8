# int16 MIN % -1 is an overflow error (spec §1.4).
# expect-error: Execution error in 'main': Integer overflow in MOD operation
# expect-error: at main, instruction 2
.function main
    LDI r1, -32768i16
    LDI r2, -1i16
    MOD r3, r1, r2
    RET r3
.end

# int64 SUB below the minimum is an overflow error (spec §1.4).
# expect-error: Execution error in 'main': Integer overflow in SUB operation
# expect-error: at main, instruction 2
.function main
    LDI r1, -9223372036854775808
    LDI r2, 1
    SUB r3, r1, r2
    RET r3
.end

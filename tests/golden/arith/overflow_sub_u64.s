# uint64 SUB underflow (3 - 5) is an overflow error, no saturation (spec §1.4).
# expect-error: Execution error in 'main': Integer overflow in SUB operation
# expect-error: at main, instruction 2
.function main
    LDI r1, 3u64
    LDI r2, 5u64
    SUB r3, r1, r2
    RET r3
.end

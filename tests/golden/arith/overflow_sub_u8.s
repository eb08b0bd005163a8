# uint8 SUB underflow (3 - 5) is an overflow error, no saturation (spec §1.4).
# expect-error: Execution error in 'main': Integer overflow in SUB operation
# expect-error: at main, instruction 2
.function main
    LDI r1, 3u8
    LDI r2, 5u8
    SUB r3, r1, r2
    RET r3
.end

# to_string of integers: every width, the boundaries of the two-digit
# formatter (one, two and three digits, powers of ten) and the extremes.
# expect: 0|7|10|99|100|-1|-10|-100|1234567890123|9223372036854775807|-9223372036854775808|255u8|-128i8|-32768i16|4294967295u32|18446744073709551615u64|-2147483648i32|65535u16
# expect: Program returned: ()
.function main
    LDI r9, "|"
    LDI r11, ""
    LDI r1, 0
    PUSHARG r1
    CALL to_string
    ADD r11, r11, r0
    ADD r11, r11, r9
    LDI r1, 7
    PUSHARG r1
    CALL to_string
    ADD r11, r11, r0
    ADD r11, r11, r9
    LDI r1, 10
    PUSHARG r1
    CALL to_string
    ADD r11, r11, r0
    ADD r11, r11, r9
    LDI r1, 99
    PUSHARG r1
    CALL to_string
    ADD r11, r11, r0
    ADD r11, r11, r9
    LDI r1, 100
    PUSHARG r1
    CALL to_string
    ADD r11, r11, r0
    ADD r11, r11, r9
    LDI r1, -1
    PUSHARG r1
    CALL to_string
    ADD r11, r11, r0
    ADD r11, r11, r9
    LDI r1, -10
    PUSHARG r1
    CALL to_string
    ADD r11, r11, r0
    ADD r11, r11, r9
    LDI r1, -100
    PUSHARG r1
    CALL to_string
    ADD r11, r11, r0
    ADD r11, r11, r9
    LDI r1, 1234567890123
    PUSHARG r1
    CALL to_string
    ADD r11, r11, r0
    ADD r11, r11, r9
    LDI r1, 9223372036854775807
    PUSHARG r1
    CALL to_string
    ADD r11, r11, r0
    ADD r11, r11, r9
    LDI r1, -9223372036854775808
    PUSHARG r1
    CALL to_string
    ADD r11, r11, r0
    ADD r11, r11, r9
    LDI r1, 255u8
    PUSHARG r1
    CALL to_string
    ADD r11, r11, r0
    ADD r11, r11, r9
    LDI r1, -128i8
    PUSHARG r1
    CALL to_string
    ADD r11, r11, r0
    ADD r11, r11, r9
    LDI r1, -32768i16
    PUSHARG r1
    CALL to_string
    ADD r11, r11, r0
    ADD r11, r11, r9
    LDI r1, 4294967295u32
    PUSHARG r1
    CALL to_string
    ADD r11, r11, r0
    ADD r11, r11, r9
    LDI r1, 18446744073709551615u64
    PUSHARG r1
    CALL to_string
    ADD r11, r11, r0
    ADD r11, r11, r9
    LDI r1, -2147483648i32
    PUSHARG r1
    CALL to_string
    ADD r11, r11, r0
    ADD r11, r11, r9
    LDI r1, 65535u16
    PUSHARG r1
    CALL to_string
    ADD r11, r11, r0
    PUSHARG r11
    CALL print
    LDI r0, ()
    RET r0
.end

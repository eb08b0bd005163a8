# Boundary constants of every integer width round-trip through the
# assembler and print.
# expect: -9223372036854775808 9223372036854775807
# expect: -2147483648i32 2147483647i32 -32768i16 32767i16 -128i8 127i8
# expect: 0u8 255u8 65535u16 4294967295u32 18446744073709551615u64
# expect: Program returned: 18446744073709551615
.function main
    LDI r1, -9223372036854775808
    LDI r2, 9223372036854775807
    PUSHARG r1
    PUSHARG r2
    CALL print
    LDI r1, -2147483648i32
    LDI r2, 2147483647i32
    LDI r3, -32768i16
    LDI r4, 32767i16
    LDI r5, -128i8
    LDI r6, 127i8
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    PUSHARG r4
    PUSHARG r5
    PUSHARG r6
    CALL print
    LDI r1, 0u8
    LDI r2, 255u8
    LDI r3, 65535u16
    LDI r4, 4294967295u32
    LDI r5, 18446744073709551615u64
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    PUSHARG r4
    PUSHARG r5
    CALL print
    RET r5
.end

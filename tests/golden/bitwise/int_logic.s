# AND/OR/XOR on the same integer type are bitwise in that type; NOT is the
# bitwise complement (spec §1.5).
# expect: 8 14 6 -1 -6
# expect: 8i32 14i32 6i32 -6i32
# expect: 0u8 255u8 255u8 255u8 250u8
# expect: 18446744073709551615u64 0u64 65535u16 4294967295u32 127i8 -1i16
# expect: Program returned: -1
.function main
    LDI r1, 12
    LDI r2, 10
    AND r3, r1, r2
    PUSHARG r3
    OR r3, r1, r2
    PUSHARG r3
    XOR r3, r1, r2
    PUSHARG r3
    LDI r4, 0
    NOT r3, r4
    PUSHARG r3
    LDI r4, 5
    NOT r3, r4
    PUSHARG r3
    CALL print
    LDI r1, 12i32
    LDI r2, 10i32
    AND r3, r1, r2
    PUSHARG r3
    OR r3, r1, r2
    PUSHARG r3
    XOR r3, r1, r2
    PUSHARG r3
    LDI r4, 5i32
    NOT r3, r4
    PUSHARG r3
    CALL print
    LDI r1, 240u8
    LDI r2, 15u8
    AND r3, r1, r2
    PUSHARG r3
    OR r3, r1, r2
    PUSHARG r3
    XOR r3, r1, r2
    PUSHARG r3
    LDI r4, 0u8
    NOT r3, r4
    PUSHARG r3
    LDI r4, 5u8
    NOT r3, r4
    PUSHARG r3
    CALL print
    LDI r4, 0u64
    NOT r3, r4
    PUSHARG r3
    NOT r3, r3
    PUSHARG r3
    LDI r4, 0u16
    NOT r3, r4
    PUSHARG r3
    LDI r4, 0u32
    NOT r3, r4
    PUSHARG r3
    LDI r4, -128i8
    NOT r3, r4
    PUSHARG r3
    LDI r4, 0i16
    NOT r3, r4
    PUSHARG r3
    CALL print
    LDI r1, -1
    LDI r2, -1
    AND r0, r1, r2
    RET r0
.end

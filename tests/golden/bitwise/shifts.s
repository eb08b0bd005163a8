# SHL/SHR with value and amount of the same integer type (spec §1.5): bits
# shifted out are lost without error; SHR is arithmetic for signed types and
# logical for unsigned; amounts up to width-1 are valid.
# expect: 8 -9223372036854775808 -4 16 0 1
# expect: 0u8 128u8 15u8 1u8 -1i8 -64i8 0i8
# expect: 32i32 -1i32 4294967294u32 2147483647u32
# expect: 16u64 1u64 -2i16 65534u16
# expect: Program returned: 16
.function main
    LDI r1, 1
    LDI r2, 3
    SHL r3, r1, r2
    PUSHARG r3
    LDI r2, 63
    SHL r3, r1, r2
    PUSHARG r3
    LDI r1, -16
    LDI r2, 2
    SHR r3, r1, r2
    PUSHARG r3
    LDI r1, 64
    SHR r3, r1, r2
    PUSHARG r3
    LDI r1, 1
    LDI r2, 63
    SHR r3, r1, r2
    PUSHARG r3
    LDI r1, 1
    LDI r2, 0
    SHL r3, r1, r2
    PUSHARG r3
    CALL print
    LDI r1, 128u8
    LDI r2, 1u8
    SHL r3, r1, r2
    PUSHARG r3
    LDI r1, 1u8
    LDI r2, 7u8
    SHL r3, r1, r2
    PUSHARG r3
    LDI r1, 240u8
    LDI r2, 4u8
    SHR r3, r1, r2
    PUSHARG r3
    LDI r1, 255u8
    LDI r2, 7u8
    SHR r3, r1, r2
    PUSHARG r3
    LDI r1, -1i8
    LDI r2, 7i8
    SHR r3, r1, r2
    PUSHARG r3
    LDI r1, -128i8
    LDI r2, 1i8
    SHR r3, r1, r2
    PUSHARG r3
    LDI r1, 64i8
    LDI r2, 2i8
    SHL r3, r1, r2
    PUSHARG r3
    CALL print
    LDI r1, 1i32
    LDI r2, 5i32
    SHL r3, r1, r2
    PUSHARG r3
    LDI r1, -1i32
    LDI r2, 31i32
    SHR r3, r1, r2
    PUSHARG r3
    LDI r1, 4294967295u32
    LDI r2, 1u32
    SHL r3, r1, r2
    PUSHARG r3
    SHR r3, r1, r2
    PUSHARG r3
    CALL print
    LDI r1, 64u64
    LDI r2, 2u64
    SHR r3, r1, r2
    PUSHARG r3
    LDI r1, 18446744073709551615u64
    LDI r2, 63u64
    SHR r3, r1, r2
    PUSHARG r3
    LDI r1, -1i16
    LDI r2, 1i16
    SHL r3, r1, r2
    PUSHARG r3
    LDI r1, 65535u16
    LDI r2, 1u16
    SHL r3, r1, r2
    PUSHARG r3
    CALL print
    LDI r1, 64
    LDI r2, 2
    SHR r0, r1, r2
    RET r0
.end

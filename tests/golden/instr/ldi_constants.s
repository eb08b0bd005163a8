# LDI of every constant type, printed with print's debug text (spec §1.1,
# §1.9, §7.3).
# expect: 42 42i32 -3i16 7i8 7u8 7u16 7u32 7u64
# expect: 1.5f64 -0f64 10000000000f64 NaNf64 inff64 -inff64 1f64
# expect: true false ()
# expect: text
# expect: a 1 1.5f64 1f64 true ()
# expect: 5u8 -2i32
# expect: Program returned: ()
.function main
    LDI r1, 42
    LDI r2, 42i32
    LDI r3, -3i16
    LDI r4, 7i8
    LDI r5, 7u8
    LDI r6, 7u16
    LDI r7, 7u32
    LDI r8, 7u64
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    PUSHARG r4
    PUSHARG r5
    PUSHARG r6
    PUSHARG r7
    PUSHARG r8
    CALL print
    LDI r1, 1.5
    LDI r2, -0.0
    LDI r3, 1e10
    LDI r4, nan
    LDI r5, inf
    LDI r6, -inf
    LDI r7, 1.0
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    PUSHARG r4
    PUSHARG r5
    PUSHARG r6
    PUSHARG r7
    CALL print
    LDI r1, true
    LDI r2, false
    LDI r3, ()
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    CALL print
    LDI r1, "text"
    PUSHARG r1
    CALL print
    LDI r1, "a"
    LDI r2, 1
    LDI r3, 1.5
    LDI r4, 1.0
    LDI r5, true
    LDI r6, ()
    PUSHARG r1
    PUSHARG r2
    PUSHARG r3
    PUSHARG r4
    PUSHARG r5
    PUSHARG r6
    CALL print
    LDI r1, 5u8
    LDI r2, -2i32
    PUSHARG r1
    PUSHARG r2
    CALL print
    RET r0
.end

# int32 arithmetic: ADD SUB MUL DIV MOD keep the operand type (spec §1.4);
# results at the boundaries are not overflows; DIV truncates toward zero,
# MOD takes the sign of the dividend.
# expect: 2147483647i32 -2147483648i32 -42i32 -3i32 -3i32 -1i32 1i32 -2147483647i32 -2147483648i32 -2147483648i32 -1i32
# expect: int32
# expect: Program returned: -1
.function main
    LDI r1, 2147483646i32
    LDI r2, 1i32
    ADD r3, r1, r2
    PUSHARG r3
    LDI r1, -2147483647i32
    LDI r2, 1i32
    SUB r3, r1, r2
    PUSHARG r3
    LDI r1, -7i32
    LDI r2, 6i32
    MUL r3, r1, r2
    PUSHARG r3
    LDI r1, -7i32
    LDI r2, 2i32
    DIV r3, r1, r2
    PUSHARG r3
    LDI r1, 7i32
    LDI r2, -2i32
    DIV r3, r1, r2
    PUSHARG r3
    LDI r1, -7i32
    LDI r2, 2i32
    MOD r3, r1, r2
    PUSHARG r3
    LDI r1, 7i32
    LDI r2, -2i32
    MOD r3, r1, r2
    PUSHARG r3
    LDI r1, 0i32
    LDI r2, 2147483647i32
    SUB r3, r1, r2
    PUSHARG r3
    LDI r1, -2147483648i32
    LDI r2, 1i32
    DIV r3, r1, r2
    PUSHARG r3
    LDI r1, -2147483648i32
    LDI r2, 1i32
    MUL r3, r1, r2
    PUSHARG r3
    LDI r1, -2147483648i32
    LDI r2, 2147483647i32
    MOD r3, r1, r2
    PUSHARG r3
    CALL print
    PUSHARG r3
    CALL type
    PUSHARG r0
    CALL print
    RET r3
.end

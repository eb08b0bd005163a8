# int8 arithmetic: ADD SUB MUL DIV MOD keep the operand type (spec §1.4);
# results at the boundaries are not overflows; DIV truncates toward zero,
# MOD takes the sign of the dividend.
# expect: 127i8 -128i8 -42i8 -3i8 -3i8 -1i8 1i8 -127i8 -128i8 -128i8 -1i8
# expect: int8
# expect: Program returned: -1
.function main
    LDI r1, 126i8
    LDI r2, 1i8
    ADD r3, r1, r2
    PUSHARG r3
    LDI r1, -127i8
    LDI r2, 1i8
    SUB r3, r1, r2
    PUSHARG r3
    LDI r1, -7i8
    LDI r2, 6i8
    MUL r3, r1, r2
    PUSHARG r3
    LDI r1, -7i8
    LDI r2, 2i8
    DIV r3, r1, r2
    PUSHARG r3
    LDI r1, 7i8
    LDI r2, -2i8
    DIV r3, r1, r2
    PUSHARG r3
    LDI r1, -7i8
    LDI r2, 2i8
    MOD r3, r1, r2
    PUSHARG r3
    LDI r1, 7i8
    LDI r2, -2i8
    MOD r3, r1, r2
    PUSHARG r3
    LDI r1, 0i8
    LDI r2, 127i8
    SUB r3, r1, r2
    PUSHARG r3
    LDI r1, -128i8
    LDI r2, 1i8
    DIV r3, r1, r2
    PUSHARG r3
    LDI r1, -128i8
    LDI r2, 1i8
    MUL r3, r1, r2
    PUSHARG r3
    LDI r1, -128i8
    LDI r2, 127i8
    MOD r3, r1, r2
    PUSHARG r3
    CALL print
    PUSHARG r3
    CALL type
    PUSHARG r0
    CALL print
    RET r3
.end

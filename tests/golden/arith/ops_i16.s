# int16 arithmetic: ADD SUB MUL DIV MOD keep the operand type (spec §1.4);
# results at the boundaries are not overflows; DIV truncates toward zero,
# MOD takes the sign of the dividend.
# expect: 32767i16 -32768i16 -42i16 -3i16 -3i16 -1i16 1i16 -32767i16 -32768i16 -32768i16 -1i16
# expect: int16
# expect: Program returned: -1
.function main
    LDI r1, 32766i16
    LDI r2, 1i16
    ADD r3, r1, r2
    PUSHARG r3
    LDI r1, -32767i16
    LDI r2, 1i16
    SUB r3, r1, r2
    PUSHARG r3
    LDI r1, -7i16
    LDI r2, 6i16
    MUL r3, r1, r2
    PUSHARG r3
    LDI r1, -7i16
    LDI r2, 2i16
    DIV r3, r1, r2
    PUSHARG r3
    LDI r1, 7i16
    LDI r2, -2i16
    DIV r3, r1, r2
    PUSHARG r3
    LDI r1, -7i16
    LDI r2, 2i16
    MOD r3, r1, r2
    PUSHARG r3
    LDI r1, 7i16
    LDI r2, -2i16
    MOD r3, r1, r2
    PUSHARG r3
    LDI r1, 0i16
    LDI r2, 32767i16
    SUB r3, r1, r2
    PUSHARG r3
    LDI r1, -32768i16
    LDI r2, 1i16
    DIV r3, r1, r2
    PUSHARG r3
    LDI r1, -32768i16
    LDI r2, 1i16
    MUL r3, r1, r2
    PUSHARG r3
    LDI r1, -32768i16
    LDI r2, 32767i16
    MOD r3, r1, r2
    PUSHARG r3
    CALL print
    PUSHARG r3
    CALL type
    PUSHARG r0
    CALL print
    RET r3
.end

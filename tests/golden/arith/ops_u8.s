# uint8 arithmetic: ADD SUB MUL DIV MOD keep the operand type (spec §1.4);
# results at the boundaries are not overflows; DIV truncates toward zero,
# MOD takes the sign of the dividend.
# expect: 255u8 0u8 255u8 3u8 1u8 28u8 4u8 0u8 1u8 255u8 5u8
# expect: uint8
# expect: Program returned: 5
.function main
    LDI r1, 254u8
    LDI r2, 1u8
    ADD r3, r1, r2
    PUSHARG r3
    LDI r1, 5u8
    LDI r2, 5u8
    SUB r3, r1, r2
    PUSHARG r3
    LDI r1, 15u8
    LDI r2, 17u8
    MUL r3, r1, r2
    PUSHARG r3
    LDI r1, 7u8
    LDI r2, 2u8
    DIV r3, r1, r2
    PUSHARG r3
    LDI r1, 7u8
    LDI r2, 2u8
    MOD r3, r1, r2
    PUSHARG r3
    LDI r1, 200u8
    LDI r2, 7u8
    DIV r3, r1, r2
    PUSHARG r3
    LDI r1, 200u8
    LDI r2, 7u8
    MOD r3, r1, r2
    PUSHARG r3
    LDI r1, 255u8
    LDI r2, 255u8
    SUB r3, r1, r2
    PUSHARG r3
    LDI r1, 255u8
    LDI r2, 255u8
    DIV r3, r1, r2
    PUSHARG r3
    LDI r1, 255u8
    LDI r2, 1u8
    MUL r3, r1, r2
    PUSHARG r3
    LDI r1, 255u8
    LDI r2, 10u8
    MOD r3, r1, r2
    PUSHARG r3
    CALL print
    PUSHARG r3
    CALL type
    PUSHARG r0
    CALL print
    RET r3
.end

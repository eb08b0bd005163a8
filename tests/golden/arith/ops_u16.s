# uint16 arithmetic: ADD SUB MUL DIV MOD keep the operand type (spec §1.4);
# results at the boundaries are not overflows; DIV truncates toward zero,
# MOD takes the sign of the dividend.
# expect: 65535u16 0u16 255u16 3u16 1u16 28u16 4u16 0u16 1u16 65535u16 5u16
# expect: uint16
# expect: Program returned: 5
.function main
    LDI r1, 65534u16
    LDI r2, 1u16
    ADD r3, r1, r2
    PUSHARG r3
    LDI r1, 5u16
    LDI r2, 5u16
    SUB r3, r1, r2
    PUSHARG r3
    LDI r1, 15u16
    LDI r2, 17u16
    MUL r3, r1, r2
    PUSHARG r3
    LDI r1, 7u16
    LDI r2, 2u16
    DIV r3, r1, r2
    PUSHARG r3
    LDI r1, 7u16
    LDI r2, 2u16
    MOD r3, r1, r2
    PUSHARG r3
    LDI r1, 200u16
    LDI r2, 7u16
    DIV r3, r1, r2
    PUSHARG r3
    LDI r1, 200u16
    LDI r2, 7u16
    MOD r3, r1, r2
    PUSHARG r3
    LDI r1, 65535u16
    LDI r2, 65535u16
    SUB r3, r1, r2
    PUSHARG r3
    LDI r1, 65535u16
    LDI r2, 65535u16
    DIV r3, r1, r2
    PUSHARG r3
    LDI r1, 65535u16
    LDI r2, 1u16
    MUL r3, r1, r2
    PUSHARG r3
    LDI r1, 65535u16
    LDI r2, 10u16
    MOD r3, r1, r2
    PUSHARG r3
    CALL print
    PUSHARG r3
    CALL type
    PUSHARG r0
    CALL print
    RET r3
.end

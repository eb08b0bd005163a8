# uint32 arithmetic: ADD SUB MUL DIV MOD keep the operand type (spec §1.4);
# results at the boundaries are not overflows; DIV truncates toward zero,
# MOD takes the sign of the dividend.
# expect: 4294967295u32 0u32 255u32 3u32 1u32 28u32 4u32 0u32 1u32 4294967295u32 5u32
# expect: uint32
# expect: Program returned: 5
.function main
    LDI r1, 4294967294u32
    LDI r2, 1u32
    ADD r3, r1, r2
    PUSHARG r3
    LDI r1, 5u32
    LDI r2, 5u32
    SUB r3, r1, r2
    PUSHARG r3
    LDI r1, 15u32
    LDI r2, 17u32
    MUL r3, r1, r2
    PUSHARG r3
    LDI r1, 7u32
    LDI r2, 2u32
    DIV r3, r1, r2
    PUSHARG r3
    LDI r1, 7u32
    LDI r2, 2u32
    MOD r3, r1, r2
    PUSHARG r3
    LDI r1, 200u32
    LDI r2, 7u32
    DIV r3, r1, r2
    PUSHARG r3
    LDI r1, 200u32
    LDI r2, 7u32
    MOD r3, r1, r2
    PUSHARG r3
    LDI r1, 4294967295u32
    LDI r2, 4294967295u32
    SUB r3, r1, r2
    PUSHARG r3
    LDI r1, 4294967295u32
    LDI r2, 4294967295u32
    DIV r3, r1, r2
    PUSHARG r3
    LDI r1, 4294967295u32
    LDI r2, 1u32
    MUL r3, r1, r2
    PUSHARG r3
    LDI r1, 4294967295u32
    LDI r2, 10u32
    MOD r3, r1, r2
    PUSHARG r3
    CALL print
    PUSHARG r3
    CALL type
    PUSHARG r0
    CALL print
    RET r3
.end

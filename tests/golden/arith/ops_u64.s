# uint64 arithmetic: ADD SUB MUL DIV MOD keep the operand type (spec §1.4);
# results at the boundaries are not overflows; DIV truncates toward zero,
# MOD takes the sign of the dividend.
# expect: 18446744073709551615u64 0u64 255u64 3u64 1u64 28u64 4u64 0u64 1u64 18446744073709551615u64 5u64
# expect: uint64
# expect: Program returned: 5
.function main
    LDI r1, 18446744073709551614u64
    LDI r2, 1u64
    ADD r3, r1, r2
    PUSHARG r3
    LDI r1, 5u64
    LDI r2, 5u64
    SUB r3, r1, r2
    PUSHARG r3
    LDI r1, 15u64
    LDI r2, 17u64
    MUL r3, r1, r2
    PUSHARG r3
    LDI r1, 7u64
    LDI r2, 2u64
    DIV r3, r1, r2
    PUSHARG r3
    LDI r1, 7u64
    LDI r2, 2u64
    MOD r3, r1, r2
    PUSHARG r3
    LDI r1, 200u64
    LDI r2, 7u64
    DIV r3, r1, r2
    PUSHARG r3
    LDI r1, 200u64
    LDI r2, 7u64
    MOD r3, r1, r2
    PUSHARG r3
    LDI r1, 18446744073709551615u64
    LDI r2, 18446744073709551615u64
    SUB r3, r1, r2
    PUSHARG r3
    LDI r1, 18446744073709551615u64
    LDI r2, 18446744073709551615u64
    DIV r3, r1, r2
    PUSHARG r3
    LDI r1, 18446744073709551615u64
    LDI r2, 1u64
    MUL r3, r1, r2
    PUSHARG r3
    LDI r1, 18446744073709551615u64
    LDI r2, 10u64
    MOD r3, r1, r2
    PUSHARG r3
    CALL print
    PUSHARG r3
    CALL type
    PUSHARG r0
    CALL print
    RET r3
.end

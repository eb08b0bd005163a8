# int64 arithmetic: ADD SUB MUL DIV MOD keep the operand type (spec §1.4);
# results at the boundaries are not overflows; DIV truncates toward zero,
# MOD takes the sign of the dividend.
# expect: 9223372036854775807 -9223372036854775808 -42 -3 -3 -1 1 -9223372036854775807 -9223372036854775808 -9223372036854775808 -1
# expect: int64
# expect: Program returned: -1
.function main
    LDI r1, 9223372036854775806
    LDI r2, 1
    ADD r3, r1, r2
    PUSHARG r3
    LDI r1, -9223372036854775807
    LDI r2, 1
    SUB r3, r1, r2
    PUSHARG r3
    LDI r1, -7
    LDI r2, 6
    MUL r3, r1, r2
    PUSHARG r3
    LDI r1, -7
    LDI r2, 2
    DIV r3, r1, r2
    PUSHARG r3
    LDI r1, 7
    LDI r2, -2
    DIV r3, r1, r2
    PUSHARG r3
    LDI r1, -7
    LDI r2, 2
    MOD r3, r1, r2
    PUSHARG r3
    LDI r1, 7
    LDI r2, -2
    MOD r3, r1, r2
    PUSHARG r3
    LDI r1, 0
    LDI r2, 9223372036854775807
    SUB r3, r1, r2
    PUSHARG r3
    LDI r1, -9223372036854775808
    LDI r2, 1
    DIV r3, r1, r2
    PUSHARG r3
    LDI r1, -9223372036854775808
    LDI r2, 1
    MUL r3, r1, r2
    PUSHARG r3
    LDI r1, -9223372036854775808
    LDI r2, 9223372036854775807
    MOD r3, r1, r2
    PUSHARG r3
    CALL print
    PUSHARG r3
    CALL type
    PUSHARG r0
    CALL print
    RET r3
.end

# Float arithmetic with Float and I64 operands in both orders (spec §1.4
# rule 2): the I64 is converted to double (round to nearest), results are
# IEEE (inf/NaN allowed), MOD is C fmod.
# expect: 2.5f64 2.5f64 2.5f64 -2f64 6.5f64 10f64 1.5f64 0.25f64 3.5f64
# expect: 1.5f64 -1.5f64 2f64 9007199254740992f64 inff64 NaNf64 -0f64 0.3333333333333333f64
# expect: float
# expect: Program returned: 0.30000000000000004
.function main
    LDI r1, 1.5
    LDI r2, 1.0
    ADD r3, r1, r2
    PUSHARG r3
    LDI r2, 1
    ADD r3, r1, r2
    PUSHARG r3
    ADD r3, r2, r1
    PUSHARG r3
    LDI r1, 5.0
    LDI r2, 7
    SUB r3, r1, r2
    PUSHARG r3
    LDI r1, 7
    LDI r2, 0.5
    SUB r3, r1, r2
    PUSHARG r3
    LDI r1, 2.5
    LDI r2, 4
    MUL r3, r1, r2
    PUSHARG r3
    LDI r1, 3
    LDI r2, 0.5
    MUL r3, r1, r2
    PUSHARG r3
    LDI r1, 1
    LDI r2, 4.0
    DIV r3, r1, r2
    PUSHARG r3
    LDI r1, 7.0
    LDI r2, 2
    DIV r3, r1, r2
    PUSHARG r3
    CALL print
    LDI r1, 7.5
    LDI r2, 2
    MOD r3, r1, r2
    PUSHARG r3
    LDI r1, -7.5
    MOD r3, r1, r2
    PUSHARG r3
    LDI r1, 7
    LDI r2, 2.5
    MOD r3, r1, r2
    PUSHARG r3
    LDI r1, 9007199254740993
    LDI r2, 0.0
    ADD r3, r1, r2
    PUSHARG r3
    LDI r1, 1e308
    LDI r2, 10
    MUL r3, r1, r2
    PUSHARG r3
    LDI r1, inf
    SUB r3, r1, r1
    PUSHARG r3
    LDI r1, -1.0
    LDI r2, 0
    MUL r3, r1, r2
    PUSHARG r3
    LDI r1, 1.0
    LDI r2, 3
    DIV r3, r1, r2
    PUSHARG r3
    CALL print
    PUSHARG r3
    CALL type
    PUSHARG r0
    CALL print
    LDI r1, 0.1
    LDI r2, 0.2
    ADD r3, r1, r2
    RET r3
.end

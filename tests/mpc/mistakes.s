# The common mistakes of docs/programming.md §7, one entry function each;
# tests/usability/usability_tests.py runs every entry and checks the error.
.function div regs=20
    LDI r1, 0
    PUSHARG r1
    PUSHARG r1
    CALL ClientStore.take_share
    MOV r16, r0
    MOV r17, r0
    DIV r18, r16, r17
    RET r1
.end
.function cmp regs=20
    LDI r1, 0
    PUSHARG r1
    PUSHARG r1
    CALL ClientStore.take_share
    MOV r16, r0
    CMP r16, r1
    RET r1
.end
.function str regs=20
    LDI r1, "x"
    MOV r16, r1
    RET r1
.end
.function mod regs=20
    LDI r1, 0
    PUSHARG r1
    PUSHARG r1
    CALL ClientStore.take_share
    MOV r16, r0
    LDI r2, 3
    MOD r17, r16, r2
    RET r1
.end
.function mix regs=20
    LDI r1, 0
    PUSHARG r1
    PUSHARG r1
    CALL ClientStore.take_share
    MOV r16, r0
    PUSHARG r1
    PUSHARG r1
    CALL ClientStore.take_share_fixed
    MOV r17, r0
    ADD r18, r16, r17
    RET r1
.end
.function noclient regs=20
    LDI r1, 0
    PUSHARG r1
    PUSHARG r1
    CALL ClientStore.take_share
    MOV r16, r0
    RET r1
.end

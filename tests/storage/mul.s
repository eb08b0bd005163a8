# 6 * 7 on shares: one Beaver triple (tests/storage/storage_tests.py).
.function main
    LDI r1, 6
    LDI r2, 64
    PUSHARG r1
    PUSHARG r2
    CALL Share.from_clear_int
    MOV r3, r0
    LDI r1, 7
    PUSHARG r1
    PUSHARG r2
    CALL Share.from_clear_int
    MOV r4, r0
    PUSHARG r3
    PUSHARG r4
    CALL Share.mul
    PUSHARG r0
    CALL Share.open
    RET r0
.end
